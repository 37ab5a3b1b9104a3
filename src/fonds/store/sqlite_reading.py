"""The SQLite store's read path: the reads shared with PostgreSQL (store/reading.py) in SQLite's
dialect, and those that use SQLite's JSON functions to read a record's fields without decoding it
(a damaged row is named, never fatal: `rows.readable`). `SQLiteStore` (sqlite.py) inherits it and
adds the connections and writing.
"""

from __future__ import annotations

import json
import sqlite3
from abc import abstractmethod
from typing import Any, Sequence

from fonds.record import Record
from fonds.store.base import RecordSummary
from fonds.store.dialect import SQLITE
from fonds.store.reading import Reading
from fonds.store.rows import readable


class SQLiteReading(Reading):
    """`Store`'s reading methods over `db`, the calling thread's SQLite connection."""

    dialect = SQLITE

    @property
    @abstractmethod
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""

    def _read(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(query, tuple(args)).fetchall()

    def fingerprints(self, record_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        ids = list(record_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.db.execute(
                "SELECT id, CASE WHEN json_valid(data) THEN json_extract(data, '$.fingerprint') END FROM records "
                f"WHERE is_deleted = 0 "
                f"AND id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            found.update({row[0]: row[1] for row in rows if row[1]})
        return found

    def record_summaries(self, collection: str) -> list[RecordSummary]:
        """Store.record_summaries, the fields read by SQLite's JSON functions (no record decoded)."""
        where, args = self._where(None, None, collection)
        rows = self.db.execute(
            "SELECT r.id, json_extract(r.data, '$.title'), json_extract(r.data, '$.type'), "
            "json_extract(r.data, '$.number'), json_extract(r.data, '$.date.text'), "
            "json_extract(r.data, '$.date.earliest'), json_extract(r.data, '$.date.latest'), "
            "json_extract(r.data, '$.collections') "
            f"FROM records r WHERE r.is_deleted = 0 AND json_valid(r.data) AND {self._sql(where)} ORDER BY r.id",
            args,
        ).fetchall()
        return [RecordSummary(id=row[0], title=row[1], type=row[2], number=row[3], date_text=row[4], earliest=row[5],
                              latest=row[6], collections=tuple(json.loads(row[7]) if row[7] else ()))
                for row in rows]

    def records_of_entity(self, entity_id: str, limit: int = 1000) -> list[Record]:
        rows = self.db.execute(
            "SELECT r.id, r.data FROM record_entities e JOIN records r ON r.id = e.record_id "
            "WHERE e.entity_id = ? AND r.is_deleted = 0 "
            "ORDER BY COALESCE(CASE WHEN json_valid(r.data) THEN json_extract(r.data, '$.date.earliest') END, '9999'), "
            "r.id LIMIT ?",
            (entity_id, limit),
        ).fetchall()
        return [record for record_id, data in rows if (record := readable(record_id, data, None)) is not None]
