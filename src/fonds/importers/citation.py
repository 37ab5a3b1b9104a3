"""Archive citations as the Wilson Center prints them, taken apart.

`"Title", August 14, 1962, Wilson Center Digital Archive, Archive of the
Foreign Policy of the Russian Federation (AVPRF), fond 0102, opis 18, papka 93,
delo 5, listy 3-9. Obtained and translated for NKIDP by Sergey Radchenko URL`
gives the repository and its code, the archival reference by parts, the
credits with their roles, the project and the URL. References of other shapes
("PRC FMA 106-00581-01", "BArch, B 136/59748, 403-410") are kept as text.

Citations of other shapes are read as far as they can be, never guessed:

- several URLs: the archive's document URL (digitalarchive.wilsoncenter.org/document/N)
  gives the id and `url` wherever it stands; without one, a document URL of another
  site gives an id in that site's namespace (`archive.example.org-500001`);
- no "Wilson Center Digital Archive": the date after the title is taken off first;
- a part that names no repository fonds can recognise is kept as reference text, with
  a warning; a published source ("Public Papers of the Presidents") goes to
  `source.publication`, never to the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from fonds.dates import parse_date
from fonds.errors import FondsError
from fonds.record import Credit, Source
from fonds.repositories import is_repository_name, publication_of
from fonds.vocabulary import projects, repositories, repository_forms

ARCHIVE = "Wilson Center Digital Archive"
ARCHIVE_HOST = "digitalarchive.wilsoncenter.org"
ARCHIVE_PREFIX = "wcda"

_URL = re.compile(r"https?://[^\s<>\"]+")
# /document/110485, /documents/110485, /document/some-slug/110485, /document/110485.pdf: the
# number is the archive's document number. A slug alone (`/document/journal-...-24-august-1957`)
# is no number: its digits are often a date.
_DOC_NUMBER = re.compile(r"/documents?/(?:[\w-]+/)?(\d+)(?:\.\w{1,5})?/?$", re.I)
_DOC_SLUG = re.compile(r"/documents?/([\w-]{1,80})/?$", re.I)
_QUOTED_TITLE = re.compile(r'^\s*["“](.*?)["”],?\s*')
_NAMED_REPOSITORY = re.compile(r"^(?P<name>[^,()]+?)\s*\((?P<code>[^()]{2,20})\)\s*(?:,\s*|$)")
# A repository's code is written in capitals (AVPRF, PRC FMA, SAPMO-BArch, АВП РФ): "(Romania)" is
# a place, not a code.
_CODE = re.compile(r"^(?=(?:[^a-zа-яё]*[A-ZА-ЯЁ]){2})[\w .&/-]{2,20}$")
_SEGMENT = re.compile(r"^[\w.-]{1,80}$")

# fond 0102, opis 18, papka 93, delo 5, listy 3-9   |   f. 5, op. 49, d. 131, ll. 193-194
# | f.5 op.49 d.131 | ф. 5, оп. 30, д. 1, л. 2 (Russian: fond, opis, delo, list in Cyrillic)
_PART_NAMES = {
    "fond": "fond", "f": "fond", "opis": "opis", "op": "opis", "papka": "papka", "p": "papka",
    "delo": "delo", "d": "delo", "listy": "listy", "ll": "listy", "list": "list", "l": "list",
    "portfel": "portfel", "por": "poryadkovyi", "sviazka": "sviazka", "sv": "sviazka",
    "фонд": "fond", "ф": "fond", "опись": "opis", "оп": "opis", "папка": "papka", "п": "papka",
    "дело": "delo", "д": "delo", "листы": "listy", "лл": "listy", "лист": "list", "л": "list",
}
_KEYS = (
    r"(?:fond|opis|papka|delo|listy|list|portfel|sviazka|фонд|опись|папка|дело|листы|лист)\b"
    r"|(?:f|op|p|d|ll|l|por|sv|ф|оп|п|д|лл|л)\.(?!\w\.)"
)
_PART = re.compile(
    rf"(?P<key>{_KEYS})\s*(?P<value>[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё/\-–.]*?)\s*(?:[,;]\s*|\s+(?={_KEYS})|$)",
    re.I,
)
_CREDIT_START = re.compile(
    r"\b(?:Obtained|Translated|Contributed|Transcribed|Donated|Provided|Edited)\b", re.I
)
_ROLE_WORDS = (
    ("translat", "translator"),
    ("transcrib", "transcriber"),
    ("contribut", "contributor"),
    ("donat", "contributor"),
    ("provid", "contributor"),
    ("obtain", "contributor"),
    ("edit", "editor"),
)


@dataclass(frozen=True)
class Citation:
    """A citation taken apart.

    `record_id` is the id its document URL gives (`wcda-110485`, or `<host>-<id>` for another
    site), None without one; `warnings` are messages for the parts that could not be identified.
    """

    source: Source
    credits: tuple[Credit, ...]
    projects: tuple[str, ...]
    url: str | None
    number: str | None
    record_id: str | None = None
    warnings: tuple[str, ...] = ()


def parse_citation(text: str, *, origin: str) -> Citation:
    """Take a citation apart. The citation itself is kept whole in `source.citation`.

    Never raises for a citation's shape: what cannot be identified is kept as text and named in
    `warnings`. `origin` is kept for callers that report against it.
    """
    citation = " ".join(text.split())
    urls = [found.rstrip(".,;)]") for found in _URL.findall(citation)]
    url, number, record_id = document_url(urls)
    rest = _URL.sub(" ", citation)
    rest = " ".join(rest.split()).strip()
    rest = _QUOTED_TITLE.sub("", rest, count=1)
    holding, credit_text = _split_credits(rest)
    warnings: list[str] = []
    source = _holding(holding, warnings)
    found_projects = tuple(dict.fromkeys(re.findall(rf"\b({'|'.join(projects())})\b", citation)))
    return Citation(
        source=Source(
            citation=text.strip(),
            repository=source.repository,
            repository_code=source.repository_code,
            repository_printed=source.repository_printed,
            reference=dict(source.reference),
            publication=source.publication,
        ),
        credits=_credits(credit_text),
        projects=found_projects,
        url=url,
        number=number,
        record_id=record_id,
        warnings=tuple(warnings),
    )


def document_url(urls: list[str]) -> tuple[str | None, str | None, str | None]:
    """(url, document number, record id) from a citation's URLs.

    The Wilson Center archive's document URL wins wherever it stands (`wcda-NUMBER`); else the
    last URL of another site whose path ends in a document number or name gives
    `<host>-<last path segment>` (its own namespace: `archive.example.org-500001`); else the
    last URL, with no id.
    """
    for url in urls:
        parts = urlsplit(url)
        if _is_archive_host(parts.hostname):
            found = _DOC_NUMBER.search(parts.path)
            if found:
                return url, found.group(1), f"{ARCHIVE_PREFIX}-{found.group(1)}"
            slug = _DOC_SLUG.search(parts.path)
            if slug:  # a document URL that carries a name and no number: still the archive's
                return url, None, f"{ARCHIVE_PREFIX}-{slug.group(1).lower()}"
    for url in reversed(urls):
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        segments = [s for s in parts.path.split("/") if s]
        if host and segments and _SEGMENT.match(segments[-1]) and any(c.isdigit() for c in segments[-1]):
            return url, None, f"{host}-{segments[-1]}"
    return (urls[-1] if urls else None), None, None


def _is_archive_host(host: str | None) -> bool:
    """Whether `host` is the archive's own (`digitalarchive.wilsoncenter.org` or a subdomain of
    it); `notdigitalarchive.wilsoncenter.org` and `…wilsoncenter.org.example.com` are not."""
    host = (host or "").lower().rstrip(".")
    return host == ARCHIVE_HOST or host.endswith("." + ARCHIVE_HOST)


def _split_credits(rest: str) -> tuple[str, str]:
    found = _CREDIT_START.search(rest)
    if not found:
        return rest.rstrip(". "), ""
    return rest[: found.start()].rstrip(". ,"), rest[found.start():].strip()


def _holding(text: str, warnings: list[str]) -> Source:
    """Repository name, code and reference (or publication) from the part after the title."""
    at = text.find(ARCHIVE)
    if at >= 0:
        text = text[at + len(ARCHIVE):].lstrip(", ")
    else:
        text = strip_date(text)
    text = text.strip(" ,.")
    if not text:
        return Source()
    publication = publication_of(text)
    if publication is not None:
        return Source(publication=text)
    named = _NAMED_REPOSITORY.match(text)
    known = repositories()
    forms = repository_forms()  # РГАНИ, АВП РФ...: the same repositories as printed in Russian
    if named and _CODE.match(named.group("code").strip()) and (
        is_repository_name(named.group("name")) or named.group("code").strip() in known
        or named.group("code").strip() in forms
    ):
        name, code = named.group("name").strip(), named.group("code").strip()
        return Source(repository=name, repository_code=code, reference=_reference(text[named.end():]))
    for printed in sorted([*known, *forms], key=len, reverse=True):
        if text == printed or text.startswith((printed + ",", printed + " ")):
            code = forms.get(printed, printed)  # the code stays as printed; the name is the registry's
            return Source(repository=known[code][0], repository_code=printed,
                          reference=_reference(text[len(printed):].lstrip(", ")),
                          repository_printed=printed if printed != code else None)
    head, _, tail = text.partition(",")
    head = head.strip()
    if is_repository_name(head):
        return Source(repository=head, reference=_reference(tail.strip()))
    warnings.append(
        f"the citation names no repository fonds recognises ({_short(text, 60)!r}); it is kept as "
        "reference text: write the repository's name (or 'Name (CODE)') after the date, or after "
        f"'{ARCHIVE},'"
    )
    return Source(reference={"text": text.rstrip(".")})


def strip_date(text: str) -> str:
    """`text` without its date and what stands before it (`March 3, 1963, Archive ...` or
    `Memorandum, March 3, 1963, Archive ...` -> `Archive ...`).

    The date is looked for in the first three comma-separated places (an unquoted title may
    stand before it), one to three parts long, longest first, read by `parse_date`; `text`
    unchanged if there is none.
    """
    parts = text.split(",")
    for first in range(min(3, len(parts))):
        if first and is_repository_name(",".join(parts[:first])):
            break  # the date comes after the repository: the citation starts with the holding
        for count in (3, 2, 1):
            if first + count > len(parts):
                continue
            candidate = ",".join(parts[first:first + count]).strip()
            if not candidate or len(candidate) > 40 or not re.search(r"\d|n\.\s?d\.|undated", candidate, re.I):
                continue
            try:
                date = parse_date(candidate)
            except FondsError:
                continue
            if date.text is not None and (date.is_dated or "n" in candidate.lower()):
                return ",".join(parts[first + count:]).strip()
    return text


def _reference(text: str) -> dict[str, str]:
    """Reference parts by name when every part is one we know (in any order, with commas or
    spaces between, Latin or Cyrillic: `op. 30, f. 5`, `f.5 op.30 d.1`, `ф. 5, оп. 30`); else the
    whole text as `{"text": ...}`. A part named twice keeps the whole text too."""
    text = text.strip().rstrip(".")
    if not text:
        return {}
    parts: dict[str, str] = {}
    at = 0
    while at < len(text):
        found = _PART.match(text, at)
        if not found:
            return {"text": text}
        key = _PART_NAMES[found.group("key").lower().rstrip(".")]
        if key in parts:
            return {"text": text}
        parts[key] = found.group("value").rstrip(".")
        at = found.end()
    return parts


def _credits(text: str) -> tuple[Credit, ...]:
    """`Obtained and translated for NKIDP by X` -> translator X (the most specific role)."""
    credits: list[Credit] = []
    for sentence in re.split(r"(?<=[a-z\]])\.\s+|;\s*|,\s+(?=(?:and\s+)?(?:translated|transcribed)\b)", text):
        sentence = sentence.strip().rstrip(".")
        if not sentence:
            continue
        clauses = re.split(r"\s+and\s+(?=(?:translated|transcribed|edited)\b)", sentence, flags=re.I)
        for clause in clauses:
            match = re.search(r"\bby\s+(.+)$", clause, re.I)
            if not match:
                continue
            verbs = clause[: match.start()].lower()
            role = next((r for word, r in _ROLE_WORDS if word in verbs), "contributor")
            for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group(1)):
                name = name.strip().rstrip(".")
                if name and Credit(role, name) not in credits:
                    credits.append(Credit(role=role, name=name))
    return tuple(credits)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
