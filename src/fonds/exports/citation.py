"""What every citation format says about a record, worked out once.

The exports (CSL-JSON, BibTeX, RIS, Dublin Core, TEI) all need the same few
derived values: credited names split into parts, the archival reference as
one line, the place of the archive, the date as numbers, language names.
They are derived here from the Record; nothing here is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fonds import vocabulary
from fonds.dates import HistoricalDate
from fonds.record import Record, Source, format_reference

_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "dos", "ter", "zu"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_ORGANIZATION_WORDS = {
    "of", "and", "for", "the", "department", "division", "ministry", "office", "committee",
    "institute", "project", "archive", "archives", "center", "centre", "bureau", "service",
    "services", "embassy", "section", "staff", "agency", "council", "&", "sons", "co",
}
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Name:
    """A person's name in parts, or one `literal` for names that don't split."""

    family: str | None = None
    given: str | None = None
    particle: str | None = None
    suffix: str | None = None
    literal: str | None = None

    @property
    def inverted(self) -> str:
        """`Radchenko, Sergey`; the literal as it is."""
        if self.literal is not None:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        return ", ".join(p for p in (family, self.given, self.suffix) if p)


def split_name(name: str) -> Name:
    """Split a credited name (`Sergey Radchenko`, `Radchenko, Sergey`) into its parts."""
    name = " ".join(name.split())
    if "," in name:
        family, _, rest = name.partition(",")
        given = rest.strip() or None
        return Name(family=family.strip(), given=given) if family.strip() else Name(literal=name)
    words = name.split(" ")
    lowered = {w.lower().strip(".") for w in words}
    if len(words) < 2 or len(words) > 5 or lowered & _ORGANIZATION_WORDS:
        return Name(literal=name)
    suffix = None
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix = words.pop()
    first_particle = next((i for i, w in enumerate(words[1:-1], 1) if w in _PARTICLES), None)
    if first_particle is not None:
        return Name(
            family=words[-1],
            given=" ".join(words[:first_particle]),
            particle=" ".join(words[first_particle:-1]),
            suffix=suffix,
        )
    return Name(family=words[-1], given=" ".join(words[:-1]), suffix=suffix)


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
    """`fond 0102, opis 18, papka 93, delo 5, listy 3-9`, or None when there is no reference."""
    if not source.reference:
        return None
    return format_reference(source.reference) or None


def archive_place(source: Source) -> str | None:
    """Where the repository is, when we know it."""
    code = source.repository_code
    known = vocabulary.repositories().get(code) if code else None
    return known[1] if known else None


def language_name(code: str) -> str | None:
    return vocabulary.language_names().get(code.split("-")[0].lower())


def is_language_tag(code: str) -> bool:
    """True for a BCP 47-shaped tag (`ru`, `zh-Hant`); False for free text."""
    return bool(_LANGUAGE_TAG.match(code))


def date_parts(date: HistoricalDate) -> list[list[int]]:
    """CSL `date-parts`: one part for a single date, two for a range; [] when undated.

    The precision of the printed date is kept: `August 1962` gives [[1962, 8]].
    """
    if not date.is_dated:
        return []
    if date.edtf:
        ends = [_edtf_parts(end) for end in date.edtf.split("/")]
        if all(ends):
            parts = [p for p in ends if p]
            return parts[:1] if len(parts) == 2 and parts[0] == parts[1] else parts
    lo = _edtf_parts(date.earliest or "")
    hi = _edtf_parts(date.latest or "")
    if lo and hi:
        return [lo] if lo == hi else [lo, hi]
    return []


def _edtf_parts(form: str) -> list[int] | None:
    found = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", form)
    if not found:
        return None
    return [int(g) for g in found.groups() if g]


def iso_date(date: HistoricalDate) -> str | None:
    """`1962-08-14`, `1962-08`, or `1962-08-14/1962-08-16`, without EDTF qualifiers."""
    parts = date_parts(date)
    if not parts:
        return None
    return "/".join("-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(p)) for p in parts)
