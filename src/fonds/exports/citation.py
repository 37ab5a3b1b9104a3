"""What every citation format says about a record, worked out once.

The exports (Chicago, CSL-JSON, BibTeX, RIS, Dublin Core, TEI) and the page's
citation meta tags all need the same derived values: credited names split into
parts, the archival reference as one line, the place of the archive, the date
as numbers and as printed, the publishing archive and its project credit, the
edition a document is printed in. They are derived here from the Record;
nothing here is stored. Name parts and sorting follow the Chicago Manual of
Style (17th ed., 8.5 and 16.71: a particle stays with the surname, lowercase or
capitalised as the person writes it, and is alphabetized with it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fonds import vocabulary
from fonds.dates import HistoricalDate
from fonds.record import Record, Source, format_reference

PARTICLES = {
    "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "des", "dos",
    "das", "do", "ten", "ter", "zu", "zum", "zur", "d'", "l'", "af", "av", "y",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_ORGANIZATION_WORDS = {
    "of", "and", "for", "the", "department", "division", "ministry", "office", "committee",
    "institute", "project", "archive", "archives", "center", "centre", "bureau", "service",
    "services", "embassy", "section", "staff", "agency", "council", "&", "sons", "co",
}
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
WILSON_CENTER = "Wilson Center Digital Archive"
_WILSON_HOST = re.compile(r"^https?://digitalarchive\.wilsoncenter\.org/", re.I)
_CREDIT = re.compile(
    r"\b((?:Obtained|Translated|Transcribed|Contributed|Donated|Provided)\b[^.]*?\bby\s+.+?)\s*(?:https?://\S+)?\s*\.?\s*$"
)
_NUMBER_RANGE = re.compile(r"(?<=\d)-(?=\d)")
# A FRUS source note names the file, then its classification (GPO style): where the first ends.
_CLASSIFIED = re.compile(
    r"\.\s+(?=(?:Top Secret|Secret|Confidential|Unclassified|No classification|Limited Official Use|"
    r"Official Use Only|Eyes Only)\b)"
)
SEASON_NAMES = {21: "Spring", 22: "Summer", 23: "Fall", 24: "Winter"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class Name:
    """A person's name in parts, or one `literal` for names that don't split.

    `particle` is a lowercase particle written apart from the surname (`de` Gaulle,
    `van der` Stoel); a capitalised one (`Van` Rensselaer, `De` Quincey) is part of `family`.
    """

    family: str | None = None
    given: str | None = None
    particle: str | None = None
    suffix: str | None = None
    literal: str | None = None
    family_first: bool = False  # Chinese and Korean names: `Kim Il Sung`, `Mao Zedong` (CMoS 8.14)

    @property
    def surname(self) -> str | None:
        """The surname as used alone: `de Gaulle`, `van der Stoel`, `Van Rensselaer`."""
        return " ".join(p for p in (self.particle, self.family) if p) or None

    @property
    def inverted(self) -> str:
        """`de Gaulle, Charles`, `La Follette, Robert M., Sr.`; the literal as it is."""
        if self.literal is not None:
            return self.literal
        return ", ".join(p for p in (self.surname, self.given, self.suffix) if p)

    @property
    def natural(self) -> str:
        """`Charles de Gaulle`, `Robert M. La Follette Sr.`."""
        if self.literal is not None:
            return self.literal
        if self.family_first:
            return " ".join(p for p in (self.surname, self.given) if p)
        return " ".join(p for p in (self.given, self.surname, self.suffix) if p)

    @property
    def sort_key(self) -> str:
        """Letter by letter, the particle with the surname (CMoS 16.71): `degaulle charles`."""
        if self.literal is not None:
            return _letters(self.literal)
        return f"{_letters(self.surname or '')} {_letters(self.given or '')}".strip()


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def split_name(name: str) -> Name:
    """Split a credited name (`Sergey Radchenko`, `Radchenko, Sergey`, `Max van der Stoel`) into parts."""
    name = " ".join(name.split())
    if "," in name:
        family, _, rest = name.partition(",")
        first, _, suffix = rest.strip().partition(",")
        if not family.strip():
            return Name(literal=name)
        words = family.split()
        lead = 0
        while lead < len(words) - 1 and words[lead] in PARTICLES:
            lead += 1
        return Name(family=" ".join(words[lead:]), given=first.strip() or None,
                    particle=" ".join(words[:lead]) or None, suffix=suffix.strip() or None)
    words = name.split(" ")
    lowered = {w.lower().strip(".") for w in words}
    if len(words) < 2 or len(words) > 6 or lowered & _ORGANIZATION_WORDS:
        return Name(literal=name)
    if _family_first(words):
        return Name(family=words[0], given=" ".join(words[1:]), family_first=True)
    last: str | None = None
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        last = words.pop()
    # The surname starts at the first particle after the given name(s), or is the last word.
    start = next((i for i in range(1, len(words) - 1) if words[i].lower() in PARTICLES), len(words) - 1)
    surname = words[start:]
    lead = 0
    while lead < len(surname) - 1 and surname[lead] in PARTICLES:
        lead += 1
    return Name(
        family=" ".join(surname[lead:]),
        given=" ".join(words[:start]),
        particle=" ".join(surname[:lead]) or None,
        suffix=last,
    )


def _family_first(words: list[str]) -> bool:
    """A romanized Chinese or Korean name, family name first (`Mao Zedong`, `Zhou Enlai`,
    `Kim Il Sung`, `Pak Song-chol`): two or three words, the first a Korean family name or one
    Pinyin/Wade-Giles syllable, and the given name one or two syllables that read as Korean or
    Chinese. `Lee Harvey Oswald` is no such name (`Harvey` is neither)."""
    from fonds import romanize

    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w.isascii() for w in words):
        return False
    syllables = [part for word in words[1:] for part in word.lower().split("-") if part]
    if not 1 <= len(syllables) <= 2:
        if len(words) == 2 and len(syllables) == 1:
            return False
        pinyin = romanize.split_pinyin(words[1]) if len(words) == 2 else None
        if not (pinyin and len(pinyin) == 2):
            return False
    family = words[0]
    if romanize.is_korean_surname(family) and all(romanize.korean_readings(p) for p in syllables):
        return True
    first = romanize.split_pinyin(family)
    if first is None or len(first) != 1:
        return False
    return all(_chinese_syllables(word) for word in words[1:])


def _chinese_syllables(word: str) -> bool:
    from fonds import romanize

    parts = [p for p in word.lower().split("-") if p]
    if len(parts) > 1:
        return all(romanize.pinyin_to_wade_giles(p) or romanize.wade_giles_to_pinyin(p) for p in parts)
    found = romanize.split_pinyin(word)  # `Enlai`: en-lai; `Lee` (le-e) reads as no Chinese name
    return found is not None and (len(found) == 1 or (len(found) == 2 and min(map(len, found)) > 1))


def credited(record: Record, role: str) -> tuple[Name, ...]:
    """The names credited with one role (`translator`), in order."""
    return tuple(split_name(c.name) for c in record.credits if c.role == role)


def other_credits(record: Record) -> tuple[tuple[str, Name], ...]:
    """Credits that are neither translator nor author: (role, name)."""
    return tuple(
        (c.role, split_name(c.name))
        for c in record.credits
        if c.role not in ("translator", "author")
    )


def reference_text(source: Source) -> str | None:
    """`fond 0102, opis 18, papka 93, delo 5, listy 3-9`; a lone `file` or `text` part as it is."""
    if not source.reference:
        return None
    parts = {k: v for k, v in source.reference.items() if v}
    if len(parts) == 1 and next(iter(parts)) in ("file", "text"):
        return next(iter(parts.values()))
    return format_reference(source.reference) or None


def archival_source(record: Record) -> str | None:
    """Where the original is held, as one phrase for a citation.

    `Archive of the Foreign Policy of the Russian Federation (AVPRF), fond 0102, ..., listy 3–9`
    (number ranges with an en dash); for FRUS the source note's first sentence,
    `Department of State, Presidential Correspondence: Lot 66 D 204`.
    """
    source = record.source
    if record.edition is not None and source.citation:
        first = re.sub(r"^\s*\[?Source:\s*", "", source.citation, flags=re.I)
        if source.classification and f". {source.classification}" in first:
            first = first.split(f". {source.classification}", 1)[0]  # the classification follows the source
        first = _CLASSIFIED.split(first, maxsplit=1)[0]
        sentence = re.split(r"(?<=[a-z0-9\])]{2})\.\s+(?=[A-Z])", first, maxsplit=1)[0].strip().rstrip(".")
        return number_ranges(sentence) or None
    reference = reference_text(source)
    parts = [p for p in (repository(source), number_ranges(reference) if reference else None) if p]
    return ", ".join(parts) or None


def repository(source: Source) -> str | None:
    """`Archive of the Foreign Policy of the Russian Federation (AVPRF)`, or the name or code alone."""
    if source.repository and source.repository_code:
        return f"{source.repository} ({source.repository_code})"
    return source.repository or source.repository_code


def number_ranges(text: str) -> str:
    """`listy 3-9` as `listy 3–9`: an en dash between numbers (CMoS 6.78)."""
    return _NUMBER_RANGE.sub("–", text)


def publishing_archive(record: Record) -> str | None:
    """The digital archive that publishes the record (`Wilson Center Digital Archive`), if known."""
    if (record.url and _WILSON_HOST.match(record.url)) or WILSON_CENTER in (record.source.citation or ""):
        return WILSON_CENTER
    return None


def project_credit(record: Record) -> str | None:
    """The credit as the archive prints it, `Obtained and translated for NKIDP by Sergey Radchenko`,
    else one built from the translators and the project (`Translated for NKIDP by ...`)."""
    citation = record.source.citation or ""
    tail = citation.rsplit(". ", 1)[-1] if ". " in citation else citation
    found = _CREDIT.search(tail)
    if found:
        return " ".join(found.group(1).split())
    translators = credited(record, "translator")
    projects = vocabulary.projects()
    project = next((c for c in record.collections if c in projects), None)
    if translators and project:
        return f"Translated for {project} by {join_names([n.natural for n in translators])}"
    return None


def original_language(record: Record) -> str | None:
    """`Russian` when the text we hold is a translation from it; None for an original in English."""
    if not record.original_languages:
        return None
    held = next((r.language for r in record.renditions if r.text and r.language), "en")
    originals = [c for c in record.original_languages if c.split("-")[0] != (held or "en").split("-")[0]]
    if not originals:
        return None
    return join_names([language_name(c) or c for c in originals])


def join_names(names: list[str]) -> str:
    """`A`, `A and B`, `A, B, and C` (the serial comma)."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def archive_place(source: Source) -> str | None:
    """Where the repository is, when we know it."""
    code = source.repository_code
    code = vocabulary.repository_forms().get(code, code) if code else None  # РГАНИ is RGANI
    known = vocabulary.repositories().get(code) if code else None
    return known[1] if known else None


def language_name(code: str) -> str | None:
    return vocabulary.language_names().get(code.split("-")[0].lower())


def is_language_tag(code: str) -> bool:
    """True for a BCP 47-shaped tag (`ru`, `zh-Hant`); False for free text."""
    return bool(_LANGUAGE_TAG.match(code))


# -- dates ----------------------------------------------------------------------------------


def _ends(date: HistoricalDate) -> list[str | None]:
    """The EDTF's ends without qualifiers; None for an open end (`..`)."""
    if not date.edtf:
        return []
    return [None if end in ("..", "") else end.rstrip("~?%") for end in date.edtf.split("/")]


def season(date: HistoricalDate) -> int | None:
    """21-24 (spring-winter) for a season, else None."""
    ends = _ends(date)
    if len(ends) == 1 and ends[0] and re.match(r"^\d{4}-2[1-4]$", ends[0]):
        return int(ends[0][5:])
    return None


def date_parts(date: HistoricalDate) -> list[list[int]]:
    """CSL `date-parts`: one part for a single date, two for a range; [] when undated.

    The precision of the printed date is kept: `August 1962` gives [[1962, 8]]; a season its
    year; an open date (`after 1962`) its known side.
    """
    if not date.is_dated:
        return []
    parts = [_edtf_parts(end) for end in _ends(date) if end]
    found = [p for p in parts if p]
    if found:
        return found[:1] if len(found) == 2 and found[0] == found[1] else found
    lo = _edtf_parts(date.earliest or date.latest or "")
    return [lo] if lo else []


def _edtf_parts(form: str) -> list[int] | None:
    found = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", form)
    if not found:
        return None
    numbers = [int(g) for g in found.groups() if g]
    return numbers[:1] if len(numbers) > 1 and numbers[1] > 12 else numbers  # a season: its year


def iso_date(date: HistoricalDate) -> str | None:
    """`1962-08-14`, `1962-08`, or `1962-08-14/1962-08-16`, without EDTF qualifiers."""
    parts = date_parts(date)
    if not parts:
        return None
    return "/".join(_iso(p) for p in parts)


def _iso(part: list[int]) -> str:
    return "-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(part))


def date_time(date: HistoricalDate) -> str | None:
    """The printed time of day as an xs:dateTime, `1968-01-23T21:21:00Z` (UTC when a zone was
    printed, no zone when none was); None when no time was printed."""
    if not date.time:
        return None
    zone = "Z" if date.time.endswith("Z") else ""
    moment = date.time.removesuffix("Z")
    return (moment if moment.count(":") == 2 else moment + ":00") + zone


def is_part_of_period(date: HistoricalDate) -> bool:
    """`early 1960s`, `mid-1962`, `late August 1962`: a sub-range named in words."""
    return bool(re.match(r"^\[?\s*(early|mid|late)\b", date.text or "", re.I)) and "~/" in (date.edtf or "")


def needs_words(date: HistoricalDate) -> bool:
    """Whether a format with numeric dates only must also carry the printed text:
    undated, open (`after 1962`) or a part of a period (`late August 1962`)."""
    return bool(date.text) and (not date.is_dated or date.is_open or is_part_of_period(date))


def highwire_date(date: HistoricalDate) -> str | None:
    """`citation_date` as Zotero reads it: `1962/08/14`, `1962/08`, `1962` (the start of a range;
    `c. 1962` gives 1962, not the widened bound)."""
    parts = date_parts(date)
    return "/".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(parts[0])) if parts else None


def display_date(date: HistoricalDate) -> str:
    """The date in the words of a Chicago citation (CMoS 17 14.15-, 9.64): `August 14, 1962`,
    `ca. 1962`, `August 14–16, 1962`, `August 31–September 2, 1962`, `Spring 1962`,
    `after 1962`, `1962?`, `[1962]` when supplied, `n.d.` when undated; a time of day as printed
    (`January 23, 1968, 2121Z`)."""
    text = _display(date)
    printed = date.text or ""
    time = re.search(r"\d{4},?\s+(\d.*)$", printed) if date.time and printed.isascii() else None
    if time:
        text = f"{text}, {time.group(1)}"  # the time of day as printed: `2121Z`, `6:51 p.m.`
    return f"[{text}]" if date.supplied else text


# Printed forms whose words a citation keeps: decade ranges and centuries; several dates listed.
_IN_WORDS = re.compile(r"^(?:\d{3}0s\s*(?:[-–—]|to)\s*\d{3}0s|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\s+century)$", re.I)
_SEVERAL_PRINTED = re.compile(r"\d{4}\s*(?:,|;|\bor\b|\band\b)\s*\S", re.I)
_QUALIFIER_WORDS = re.compile(r"^(?:~|c\.|ca\.?|circa|approx\.?|approximately|about|around)\s*", re.I)


def _display(date: HistoricalDate) -> str:
    printed = (date.text or "").strip().strip("[]").strip()
    if not date.is_dated:
        return "n.d."
    if re.match(r"^(early|mid|late)[-\s]", printed, re.I) and printed.isascii():
        return printed
    ends = _ends(date)
    core = _QUALIFIER_WORDS.sub("", printed)
    if re.match(r"^\d{3}0s$", printed):
        shown = printed
    elif printed.isascii() and (_IN_WORDS.match(core) or (len(ends) == 2 and _SEVERAL_PRINTED.search(core))):
        # "1940s–1950s", "20th century", "1939, 1941, 1942", "1962 or 1963": a span in bounds
        # only; the words say what the document says (CMoS 9.34, 9.64), as printed.
        shown = re.sub(r"(?<=s)\s*[-–—]\s*(?=\d)", "–", core)
    elif (number := season(date)) is not None:
        name = next((w for w in ("Spring", "Summer", "Autumn", "Fall", "Winter") if w.lower() in printed.lower()),
                    SEASON_NAMES[number])
        shown = f"{name} {ends[0][:4] if ends[0] else ''}"
    elif len(ends) == 2 and None in ends:
        known = next(e for e in ends if e)
        word = re.match(r"^(not before|not after|after|before|since|until)\b", printed, re.I)
        prefix = word.group(1).lower() if word else ("after" if ends[1] is None else "before")
        shown = f"{prefix} {_spoken(known)}"
    elif len(ends) == 2 and ends[0] and ends[1]:
        shown = _spoken_range(ends[0], ends[1])
    elif ends and ends[0]:
        shown = _spoken(ends[0])
    else:
        shown = printed or "n.d."
    if date.is_approximate:
        shown = f"ca. {shown}"
    if date.is_uncertain and not date.is_approximate:
        shown = f"{shown}?"
    return shown


def _spoken(form: str) -> str:
    parts = [int(p) for p in form.split("-")]
    if len(parts) == 1:
        return f"{parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{_MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"


def _spoken_range(start: str, end: str) -> str:
    """En-dash ranges, repeating only what differs: `August 14–16, 1962`, `1962–1963`."""
    a, b = [int(p) for p in start.split("-")], [int(p) for p in end.split("-")]
    if len(a) == len(b) == 3 and a[0] == b[0]:
        if a[1] == b[1]:
            return f"{_MONTHS[a[1] - 1]} {a[2]}–{b[2]}, {a[0]}"
        return f"{_MONTHS[a[1] - 1]} {a[2]}–{_MONTHS[b[1] - 1]} {b[2]}, {a[0]}"
    if len(a) == len(b) == 2 and a[0] == b[0]:
        return f"{_MONTHS[a[1] - 1]}–{_MONTHS[b[1] - 1]} {a[0]}"
    return f"{_spoken(start)}–{_spoken(end)}"
