"""fonds' own CSV column set, and one row of it made into a Record or a Collection.

The columns (docs/importing.md lists them with examples); several values in one cell are
separated by `|`:

    identifier, title, date, type, repository, reference, extent, creator, recipient,
    translator, original_language, language, summary, subjects, places, persons, collection,
    text, text_file, scan_file, url, classification, level, parent, kind, json

Header cells are matched case-insensitively, ignoring spaces, `_` and `-`, and through the
aliases below (`Author` is `creator`, `Language of original` is `original_language`...).
`level`/`parent` describe a hierarchy in the rows themselves (AtoM's legacyId/parentId):
a row whose level is a collection level, or that other rows name as parent, is a collection.
`kind`/`json` are what `fonds dump --format csv` adds so that a dump reads back losslessly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from fonds.authority import Entity
from fonds.dates import HistoricalDate, parse_date
from fonds.errors import Problem, RecordError
from fonds.identifiers import identifier_problem
from fonds.importers.access_points import person_entity, person_link
from fonds.importers.language_names import language_codes
from fonds.collection import Collection
from fonds.record import Credit, Record, Rendition, Source
from fonds.vocabulary import projects

COLUMNS = (
    "identifier", "title", "date", "type", "repository", "reference", "extent", "creator",
    "recipient", "translator", "original_language", "language", "summary", "subjects", "places",
    "persons", "collection", "text", "text_file", "scan_file", "url", "classification", "level",
    "parent", "kind", "json",
)
ALIASES = {
    "id": "identifier", "recordid": "identifier", "documentid": "identifier",
    "dateasprinted": "date", "dates": "date", "datetext": "date",
    "documenttype": "type", "genre": "type", "contenttype": "type",
    "callnumber": "reference", "shelfmark": "reference", "referencecode": "reference",
    "author": "creator", "authors": "creator", "creators": "creator", "from": "creator",
    "to": "recipient", "recipients": "recipient", "translators": "translator",
    "languageoforiginal": "original_language", "originallanguage": "original_language",
    "originallanguages": "original_language", "textlanguage": "language", "languages": "language",
    "description": "summary", "abstract": "summary", "scopeandcontent": "summary",
    "subject": "subjects", "place": "places", "person": "persons", "names": "persons",
    "collections": "collection", "collectionpath": "collection",
    "textfile": "text_file", "transcriptfile": "text_file", "scanfile": "scan_file", "scan": "scan_file",
    "link": "url", "levelofdescription": "level", "parentid": "parent",
}
COLLECTION_LEVELS = {
    "fonds", "collection", "subfonds", "series", "subseries", "sub-series", "recordgrp",
    "subgrp", "record group", "file", "class", "project", "volume", "chapter", "compilation",
}
SEPARATOR = "|"
PATH_SEPARATOR = ">"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:~-]{0,199}$")  # an element of a collection path that is an id
_SLUG = re.compile(r"[^A-Za-z0-9]+")


def column_key(header: str) -> str:
    """A header cell as it is compared: lower case without spaces, `_`, `-` or `:`."""
    return re.sub(r"[\s_\-:]+", "", header.strip().lower())


@lru_cache(maxsize=4096)
def standard_column(header: str) -> str | None:
    """The fonds column a header cell names, or None."""
    key = column_key(header)
    return next((c for c in COLUMNS if column_key(c) == key), None) or ALIASES.get(key)


@dataclass
class RowContext:
    """What a row is read against: the file (for messages and relative paths), the row number,
    the warnings found so far, and the authority entries the file's rows name."""

    origin: str
    row: int
    warnings: list[Problem] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    by_name: dict[str, Entity] = field(default_factory=dict)  # the file's names already made entries
    known: dict[str, Collection] = field(default_factory=dict)  # the file's collections by id
    paths: dict[str, list[tuple[Collection, bool]]] = field(default_factory=dict)  # cell -> its collections

    def where(self, column: str | None = None) -> str:
        return f"{self.origin}:row {self.row}" + (f', column "{column}"' if column else "")

    def error(self, column: str | None, message: str) -> RecordError:
        return RecordError(f"{self.where(column)}: {message}")

    def warn(self, column: str | None, message: str) -> None:
        self.warnings.append(Problem(self.where(column), message))


def values(cell: str | None) -> list[str]:
    """The values of a cell: split at `|`, trimmed, empty ones dropped."""
    if not cell:
        return []
    return [v.strip() for v in cell.split(SEPARATOR) if v.strip() and v.strip().upper() != "NULL"]


def check_id(value: str, context: RowContext, column: str = "identifier") -> str:
    """An archive's identifier, kept as given, if it follows fonds' identifier rule
    (fonds.identifiers). Raises RecordError naming the row and column otherwise."""
    problem = identifier_problem(value)
    if problem is not None:
        raise context.error(column, f"{value[:80]!r} cannot be a record identifier: {problem}; correct it or map another column to identifier")
    return value


def slug(text: str) -> str:
    """A collection id from a title: `Series 1: Letters` -> `series-1-letters`."""
    return _SLUG.sub("-", text).strip("-").lower()[:120] or "collection"


def read_date(text: str | None, context: RowContext, column: str = "date") -> HistoricalDate:
    """The date as printed, parsed; a date fonds cannot read is kept as printed, undated, with a
    warning (archival practice: transcribe, do not guess)."""
    if not text or not text.strip():
        return HistoricalDate.undated()
    try:
        return parse_date(text.strip())
    except RecordError:
        context.warn(column, f"date {text.strip()!r} is kept as printed but not understood, so the record is undated; write it as e.g. 1962-08-14, August 14, 1962 or 1962/1963")
        return HistoricalDate.undated(text.strip())


def make_record(cells: Mapping[str, str], context: RowContext, base: Path | None) -> Record:
    """A Record from a row's cells by fonds column name. Raises RecordError (row and column) for
    what has no fallback; adds warnings for fallbacks taken."""
    identifier = cells.get("identifier", "").strip()
    if not identifier:
        raise context.error("identifier", "the record has no identifier; every row needs one (the archive's own reference or id)")
    check_id(identifier, context)
    title = " ".join(cells.get("title", "").split())
    if not title:
        title = f"[Untitled record {identifier}]"
        context.warn("title", f"no title; stored with the devised title {title}")
    credits: list[Credit] = []
    persons = []
    for column, role in (("creator", "author"), ("recipient", "recipient"), ("translator", "translator")):
        for name in values(cells.get(column)):
            credits.append(Credit(role=role, name=name))
            if role != "translator":
                entity = _entity(name, context)
                persons.append(person_link(entity, role))
    for name in values(cells.get("persons")):
        entity = _entity(name, context)
        if not any(p.id == entity.id for p in persons):
            persons.append(person_link(entity, "mentioned"))
    original, unknown = language_codes("|".join(values(cells.get("original_language"))))
    for value in unknown:
        context.warn("original_language", f"language {value!r} is not one fonds knows; kept out of the record; use an ISO 639 code such as ru or rus")
    text_language, unknown = language_codes("|".join(values(cells.get("language"))))
    for value in unknown:
        context.warn("language", f"language {value!r} is not one fonds knows; use an ISO 639 code such as en or eng")
    renditions = _renditions(cells, context, base, text_language[0] if text_language else ("en" if original and original != ("en",) else None))
    reference = cells.get("reference", "").strip()
    return Record(
        id=identifier,
        title=title,
        type=cells.get("type", "").strip() or None,
        date=read_date(cells.get("date"), context),
        summary=cells.get("summary", "").strip() or None,
        original_languages=original,
        source=Source(
            repository=cells.get("repository", "").strip() or None,
            reference={"text": reference} if reference else {},
            classification=cells.get("classification", "").strip() or None,
        ),
        credits=tuple(credits),
        collections=tuple(dict.fromkeys(c.id for c, _ in collection_path(cells.get("collection"), context, context.known))),
        url=cells.get("url", "").strip() or None,
        place="; ".join(values(cells.get("places"))) or None,
        extent=cells.get("extent", "").strip() or None,
        subjects=tuple(values(cells.get("subjects"))),
        renditions=renditions,
        persons=tuple(persons),
        origin=context.where(),
    )


def _entity(name: str, context: RowContext) -> Entity:
    known = context.by_name.get(name)
    if known is not None:
        return known
    entity = person_entity(name, f"{context.origin}")
    context.entities.setdefault(entity.id, entity)
    context.by_name[name] = context.entities[entity.id]
    return context.entities[entity.id]


def _renditions(cells: Mapping[str, str], context: RowContext, base: Path | None, language: str | None) -> tuple[Rendition, ...]:
    renditions: list[Rendition] = []
    text = cells.get("text", "").strip()
    name = cells.get("text_file", "").strip()
    if name:
        path = (base / name) if base else Path(name)
        try:
            text = path.read_text(encoding="utf-8-sig").strip()
        except FileNotFoundError:
            raise context.error("text_file", f"no file {name} (looked in {path.parent}); put the text file beside the CSV or correct the name") from None
        except (OSError, UnicodeDecodeError) as error:
            raise context.error("text_file", f"cannot read {name} as UTF-8 text ({error}); save it as UTF-8") from None
    if text:
        renditions.append(Rendition(kind="translation" if language == "en" else "transcript", language=language, text=text))
    for scan in values(cells.get("scan_file")):
        path = (base / scan) if base else Path(scan)
        if not scan.startswith(("http://", "https://")) and not path.exists():
            context.warn("scan_file", f"no file {scan} beside the CSV; the scan is listed but not there")
        renditions.append(Rendition(kind="scan", language=None, label=scan))
    return tuple(renditions)


def collection_path(cell: str | None, context: RowContext, known: Mapping[str, Collection] | None = None) -> list[tuple[Collection, bool]]:
    """The collections a `collection` cell names, each with whether the file describes it (so the
    import stores it): each `|` value is a path `Fonds > Series > File` of titles or ids.

    An element that is a row of the file is that row's collection; a project code (`NKIDP`, or
    any upper-case code) is a project; an element already written as an id (`emb-1`,
    `frus1961-63v05`) refers to a collection the archive holds and is never overwritten; any
    other element is a title (`Letters`), and gets an id from its path (`letters`)."""
    if cell and cell in context.paths and known is context.known:
        return context.paths[cell]
    found: list[tuple[Collection, bool]] = []
    for path in values(cell):
        parent: Collection | None = None
        for element in (part.strip() for part in path.split(PATH_SEPARATOR)):
            if not element:
                continue
            describes = True
            if known and element in known:
                collection = known[element]
            elif _ID.match(element) and parent is None and (element in projects() or element.isupper()):
                collection = Collection(id=element, title=projects().get(element, element), kind="project")
            elif parent is None and _ID.match(element) and slug(element) == element and any(c in element for c in "-_.:0123456789"):
                collection, describes = Collection(id=element, title=element), False
            else:
                collection_id = slug(element) if parent is None else f"{parent.id}-{slug(element)}"
                collection = Collection(id=collection_id, title=element, parent=parent.id if parent else None, kind="collection" if parent is None else "series")
            found.append((collection, describes))
            parent = collection
    if cell and known is context.known:
        context.paths[cell] = found
    return found


def level_name(level: str | None) -> str:
    """A level of description as fonds names it: `Sub-Series` -> `subseries`, `Record Group` ->
    `recordgrp` (EAD's @level values); empty -> `collection`."""
    name = re.sub(r"[\s_-]+", "", (level or "").strip().lower())
    return {"recordgroup": "recordgrp", "subgroup": "subgrp", "subfonds": "subfonds"}.get(name, name) or "collection"


def make_collection(cells: Mapping[str, str], context: RowContext, parent: str | None, order: int) -> Collection:
    """A Collection from a row that describes a level of the hierarchy (fonds, series, file)."""
    identifier = cells.get("identifier", "").strip()
    if not identifier:
        raise context.error("identifier", "the unit has no identifier; every row needs one")
    check_id(identifier, context)
    title = " ".join(cells.get("title", "").split()) or f"[Untitled {cells.get('level', 'unit').lower()} {identifier}]"
    date_text = cells.get("date", "").strip()
    languages, _ = language_codes("|".join(values(cells.get("original_language")) + values(cells.get("language"))))
    return Collection(
        id=identifier,
        title=title,
        parent=parent,
        kind=level_name(cells.get("level")),
        order=order,
        unitid=cells.get("reference", "").strip() or identifier,
        date=read_date(date_text, context) if date_text else None,
        summary=cells.get("summary", "").strip() or None,
        extent=cells.get("extent", "").strip() or None,
        creator=" | ".join(values(cells.get("creator"))) or None,
        repository=cells.get("repository", "").strip() or None,
        languages=languages,
        links=tuple(values(cells.get("url")) + values(cells.get("scan_file"))),
    )


def from_json(kind: str, text: str, context: RowContext) -> Record | Collection | Entity:
    """A record, collection or authority entry from the `json` column of a fonds CSV dump."""
    try:
        data: Any = json.loads(text)
        if kind == "collection":
            return Collection.from_dict(data)
        if kind == "entity":
            return Entity.from_dict(data)
        return replace(Record.from_dict(data), origin=context.where())
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise context.error("json", f"not the JSON of a fonds {kind} ({error}); fix the cell or leave it empty") from None
