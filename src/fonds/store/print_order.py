"""A FRUS volume's printed order, kept in the store: one print key per document and volume.

A FRUS volume (a collection of kind `volume`, with its compilations and chapters below it) prints
its documents by document number, then date, then id. The store keeps that order in the table
`print_order (volume_id, print_key, record_id)`, primary key (volume_id, print_key): a row for each
live record and each volume that holds it (a record in a chapter is in the chapter's volume). A
record page's previous and next documents are then two indexed queries (`print_key < ? ORDER BY
print_key DESC LIMIT 1` and the other way) and the table of contents pages through the same index:
no serving process keeps a volume's order in memory.

`print_key` writes the sort key `(natural_key(number), earliest or "9999", natural_key(id))` as bytes
that compare (byte by byte: SQLite's BLOB, PostgreSQL's bytea) as the tuple does, followed by the
document's number and id (read back by `number_of`, `id_of`), so the key alone names the document.

The rows are written in the transaction that writes the record (`write_rows`, `drop_rows`); a
change of the collections' tree that moves records to another volume rewrites those records'
rows (`regroup`). `fill_rows` computes every row of an existing archive (the SQLite schema
upgrade to version 4, PostgreSQL migration 7).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from fonds.record import Record
from fonds.store.curation import Sql

VOLUME_KIND = "volume"  # a FRUS volume's collection kind (web/collections.py shows it in print order)
_NATURAL = re.compile(r"(\d+)")
_END = b"\x00"  # ends a tuple and a text part; below every part's first byte, as a shorter tuple sorts first
_MARKS = {0: b"\x01", 1: b"\x02", 2: b"\x03"}  # natural_key's part kinds: digits, text, nothing

SQLITE_TABLE = """
CREATE TABLE IF NOT EXISTS print_order (
    volume_id TEXT NOT NULL,
    print_key BLOB NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (volume_id, print_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS print_order_record ON print_order (record_id);
"""

POSTGRES_TABLE = """
CREATE TABLE print_order (
    volume_id TEXT COLLATE "C" NOT NULL,
    print_key BYTEA NOT NULL,
    record_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (volume_id, print_key)
);
CREATE INDEX print_order_record ON print_order (record_id);
"""


def natural_key(text: str | None) -> tuple[tuple[int, int, str], ...]:
    """A sort key that puts `d2` before `d10` and `9` before `66`; None and "" sort last."""
    if not text:
        return ((2, 0, ""),)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in _NATURAL.split(text) if part)


def _natural(text: str | None) -> bytes:
    """natural_key(text) as bytes in the same order: digits by value (length, then digits), text by
    code point (UTF-8 keeps that order), an empty key after both."""
    out = bytearray()
    for kind, number, part in natural_key(text):
        out += _MARKS[kind]
        if kind == 0:
            digits = str(number).encode("ascii")
            out += len(digits).to_bytes(2, "big") + digits
        elif kind == 1:
            out += part.encode("utf-8", "surrogatepass") + _END
    return bytes(out + _END)


def print_key(number: str | None, earliest: str | None, record_id: str) -> bytes:
    """The document's place in its volume: `(natural_key(number), earliest or "9999",
    natural_key(id))` as bytes, then the number and the id (read back by `number_of`, `id_of`)."""
    when = (earliest or "9999").encode("utf-8") + _END
    return (_natural(number) + when + _natural(record_id) + _END + (number or "").encode("utf-8") + _END
            + record_id.encode("utf-8"))


def id_of(key: bytes) -> str:
    """The record id a print key ends with."""
    return bytes(key).rsplit(_END, 1)[1].decode("utf-8")


def number_of(key: bytes) -> str | None:
    """The document number a print key holds (None for a document without one)."""
    return bytes(key).rsplit(_END, 2)[1].decode("utf-8") or None


@dataclass(frozen=True)
class Printed:
    """One document of a volume as the print order holds it: its id and document number."""

    id: str
    number: str | None

    @classmethod
    def of(cls, key: bytes) -> Printed:
        return cls(id_of(key), number_of(key))


# -- which volume holds what --------------------------------------------------------------------


def volumes_of_tree(tree: Iterable[tuple[str, str | None, str]]) -> dict[str, str]:
    """For rows (id, parent, kind) of the collections table: each collection inside a volume (the
    volume included) -> the volume's id. A collection's top is found by following parents it knows
    (as web/collections.root_of does); collections whose top is not a volume are left out."""
    parents: dict[str, str | None] = {}
    kinds: dict[str, str] = {}
    for cid, parent, kind in tree:
        parents[cid], kinds[cid] = parent, kind
    found: dict[str, str] = {}
    for cid in parents:
        top, seen = cid, {cid}
        while (up := parents.get(top)) and up in parents and up not in seen:
            top = up
            seen.add(top)
        if kinds[top] == VOLUME_KIND:
            found[cid] = top
    return found


def volume_map(sql: Sql) -> dict[str, str]:
    """`volumes_of_tree` of the collections the store holds, read in the caller's transaction."""
    return volumes_of_tree((str(r[0]), r[1], str(r[2])) for r in sql.run("SELECT id, parent, kind FROM collections"))


def rows_of(
    record_id: str, number: str | None, earliest: str | None, collections: Iterable[str], volumes: Mapping[str, str]
) -> list[tuple[str, bytes, str]]:
    """The print_order rows (volume_id, print_key, record_id) of one live record."""
    held = dict.fromkeys(volumes[c] for c in collections if c in volumes)
    if not held:
        return []
    key = print_key(number, earliest, record_id)
    return [(volume, key, record_id) for volume in held]


def record_rows(records: Mapping[str, Record], volumes: Mapping[str, str]) -> list[tuple[str, bytes, str]]:
    """The rows of records being written (id -> the record's last version in the batch)."""
    return [row for record_id, record in records.items()
            for row in rows_of(record_id, record.number, record.date.earliest, record.collections, volumes)]


# -- writing, in the caller's transaction -------------------------------------------------------


def drop_rows(sql: Sql, record_ids: Sequence[str]) -> None:
    """Remove the rows of these records (deleted, withdrawn, or about to be written again)."""
    sql.many("DELETE FROM print_order WHERE record_id = ?", [(record_id,) for record_id in record_ids])


def write_rows(sql: Sql, rows: Sequence[tuple[str, bytes, str]]) -> None:
    """Insert rows from `rows_of` (the records' old rows dropped first)."""
    sql.many("INSERT INTO print_order (volume_id, print_key, record_id) VALUES (?, ?, ?)", rows)


Fields = Callable[[Sql, Sequence[str] | None], Iterator[tuple[str, str | None, str | None, Sequence[str]]]]
"""A backend's reader of (id, number, earliest, collections) of the live records among some ids (None: all)."""


def regroup(sql: Sql, before: Mapping[str, str], after: Mapping[str, str], fields: Fields) -> None:
    """After the collections changed in a transaction: the records of every collection whose volume
    changed (moved into, out of or between volumes) get their rows again."""
    moved = sorted(c for c in set(before) | set(after) if before.get(c) != after.get(c))
    if not moved:
        return
    ids: list[str] = []
    for start in range(0, len(moved), 500):
        chunk = moved[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        ids += [str(r[0]) for r in sql.run(
            f"SELECT DISTINCT record_id FROM record_collections WHERE collection_id IN ({marks})", chunk)]
    ids = list(dict.fromkeys(ids))
    drop_rows(sql, ids)
    write_rows(sql, [row for found in fields(sql, ids) for row in rows_of(*found, after)])


def fill(sql: Sql, fields: Fields, batch: int = 5000) -> int:
    """Compute every row of an archive that has none yet (a schema upgrade); returns the rows written.
    Reads only the records' number, date and collections; an archive without volumes reads nothing."""
    volumes = volume_map(sql)
    if not volumes:
        return 0
    written, rows = 0, []
    for found in fields(sql, None):
        rows += rows_of(*found, volumes)
        if len(rows) >= batch:
            write_rows(sql, rows)
            written, rows = written + len(rows), []
    write_rows(sql, rows)
    return written + len(rows)


def sqlite_fields(sql: Sql, ids: Sequence[str] | None) -> Iterator[tuple[str, str | None, str | None, Sequence[str]]]:
    """`Fields` for SQLite: one json_extract of three paths per record (the JSON is parsed once)."""
    query = ("SELECT rowid, id, json_extract(data, '$.number', '$.date.earliest', '$.collections') FROM records "
             "WHERE is_deleted = 0 AND json_valid(data)")
    last, chunks = 0, [ids[i:i + 500] for i in range(0, len(ids), 500)] if ids is not None else []
    while True:
        if ids is None:  # the whole table in storage order, a page at a time
            rows = sql.run(query + " AND rowid > ? ORDER BY rowid LIMIT 5000", (last,))
        elif chunks:
            chunk = chunks.pop()
            rows = sql.run(query + f" AND id IN ({', '.join('?' for _ in chunk)})", chunk)
        else:
            return
        if ids is None and not rows:
            return
        for rowid, record_id, extracted in rows:
            number, earliest, collections = json.loads(extracted)
            yield record_id, _text(number), _text(earliest), [c for c in collections or () if isinstance(c, str)]
        last = rows[-1][0] if rows else last


def postgres_fields(sql: Sql, ids: Sequence[str] | None) -> Iterator[tuple[str, str | None, str | None, Sequence[str]]]:
    """`Fields` for PostgreSQL: each record's JSON decoded here (PostgreSQL's JSON operators refuse
    an escaped NUL, which a record's JSON may hold), a page of ids at a time."""
    after = ""
    while True:
        if ids is None:
            rows = sql.run("SELECT id, data FROM records WHERE NOT is_deleted AND id > ? ORDER BY id LIMIT 2000", (after,))
        else:
            rows = sql.run("SELECT id, data FROM records WHERE NOT is_deleted AND id = ANY(?)", (list(ids),))
        for record_id, data in rows:
            try:
                found = json.loads(data)
            except (TypeError, ValueError):  # a damaged row: `fonds check` reports it
                continue
            date = found.get("date") or {}
            collections = found.get("collections") or ()
            yield (record_id, _text(found.get("number")), _text(date.get("earliest") if isinstance(date, dict) else None),
                   [c for c in collections if isinstance(c, str)])
        if ids is not None or not rows:
            return
        after = rows[-1][0]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# -- reading ------------------------------------------------------------------------------------


def neighbours(sql: Sql, volume_id: str, record_id: str) -> tuple[Printed | None, Printed | None] | None:
    """The documents printed just before and after `record_id` in the volume: three indexed lookups.
    None when the volume does not hold the record (deleted, or in another volume)."""
    found = sql.run("SELECT print_key FROM print_order WHERE record_id = ? AND volume_id = ?", (record_id, volume_id))
    if not found:
        return None
    key = found[0][0]
    before = sql.run("SELECT print_key FROM print_order WHERE volume_id = ? AND print_key < ? "
                     "ORDER BY print_key DESC LIMIT 1", (volume_id, key))
    after = sql.run("SELECT print_key FROM print_order WHERE volume_id = ? AND print_key > ? "
                    "ORDER BY print_key LIMIT 1", (volume_id, key))
    return (Printed.of(before[0][0]) if before else None, Printed.of(after[0][0]) if after else None)


def page(sql: Sql, volume_id: str, *, after: bytes | None = None, limit: int = 1000) -> list[bytes]:
    """Up to `limit` print keys of the volume in printed order, from just after the key `after`."""
    if after is None:
        rows = sql.run("SELECT print_key FROM print_order WHERE volume_id = ? ORDER BY print_key LIMIT ?",
                       (volume_id, limit))
    else:
        rows = sql.run("SELECT print_key FROM print_order WHERE volume_id = ? AND print_key > ? "
                       "ORDER BY print_key LIMIT ?", (volume_id, after, limit))
    return [bytes(row[0]) for row in rows]
