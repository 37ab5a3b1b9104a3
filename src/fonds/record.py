"""The Record: one archival document as plain data. No I/O, no SQL, no HTML.

A Record keeps what it was given (the raw citation, the date as printed, the
origin) beside what fonds derived from it. `to_dict` gives the public Record
JSON of DESIGN.md; `from_dict` reads it back losslessly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from fonds.dates import HistoricalDate

# Order in which archival reference parts are printed (fond, opis, ...).
REFERENCE_PARTS = ("fond", "opis", "papka", "delo", "listy", "list", "file", "text")

MARK_KINDS = ("supplied", "gap", "alternate")
RENDITION_KINDS = ("translation", "transcript", "scan", "original")


@dataclass(frozen=True)
class Mark:
    """An editorial mark: a span [start, end) over a rendition's unchanged text.

    - supplied: `[and]`; `text` is the supplied word(s) without brackets.
    - gap: `[...]`, a passage the translator omitted.
    - alternate: `Pak Seong-cheol [Pak Song Chol]`; the span covers both forms,
      `text` is the form before the bracket, `alternate` the one inside it.
    """

    kind: str
    start: int
    end: int
    text: str = ""
    alternate: str | None = None


@dataclass(frozen=True)
class Note:
    """A footnote, tied to the offset in the rendition text where it stands."""

    n: str
    text: str
    offset: int | None = None


@dataclass(frozen=True)
class PageBreak:
    n: str
    offset: int


@dataclass(frozen=True)
class Rendition:
    """One form in which the archive holds the document: translation, transcript, scan."""

    kind: str
    language: str | None
    text: str = ""
    label: str | None = None
    marks: tuple[Mark, ...] = ()
    notes: tuple[Note, ...] = ()
    pages: tuple[PageBreak, ...] = ()


@dataclass(frozen=True)
class Credit:
    role: str
    name: str


@dataclass(frozen=True)
class PersonLink:
    """A person named in or taking part in the document.

    Provenance of a link fonds found itself: `source` says who linked it, `rule` which
    linking rule chose the person, `text` the spelling matched, `confidence` (0-1) how
    sure the rule is; links below the review threshold wait for an editor (fonds.review)."""

    id: str
    name: str
    role: str = "mentioned"
    source: str | None = None
    confidence: float | None = None
    rule: str | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    rendition: int | None = None


@dataclass(frozen=True)
class Source:
    """Where the original is held, and the citation as given."""

    citation: str | None = None
    repository: str | None = None
    repository_code: str | None = None
    reference: Mapping[str, str] = field(default_factory=dict)
    classification: str | None = None
    drafter: str | None = None


@dataclass(frozen=True)
class Collection:
    """A named group of records: a project (NKIDP), a FRUS volume, a chapter."""

    id: str
    title: str
    parent: str | None = None
    kind: str = "collection"


@dataclass(frozen=True)
class Record:
    id: str
    title: str
    type: str | None = None
    date: HistoricalDate = field(default_factory=HistoricalDate.undated)
    summary: str | None = None
    original_languages: tuple[str, ...] = ()
    source: Source = field(default_factory=Source)
    credits: tuple[Credit, ...] = ()
    collections: tuple[str, ...] = ()
    url: str | None = None
    number: str | None = None
    place: str | None = None
    subjects: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    renditions: tuple[Rendition, ...] = ()
    persons: tuple[PersonLink, ...] = ()
    origin: str | None = None
    # The hash of the record as its importer gave it, before fonds linked names: ingesting the
    # same input again is recognised as unchanged even after the authority has changed the links.
    fingerprint: str | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the record is held in or was written in, originals first."""
        seen: list[str] = list(self.original_languages)
        for rendition in self.renditions:
            if rendition.language and rendition.language not in seen:
                seen.append(rendition.language)
        return tuple(seen)

    @property
    def text(self) -> str:
        """All rendition text, for indexing."""
        return "\n\n".join(r.text for r in self.renditions if r.text)

    def with_persons(self, persons: tuple[PersonLink, ...]) -> Record:
        return replace(self, persons=persons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "date": self.date.to_dict(),
            "summary": self.summary,
            "original_languages": list(self.original_languages),
            "source": _source_to_dict(self.source),
            "credits": [{"role": c.role, "name": c.name} for c in self.credits],
            "collections": list(self.collections),
            "url": self.url,
            "number": self.number,
            "place": self.place,
            "subjects": list(self.subjects),
            "participants": list(self.participants),
            "renditions": [_rendition_to_dict(r) for r in self.renditions],
            "persons": [_drop_none(_as_dict(p)) for p in self.persons],
            "origin": self.origin,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        source = data.get("source") or {}
        return cls(
            id=data["id"],
            title=data["title"],
            type=data.get("type"),
            date=HistoricalDate.from_dict(data.get("date") or {}),
            summary=data.get("summary"),
            original_languages=tuple(data.get("original_languages") or ()),
            source=Source(
                citation=source.get("citation"),
                repository=source.get("repository"),
                repository_code=source.get("repository_code"),
                reference=ordered_reference(source.get("reference") or {}),
                classification=source.get("classification"),
                drafter=source.get("drafter"),
            ),
            credits=tuple(Credit(**c) for c in data.get("credits") or ()),
            collections=tuple(data.get("collections") or ()),
            url=data.get("url"),
            number=data.get("number"),
            place=data.get("place"),
            subjects=tuple(data.get("subjects") or ()),
            participants=tuple(data.get("participants") or ()),
            renditions=tuple(_rendition_from_dict(r) for r in data.get("renditions") or ()),
            persons=tuple(PersonLink(**p) for p in data.get("persons") or ()),
            origin=data.get("origin"),
            fingerprint=data.get("fingerprint"),
        )


def ordered_reference(reference: Mapping[str, str]) -> dict[str, str]:
    """Reference parts in archival order (fond, opis, papka, delo, listy...), whatever order they came in."""
    rank = {key: position for position, key in enumerate(REFERENCE_PARTS)}
    return dict(sorted(reference.items(), key=lambda item: rank.get(item[0], len(rank))))


def format_reference(reference: Mapping[str, str]) -> str:
    """`fond 0102, opis 18, papka 93, delo 5, listy 3-9`, or the reference text as given."""
    if "text" in reference and len(reference) == 1:
        return reference["text"]
    parts = [f"{key} {value}" for key, value in ordered_reference(reference).items() if key != "text"]
    return ", ".join(parts)


def _as_dict(obj: Any) -> dict[str, Any]:
    return dict(obj.__dict__)  # frozen dataclasses without slots: their fields, in order


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def _source_to_dict(source: Source) -> dict[str, Any]:
    data = _as_dict(source)
    data["reference"] = dict(source.reference)
    return data


def _rendition_to_dict(rendition: Rendition) -> dict[str, Any]:
    return {
        "kind": rendition.kind,
        "language": rendition.language,
        "label": rendition.label,
        "text": rendition.text,
        "marks": [_drop_none(_as_dict(m)) for m in rendition.marks],
        "notes": [_drop_none(_as_dict(n)) for n in rendition.notes],
        "pages": [_as_dict(p) for p in rendition.pages],
    }


def _rendition_from_dict(data: Mapping[str, Any]) -> Rendition:
    return Rendition(
        kind=data["kind"],
        language=data.get("language"),
        text=data.get("text") or "",
        label=data.get("label"),
        marks=tuple(Mark(**m) for m in data.get("marks") or ()),
        notes=tuple(Note(**n) for n in data.get("notes") or ()),
        pages=tuple(PageBreak(**p) for p in data.get("pages") or ()),
    )
