"""The Record: one archival document as plain data. No I/O, no SQL, no HTML.

A Record keeps what it was given (the raw citation, the date as printed, the
origin) beside what fonds derived from it. `to_dict` gives the public Record
JSON of DESIGN.md; `from_dict` reads it back losslessly.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Mapping, TypeVar

from fonds.dates import HistoricalDate
from fonds.errors import Problem

# Order in which archival reference parts are printed (fond, opis, ...).
REFERENCE_PARTS = ("fond", "opis", "papka", "delo", "listy", "list", "file", "text")

MARK_KINDS = (
    "supplied", "gap", "alternate", "illegible", "unclear", "sic", "signature", "stamp", "handwritten",
    "redacted", "page", "note",
)
RENDITION_KINDS = ("translation", "transcript", "scan", "original")
# What a record keeps for staff only: never in public pages, public JSON or exports.
STAFF_FIELDS = ("origin", "warnings")


@dataclass(frozen=True)
class Mark:
    """An editorial mark: a span [start, end) over a rendition's unchanged text.

    - supplied: `[and]`; `text` is the supplied word(s) without brackets.
    - gap: `[...]`, a passage the translator omitted.
    - alternate: `Pak Seong-cheol [Pak Song Chol]`; the span covers both forms,
      `text` is the form before the bracket, `alternate` the one inside it.
    - illegible (`[2 words illegible]`), redacted (`[1 line not declassified]`): what the
      original does not let us read; `text` is the bracket's words.
    - unclear: `[Moscow?]`, a doubtful reading (`text`), or `[unclear]`.
    - sic: `Kim II Sung [sic]`; the span covers the word before and the bracket, `text` the word.
    - signature, stamp, handwritten: what the original bears there; `text` what the bracket
      quotes after a colon (`[stamp: Top Secret]`).
    - page: `[page 2]`, where a page of the original begins; `text` the page number.
    See importers/marks.py for every printed form.
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
    """Where page `n` starts in a rendition's text; `confidence` is OCR's mean word confidence (0-100)."""

    n: str
    offset: int
    confidence: float | None = None


@dataclass(frozen=True)
class FileRef:
    """A file held beside the database, named by the SHA-256 of its bytes (fonds.renditions.files).

    `size` is in bytes; `width`/`height` in pixels for page images; `name` is the file name it came under.
    """

    sha256: str
    media_type: str
    size: int
    name: str | None = None
    width: int | None = None
    height: int | None = None


MAKER_ROLES = ("translator", "transcriber", "ocr", "text-layer")


@dataclass(frozen=True)
class Maker:
    """Who made a rendition: a translator or transcriber by name, or a machine (`ocr` with its engine
    and version; `text-layer` for text read from a PDF whose maker is unknown)."""

    role: str
    name: str | None = None
    engine: str | None = None
    version: str | None = None

    @property
    def is_machine(self) -> bool:
        return self.role in ("ocr", "text-layer")


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
    # Files: the one the rendition came from (a PDF, an HTML transcript), and a scan's page images in order.
    source: FileRef | None = None
    images: tuple[FileRef, ...] = ()
    maker: Maker | None = None
    # Where each word stands on the scan's page images (a JSON file: renditions/words.py), for a
    # transcript made from a scan by OCR or a PDF's text layer.
    words: FileRef | None = None

    @property
    def is_machine_made(self) -> bool:
        return self.maker is not None and self.maker.is_machine


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


# The order in which a person's roles in one document are listed: the most telling first.
PERSON_ROLES = ("author", "recipient", "participant", "mentioned")


@dataclass(frozen=True)
class Person:
    """One person of a record, once, with every role they have in it (see `Record.people`)."""

    id: str
    name: str
    roles: tuple[str, ...]
    mentions: int = 0  # links with a span in the text


@dataclass(frozen=True)
class Source:
    """Where the original is held, and the citation as given.

    `repository` is the repository's preferred name in the archive's repository authority
    (`fonds.repositories`) when the printed name is a known form of it, with the name as printed
    in `repository_printed` when it differs (`Department of Sate`); else the name as printed.
    `publication` is a published source the citation names instead of a repository
    (`Public Papers of the Presidents`): never a repository.
    """

    citation: str | None = None
    repository: str | None = None
    repository_code: str | None = None
    reference: Mapping[str, str] = field(default_factory=dict)
    classification: str | None = None
    drafter: str | None = None
    publication: str | None = None
    repository_printed: str | None = None


@dataclass(frozen=True)
class Edition:
    """The documentary edition a record is printed in, as its title page gives it (a FRUS volume).

    `series` "Foreign Relations of the United States", `subseries` "1961–1963", `volume`
    "Volume VI", `title` "Kennedy-Khrushchev Exchanges", `editors` the primary editors.
    """

    title: str
    series: str | None = None
    subseries: str | None = None
    volume: str | None = None
    editors: tuple[str, ...] = ()
    publisher: str | None = None
    place: str | None = None
    year: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = _drop_none(_as_dict(self))
        data["editors"] = list(self.editors)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edition:
        return cls(
            title=data["title"],
            series=data.get("series"),
            subseries=data.get("subseries"),
            volume=data.get("volume"),
            editors=tuple(data.get("editors") or ()),
            publisher=data.get("publisher"),
            place=data.get("place"),
            year=data.get("year"),
        )


@dataclass(frozen=True)
class Record:
    """One archival document.

    `number` is the document's number in its source: the Wilson Center's document number
    (`110485`) or the FRUS document number (`@n`, `"66"`, shown as "Document 66"). `chapter` is
    the title of the FRUS chapter or compilation that holds the document (the enclosing div's
    head), None elsewhere. `origin` (file and line, or file#xml:id) and `warnings` (what the
    importer had to fall back on, as `Problem(origin, message)`) are for staff: `public_dict`
    leaves them out.
    """

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
    chapter: str | None = None
    place: str | None = None
    extent: str | None = None  # physical extent as the archive describes it ("33 pages", "2 folders")
    subjects: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    renditions: tuple[Rendition, ...] = ()
    persons: tuple[PersonLink, ...] = ()
    origin: str | None = None
    warnings: tuple[Problem, ...] = ()
    # The edition the document is printed in (FRUS volume); None for archival records.
    edition: Edition | None = None
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

    def people(self) -> tuple[Person, ...]:
        """Each linked person once, in order of first link, with all their roles.

        `persons` holds one link per mention (with its span) and per role; this folds them.
        "mentioned" is listed only for a person with no other role. The name is the longest
        name the links give (the authority's "Nikita Khrushchev" over the printed "Khrushchev").
        """
        names: dict[str, str] = {}
        roles: dict[str, list[str]] = {}
        mentions: dict[str, int] = {}
        for link in self.persons:
            if len(link.name) > len(names.get(link.id, "")):
                names[link.id] = link.name
            found = roles.setdefault(link.id, [])
            if link.role not in found:
                found.append(link.role)
            mentions[link.id] = mentions.get(link.id, 0) + (1 if link.start is not None else 0)
        rank = {role: i for i, role in enumerate(PERSON_ROLES)}
        people = []
        for person_id, found in roles.items():
            kept = [r for r in found if r != "mentioned"] or ["mentioned"]
            kept.sort(key=lambda role: rank.get(role, len(rank)))
            people.append(Person(person_id, names[person_id], tuple(kept), mentions[person_id]))
        return tuple(people)

    def with_persons(self, persons: tuple[PersonLink, ...]) -> Record:
        """This record with other person links (`replace(self, persons=persons)`, made as `copied` makes it)."""
        return copied(self, persons=persons)

    def with_fingerprint(self, fingerprint: str | None) -> Record:
        """This record with another `fingerprint` (`replace(self, fingerprint=...)`, made as `copied` makes it)."""
        return copied(self, fingerprint=fingerprint)

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
            "chapter": self.chapter,
            "place": self.place,
            "subjects": list(self.subjects),
            "participants": list(self.participants),
            "renditions": [_rendition_to_dict(r) for r in self.renditions],
            "persons": [_drop_none(_as_dict(p)) for p in self.persons],
            "origin": self.origin,
            "warnings": [{"origin": w.origin, "message": w.message} for w in self.warnings],
            "fingerprint": self.fingerprint,
            **({"extent": self.extent} if self.extent else {}),  # only when known: older hashes stay
            **({"edition": self.edition.to_dict()} if self.edition else {}),
        }

    def public_dict(self) -> dict[str, Any]:
        """The Record JSON readers see: `to_dict` without the staff-only fields (STAFF_FIELDS)."""
        data = self.to_dict()
        for key in STAFF_FIELDS:
            data.pop(key, None)
        return data

    def with_warnings(self, *warnings: Problem) -> Record:
        """This record with more warnings (each once, in order)."""
        return replace(self, warnings=tuple(dict.fromkeys((*self.warnings, *warnings))))

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
                publication=source.get("publication"),
                repository_printed=source.get("repository_printed"),
            ),
            credits=tuple(Credit(**c) for c in data.get("credits") or ()),
            collections=tuple(data.get("collections") or ()),
            url=data.get("url"),
            number=data.get("number"),
            chapter=data.get("chapter"),
            place=data.get("place"),
            extent=data.get("extent"),
            subjects=tuple(data.get("subjects") or ()),
            participants=tuple(data.get("participants") or ()),
            renditions=tuple(_rendition_from_dict(r) for r in data.get("renditions") or ()),
            persons=tuple(_person_link(p) for p in data.get("persons") or ()),
            origin=data.get("origin"),
            warnings=tuple(Problem(str(w["origin"]), str(w["message"])) for w in data.get("warnings") or ()),
            fingerprint=data.get("fingerprint"),
            edition=Edition.from_dict(data["edition"]) if data.get("edition") else None,
        )


# PersonLink's fields in order with their defaults (None for those without one: id, name, which
# `data` must then give; a field with a default factory would count as one of those).
_LINK_TEMPLATE = {spec.name: None if spec.default is MISSING else spec.default for spec in fields(PersonLink)}
_LINK_REQUIRED = frozenset(spec.name for spec in fields(PersonLink) if spec.default is MISSING)


Frozen = TypeVar("Frozen", Record, PersonLink)


def copied(obj: Frozen, **changes: Any) -> Frozen:
    """`dataclasses.replace(obj, **changes)` for a Record or PersonLink (frozen, no `__post_init__`,
    every field in `__init__`), made without `__init__`: the same object (fields in order, equal,
    same hash) at a fifth of the cost. A name that is no field raises TypeError, as `replace` does."""
    state = obj.__dict__
    if not changes.keys() <= state.keys():
        raise TypeError(f"{type(obj).__name__} has no field {sorted(changes.keys() - state.keys())[0]!r}")
    made = object.__new__(type(obj))
    made.__dict__.update(state, **changes)
    return made


def person_link(id: str, name: str, role: str, source: str | None, confidence: float | None, rule: str | None,
                text: str | None, start: int | None, end: int | None, rendition: int | None) -> PersonLink:
    """`PersonLink(...)` with every field given, made without the frozen dataclass's `__init__`
    (one `object.__setattr__` per field): the same object. For the linker, which makes a dozen
    a text."""
    link = object.__new__(PersonLink)
    link.__dict__.update(id=id, name=name, role=role, source=source, confidence=confidence, rule=rule, text=text,
                         start=start, end=end, rendition=rendition)
    return link


def _person_link(data: Mapping[str, Any]) -> PersonLink:
    """`PersonLink(**data)`, made without the frozen dataclass's `__init__` (one `object.__setattr__`
    per field: a third of decoding a stored record's links). The same object: its fields in order,
    the defaults where `data` has none; anything else (a key too many or missing) goes through
    `PersonLink(**data)` and raises as it does."""
    if not (data.keys() <= _LINK_TEMPLATE.keys() and _LINK_REQUIRED <= data.keys()):
        return PersonLink(**data)
    link = object.__new__(PersonLink)
    link.__dict__.update(_LINK_TEMPLATE, **data)
    return link


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
    for key in ("publication", "repository_printed"):  # only when there is one: older JSON stays as it was
        if data[key] is None:
            del data[key]
    return data


def _rendition_to_dict(rendition: Rendition) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": rendition.kind,
        "language": rendition.language,
        "label": rendition.label,
        "text": rendition.text,
        "marks": [_drop_none(_as_dict(m)) for m in rendition.marks],
        "notes": [_drop_none(_as_dict(n)) for n in rendition.notes],
        "pages": [_drop_none(_as_dict(p)) for p in rendition.pages],
    }
    # Keys for files and makers appear only when set, so records without them keep their hashes.
    if rendition.source is not None:
        data["source"] = _drop_none(_as_dict(rendition.source))
    if rendition.images:
        data["images"] = [_drop_none(_as_dict(i)) for i in rendition.images]
    if rendition.maker is not None:
        data["maker"] = _drop_none(_as_dict(rendition.maker))
        data["machine_made"] = rendition.is_machine_made
    if rendition.words is not None:
        data["words"] = _drop_none(_as_dict(rendition.words))
    return data


def _file_ref(data: Mapping[str, Any]) -> FileRef:
    """A FileRef from its JSON; the URLs a JSON twin adds (`url`, `iiif`) are where it is served, not part of it."""
    return FileRef(**{k: v for k, v in data.items() if k not in ("url", "iiif")})


def _rendition_from_dict(data: Mapping[str, Any]) -> Rendition:
    return Rendition(
        kind=data["kind"],
        language=data.get("language"),
        text=data.get("text") or "",
        label=data.get("label"),
        marks=tuple(Mark(**m) for m in data.get("marks") or ()),
        notes=tuple(Note(**n) for n in data.get("notes") or ()),
        pages=tuple(PageBreak(**p) for p in data.get("pages") or ()),
        source=_file_ref(data["source"]) if data.get("source") else None,
        images=tuple(_file_ref(i) for i in data.get("images") or ()),
        maker=Maker(**data["maker"]) if data.get("maker") else None,
        words=_file_ref(data["words"]) if data.get("words") else None,
    )
