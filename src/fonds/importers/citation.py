"""Archive citations as the Wilson Center prints them, taken apart.

`"Title", August 14, 1962, Wilson Center Digital Archive, Archive of the
Foreign Policy of the Russian Federation (AVPRF), fond 0102, opis 18, papka 93,
delo 5, listy 3-9. Obtained and translated for NKIDP by Sergey Radchenko URL`
gives the repository and its code, the archival reference by parts, the
credits with their roles, the project and the URL. References of other shapes
("PRC FMA 106-00581-01", "BArch, B 136/59748, 403-410") are kept as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fonds.errors import RecordError
from fonds.record import Credit, Source
from fonds.vocabulary import projects, repositories

_URL = re.compile(r"https?://\S+")
_DOC_NUMBER = re.compile(r"/document/(?:[a-z-]+/)?(\d+)")
_QUOTED_TITLE = re.compile(r'^\s*["“](.*?)["”],\s*')
_ARCHIVE = "Wilson Center Digital Archive"
_NAMED_REPOSITORY = re.compile(r"^(?P<name>[^,()]+?)\s*\((?P<code>[^()]{2,20})\)\s*(?:,\s*|$)")

# fond 0102, opis 18, papka 93, delo 5, listy 3-9   |   f. 5, op. 49, d. 131, ll. 193-194
_PART_NAMES = {
    "fond": "fond", "f": "fond", "opis": "opis", "op": "opis", "papka": "papka", "p": "papka",
    "delo": "delo", "d": "delo", "listy": "listy", "ll": "listy", "list": "list", "l": "list",
    "portfel": "portfel", "por": "poryadkovyi", "sviazka": "sviazka", "sv": "sviazka",
}
_PART = re.compile(
    r"^(?P<key>fond|opis|papka|delo|listy|list|portfel|sviazka|f\.|op\.|p\.|d\.|ll\.|l\.|por\.|sv\.)"
    r"\s*(?P<value>[0-9A-Za-zА-Яа-я][0-9A-Za-zА-Яа-я/\-–.]*?)\s*$",
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
    source: Source
    credits: tuple[Credit, ...]
    projects: tuple[str, ...]
    url: str | None
    number: str | None


def parse_citation(text: str, *, origin: str) -> Citation:
    """Take a citation apart. The citation itself is kept whole in `source.citation`."""
    citation = " ".join(text.split())
    url_match = _URL.search(citation)
    url = url_match.group(0).rstrip(".,;)") if url_match else None
    number_match = _DOC_NUMBER.search(url or "")
    rest = _URL.sub("", citation).strip()
    rest = _QUOTED_TITLE.sub("", rest)
    holding, credit_text = _split_credits(rest)
    repository, code, reference = _holding(holding)
    credits = _credits(credit_text, origin)
    found_projects = tuple(dict.fromkeys(re.findall(rf"\b({'|'.join(projects())})\b", citation)))
    return Citation(
        source=Source(citation=text.strip(), repository=repository, repository_code=code, reference=reference),
        credits=credits,
        projects=found_projects,
        url=url,
        number=number_match.group(1) if number_match else None,
    )


def _split_credits(rest: str) -> tuple[str, str]:
    found = _CREDIT_START.search(rest)
    if not found:
        return rest.rstrip(". "), ""
    return rest[: found.start()].rstrip(". ,"), rest[found.start():].strip()


def _holding(text: str) -> tuple[str | None, str | None, dict[str, str]]:
    """Repository name, code and reference from the part after the date and archive name."""
    at = text.find(_ARCHIVE)
    if at >= 0:
        text = text[at + len(_ARCHIVE):].lstrip(", ")
    else:
        # No archive name: drop the date that follows the title ("August 14, 1962, ").
        text = re.sub(r"^[^,]*\d{4},\s*", "", text)
    named = _NAMED_REPOSITORY.match(text)
    if named:
        name, code = named.group("name").strip(), named.group("code").strip()
        return name, code, _reference(text[named.end():])
    known = repositories()
    for code in sorted(known, key=len, reverse=True):
        if text == code or text.startswith((code + ",", code + " ")):
            return known[code][0], code, _reference(text[len(code):].lstrip(", "))
    if not text:
        return None, None, {}
    head, _, tail = text.partition(",")
    return head.strip(), None, _reference(tail.strip())


def _reference(text: str) -> dict[str, str]:
    """Reference parts by name when every part is one we know; else the whole text."""
    text = text.strip().rstrip(".")
    if not text:
        return {}
    parts: dict[str, str] = {}
    for piece in re.split(r",\s*", text):
        found = _PART.match(piece.strip())
        if not found:
            return {"text": text}
        key = _PART_NAMES[found.group("key").lower().rstrip(".")]
        if key in parts:
            return {"text": text}
        parts[key] = found.group("value").rstrip(".")
    return parts


def _credits(text: str, origin: str) -> tuple[Credit, ...]:
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
