"""CSV and TSV tables: one record per row (fonds' columns, or an archive system's template).

`sniff` recognises a table by its header row; `read` yields the collections, authority entries
and records the rows describe, and a `Problem` for each warning. Every problem names
`file.csv:row N, column "name"`. A file with any bad row yields nothing (RecordError listing
every bad row) unless `ImportOptions.skip_bad_rows`, which reports each skipped row instead.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

from fonds.authority import Entity
from fonds.errors import Problem, RecordError
from fonds.importers.csv_columns import (
    COLLECTION_LEVELS,
    RowContext,
    collection_path,
    from_json,
    level_name,
    make_collection,
    make_record,
)
from fonds.importers.csv_table import first_row, read_table
from fonds.importers.csv_templates import Row, recognise
from fonds.importers.options import ImportOptions
from fonds.collection import Collection
from fonds.record import Record

MAX_REPORTED = 50  # bad rows listed in one message; the count says how many more


def sniff(head: bytes, mapping: Mapping[str, str] | None = None) -> bool:
    """Whether a file's first bytes are a table whose header names columns fonds reads (or that
    `mapping` names)."""
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = head[: error.start].decode("utf-8-sig", "ignore") if error.start > 0 else head.decode("latin-1")
    first = first_row(text)
    if not first or first.lstrip().startswith(("{", "[", "<")):
        return False
    delimiter = max(("\t", ",", ";"), key=first.count)
    if first.count(delimiter) < 1:
        return False
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return False
    return recognise([h.strip() for h in header], mapping or {}) is not None


def read(source: BinaryIO, *, origin: str, options: ImportOptions | None = None) -> Iterator[Record | Collection | Entity | Problem]:
    """Read a CSV/TSV table. Raises RecordError for a file that cannot be read as one, or for any
    bad row (all listed) unless `options.skip_bad_rows`."""
    options = options or ImportOptions()
    table = read_table(source.read(), origin, options.encoding)
    yield from table.notes
    template = recognise(table.header, options.mapping)
    if template is None:
        raise RecordError(
            f"{origin}:row 1: none of the columns ({', '.join(repr(h) for h in table.header[:6])}...) is one "
            "fonds reads; name them identifier, title, date... (docs/importing.md) or give --map mapping.toml"
        )
    header = table.header
    rows: list[tuple[int, Row]] = []
    bad: list[str] = []
    warnings: list[Problem] = []
    twice = _named_twice(header)
    for number, cells in table.rows:
        if number <= template.header_rows:
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            bad.append(f"{origin}:row {number}: the row has {len(cells)} cells but the header names {len(header)} columns; quote cells that hold a comma")
            continue
        clash = next((name for name, at in twice.items()
                      if len({cells[i].strip() for i in at if i < len(cells) and cells[i].strip()}) > 1), None)
        if clash is not None:  # one value would silently replace the other
            columns = " and ".join(str(i + 1) for i in twice[clash])
            bad.append(f"{origin}:row {number}: the header names column {clash!r} twice (columns {columns}) and this row "
                       "gives them different values, of which only one could be kept; rename or merge the columns")
            continue
        raw = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        for name, at in twice.items():  # the one value the columns named alike give, wherever it is
            raw[name] = next((cells[i] for i in at if i < len(cells) and cells[i].strip()), "")
        converted = template.convert(raw)
        if "kind" in header and raw.get("json", "").strip():
            converted = {"kind": raw.get("kind", "record"), "json": raw["json"], "_title": raw.get("title", ""), "_summary": raw.get("summary", "")}
        rows.append((number, converted))
    if template.name == "fonds columns" and rows and not any("identifier" in r or "json" in r for _, r in rows):
        raise RecordError(
            f"{origin}:row 1: the table has no identifier column; every record needs the archive's own "
            "identifier: add a column named identifier, or map one with --map"
        )
    items = _build(rows, origin, Path(origin).parent, bad, warnings)
    if bad and not options.skip_bad_rows:
        shown = bad[:MAX_REPORTED]
        more = f"\n(and {len(bad) - MAX_REPORTED} more bad rows)" if len(bad) > MAX_REPORTED else ""
        raise RecordError(
            "\n".join(shown) + more + f"\n{origin}: nothing stored: correct the rows above, or give "
            "--skip-bad-rows to store the good rows"
        )
    yield from warnings
    for message in bad:
        where, _, what = message.partition(": ")
        yield Problem(where, f"row skipped: {what}")
    yield from items


def _named_twice(header: list[str]) -> dict[str, list[int]]:
    """The column names the header gives more than once, with their positions (0-based)."""
    at: dict[str, list[int]] = {}
    for position, name in enumerate(header):
        if name:
            at.setdefault(name, []).append(position)
    return {name: positions for name, positions in at.items() if len(positions) > 1}


def _build(rows: list[tuple[int, Row]], origin: str, base: Path, bad: list[str], warnings: list[Problem]) -> list[Record | Collection | Entity]:
    """Records, collections and entries of the rows, hierarchy resolved."""
    keys = {cells["_key"]: cells.get("identifier", "").strip() or cells["_key"] for _, cells in rows if cells.get("_key")}
    parents = {cells["parent"].strip() for _, cells in rows if cells.get("parent", "").strip()}
    collections: dict[str, Collection] = {}
    records: list[Record] = []
    entities: dict[str, Entity] = {}
    extra: list[Record | Collection | Entity] = []
    stack: list[str] = []  # ArchivesSpace: the collection at each hierarchy depth
    siblings: dict[str | None, int] = {}
    seen: dict[str, int] = {}
    by_name: dict[str, Entity] = {}
    paths: dict[str, list[tuple[Collection, bool]]] = {}
    for position, (number, cells) in enumerate(rows):
        context = RowContext(origin, number, entities=entities, by_name=by_name, known=collections, paths=paths)
        try:
            if "json" in cells and cells.get("kind"):
                item = from_json(cells["kind"].strip(), cells["json"], context)
                if isinstance(item, Record):  # a title or summary edited in the spreadsheet wins
                    title, summary = " ".join(cells["_title"].split()), cells["_summary"].strip()
                    if title and title != " ".join(item.title.split()):
                        item = replace(item, title=title)
                    if summary and summary != (item.summary or "").strip():
                        item = replace(item, summary=summary)
                extra.append(item)
                continue
            parent = _parent(cells, keys, stack, collections, context)
            if not cells.get("identifier", "").strip() and "_resource" in cells:
                cells["identifier"] = f"{cells['_resource']}-row{number}"
                context.warn("identifier", f"no unit_id or ref_id; the unit gets the id {cells['identifier']}")
            level = level_name(cells["level"]) if cells.get("level", "").strip() else ""
            key = cells.get("_key", "")
            is_collection = level in COLLECTION_LEVELS or (key and key in parents) or _has_children(cells, rows[position + 1] if position + 1 < len(rows) else None)
            identifier = cells.get("identifier", "").strip()
            if identifier in seen:
                raise context.error("identifier", f"{identifier!r} is also the identifier of row {seen[identifier]}; identifiers must be unique in a file")
            if is_collection:
                order = siblings.get(parent, 0)
                siblings[parent] = order + 1
                collection = make_collection(cells, context, parent, order)
                collections[collection.id] = collection
                paths.clear()  # a path cell may name this collection now
                if "_depth" in cells:
                    depth = int(cells["_depth"])
                    del stack[depth:]
                    stack.append(collection.id)
            else:
                record = make_record(cells, context, base)
                path = collection_path(cells.get("collection"), context, collections)  # cached per cell
                for found, described in path:
                    if described:
                        collections.setdefault(found.id, found)
                if parent:
                    record = replace(record, collections=tuple(dict.fromkeys((parent, *record.collections))))
                records.append(record.with_warnings(*context.warnings))  # kept on the record
                context.warnings.clear()
            if identifier:
                seen[identifier] = number
            warnings.extend(context.warnings)
        except RecordError as error:
            bad.append(str(error))
    return [*collections.values(), *entities.values(), *extra, *records]


def _parent(cells: Row, keys: dict[str, str], stack: list[str], collections: dict[str, Collection], context: RowContext) -> str | None:
    if "_depth" in cells:
        resource = cells.get("_resource", "").strip()
        if resource and resource not in collections:
            collections[resource] = Collection(id=resource, title=resource, kind="collection", unitid=resource)
            stack[:] = [resource]
        try:
            depth = int(cells["_depth"])
        except ValueError:
            raise context.error("hierarchy", f"{cells['_depth']!r} is not a level number (1 is a top-level component)") from None
        if depth < 1 or depth > len(stack):
            raise context.error("hierarchy", f"level {depth} has no parent above it (the row before is at level {len(stack) - 1}); number the levels 1, 2, 3 down from the top")
        return stack[depth - 1]
    parent = cells.get("parent", "").strip()
    if not parent:
        return None
    return keys.get(parent, parent)


def _has_children(cells: Row, following: tuple[int, Row] | None) -> bool:
    """ArchivesSpace: a component is a collection when the next row is one level deeper."""
    if "_depth" not in cells or following is None:
        return False
    try:
        return int(following[1].get("_depth", "0")) > int(cells["_depth"])
    except ValueError:
        return False
