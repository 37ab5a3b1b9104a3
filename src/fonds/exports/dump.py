"""Bulk dumps: every record, streamed one at a time, as JSON Lines, a TEI corpus or CSV.

Each dump starts with the archive's collections and authority entries and carries each
record whole (JSON Lines is the Record JSON; CSV adds a `json` column; TEI a
`<note type="fonds-record">`), so `fonds ingest` of a dump gives back the same archive.

Nothing is held but the record being written, so a million records need no
more memory than one.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from lxml import etree

from fonds.containment import Failures
from fonds.errors import ExportError
from fonds.exports import citation, tei, tei_xml
from fonds.authority import Entity
from fonds.collection import Collection, sorted_collections
from fonds.record import Record

FORMATS = ("jsonl", "tei", "csv")
# fonds' CSV columns (importers/csv_columns), then `kind` and `json`: the row's whole
# collection, authority entry or record, so that ingesting the dump gives back the same.
CSV_HEADER = (
    "identifier", "title", "date", "type", "repository", "reference", "extent", "creator",
    "recipient", "translator", "original_language", "language", "summary", "subjects", "places",
    "persons", "collection", "url", "classification", "level", "parent", "kind", "json",
)
LIST_SEPARATOR = "|"
RECORD_NOTE = "fonds-record"  # the TEI <note type> that carries a record's JSON in a dump
COLLECTION_NOTE = "fonds-collection"
ENTITY_NOTE = "fonds-entity"

_CORPUS_HEAD = (
    '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
    "<titleStmt><title>Records exported from fonds</title></titleStmt>"
    "<publicationStmt><p>Exported by fonds.</p></publicationStmt>"
)
_CORPUS_TAIL = (
    "<sourceDesc><p>Each TEI document below describes its own source.</p></sourceDesc>"
    "</fileDesc></teiHeader>\n"
)


def write_all(
    records: Iterable[Record],
    fmt: str,
    out: TextIO,
    *,
    collections: Iterable[Collection] = (),
    entities: Iterable[Entity] = (),
    failures: Failures | None = None,
) -> int:
    """Write every record to `out` in `fmt` (jsonl, tei or csv), preceded by the archive's
    collections and authority entries, so that `fonds ingest` of the dump gives back the same
    archive; return how many records were written.

    A record that cannot be written is left out whole (each is turned into text before any of
    it is written) and added to `failures` (fonds.containment), and the dump goes on; without
    `failures` they are only logged. The caller says how many were left out."""
    writers: dict[str, Callable[[Iterator[Record], list[Collection], Iterable[Entity], TextIO, Failures], int]] = {
        "jsonl": _jsonl,
        "tei": _tei_corpus,
        "csv": _csv,
    }
    if fmt not in writers:
        raise ExportError(f"dump format {fmt!r} is not one we write; use one of {', '.join(FORMATS)}")
    failures = Failures("dump") if failures is None else failures
    return writers[fmt](iter(records), sorted_collections(collections), entities, out, failures)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _written(records: Iterator[Record], write: Callable[[Record], str], failures: Failures) -> Iterator[str]:
    """Each record as the text `write` makes of it; a record it fails on is a failure, left out."""
    for record in records:
        text: str | None = None
        with failures.guard(record.id):
            text = write(record)
        if text is not None:
            yield text


def _jsonl(records: Iterator[Record], collections: list[Collection], entities: Iterable[Entity], out: TextIO,
           failures: Failures) -> int:
    for collection in collections:
        out.write(_json({"collection": collection.to_dict()}) + "\n")
    for entity in entities:
        out.write(_json({"entity": entity.to_dict()}) + "\n")
    count = 0
    for text in _written(records, lambda record: _json(record.to_dict()) + "\n", failures):
        out.write(text)
        count += 1
    return count


def _tei_record(record: Record) -> str:
    element = tei.element(record, id_prefix=f"{tei_xml.name_token(record.id)}-")
    tei.add_record_note(element, RECORD_NOTE, _json(record.to_dict()))
    return str(etree.tostring(element, encoding="unicode")) + "\n"


def _tei_corpus(records: Iterator[Record], collections: list[Collection], entities: Iterable[Entity], out: TextIO,
                failures: Failures) -> int:
    written = _written(records, _tei_record, failures)
    first = next(written, None)
    if first is None:
        raise ExportError("there are no records to dump; a TEI corpus must hold at least one")
    out.write(_CORPUS_HEAD)
    notes = [(COLLECTION_NOTE, c.to_dict()) for c in collections] + [(ENTITY_NOTE, e.to_dict()) for e in entities]
    if notes:
        holder = etree.Element(f"{{{tei_xml.TEI_NS}}}notesStmt", nsmap={None: tei_xml.TEI_NS})
        for kind, data in notes:
            etree.SubElement(holder, f"{{{tei_xml.TEI_NS}}}note", type=kind).text = tei_xml.clean_text(_json(data))
        out.write(_without_namespace_declaration(etree.tostring(holder, encoding="unicode")))
    out.write(_CORPUS_TAIL)
    count = 0
    for text in itertools.chain([first], written):
        out.write(text)
        count += 1
    out.write("</teiCorpus>\n")
    return count


def _without_namespace_declaration(text: str) -> str:
    return text.replace(f' xmlns="{tei_xml.TEI_NS}"', "", 1)


def _csv(records: Iterator[Record], collections: list[Collection], entities: Iterable[Entity], out: TextIO,
         failures: Failures) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for collection in collections:
        writer.writerow(guard_formulas(_collection_row(collection)))
    for entity in entities:
        writer.writerow(guard_formulas(_entity_row(entity)))
    count = 0
    for row in _written(records, lambda record: _csv_line(guard_formulas(csv_row(record))), failures):
        out.write(row)
        count += 1
    return count


def _csv_line(row: list[str]) -> str:
    """One CSV row as text (so a record whose row fails leaves nothing half-written)."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\r\n").writerow(row)
    return line.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formulas(row: list[str]) -> list[str]:
    """Cells a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1`, `-2`, `@SUM`, a leading
    tab or carriage return) get a leading apostrophe, which spreadsheets show as text (OWASP, CSV
    injection). The `json` column keeps every value exactly; it starts with `{`."""
    return ["'" + cell if cell.startswith(FORMULA_STARTS) else cell for cell in row]


def _row(**cells: str) -> list[str]:
    return [cells.get(column, "") for column in CSV_HEADER]


def _collection_row(collection: Collection) -> list[str]:
    return _row(
        identifier=collection.id, title=collection.title, level=collection.kind, parent=collection.parent or "",
        date=collection.date.text or "" if collection.date else "", summary=collection.summary or "",
        extent=collection.extent or "", kind="collection", json=_json(collection.to_dict()),
    )


def _entity_row(entity: Entity) -> list[str]:
    return _row(identifier=entity.id, title=entity.preferred, type=entity.kind, kind="entity", json=_json(entity.to_dict()))


def csv_row(record: Record) -> list[str]:
    """One CSV row in the order of CSV_HEADER: fonds' columns (several values joined with `|`),
    then `kind` = record and `json`, the whole record."""
    source = record.source
    names = {role: [c.name for c in record.credits if c.role == role] for role in ("author", "recipient", "translator")}
    text = next((r for r in record.renditions if r.text.strip()), None)
    return _row(
        identifier=record.id,
        title=record.title,
        date=record.date.text or record.date.edtf or "",
        type=record.type or "",
        repository=source.repository or source.repository_code or "",
        reference=citation.reference_text(source) or "",
        extent=record.extent or "",
        creator=LIST_SEPARATOR.join(names["author"]),
        recipient=LIST_SEPARATOR.join(names["recipient"]),
        translator=LIST_SEPARATOR.join(names["translator"]),
        original_language=LIST_SEPARATOR.join(record.original_languages),
        language=text.language or "" if text else "",
        summary=record.summary or "",
        subjects=LIST_SEPARATOR.join(record.subjects),
        places=record.place or "",
        persons=LIST_SEPARATOR.join(dict.fromkeys(p.name for p in record.persons)),
        collection=LIST_SEPARATOR.join(record.collections),
        url=record.url or "",
        classification=source.classification or "",
        kind="record",
        json=_json(record.to_dict()),
    )
