"""The PostgreSQL store's read path: the reads shared with SQLite (store/reading.py) in
PostgreSQL's dialect, and those that decode a record's JSON here rather than with PostgreSQL's
JSON operators, which refuse the escaped NUL (\\u0000) a record's JSON may hold (a damaged row is
named, never fatal: `rows.readable`). `PostgresStore` (postgres.py) inherits it and adds the pool
and writing.
"""

from __future__ import annotations

import json
from typing import Sequence

from fonds.record import Record
from fonds.store.dialect import POSTGRES
from fonds.store.reading import Reading
from fonds.store.rows import readable


class PostgresReading(Reading):
    """`Store`'s reading methods over `_read`, one query on a pooled autocommit connection."""

    dialect = POSTGRES

    def fingerprints(self, record_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        ids = list(record_ids)
        for start in range(0, len(ids), 500):
            rows = self._read(
                "SELECT id, data FROM records WHERE NOT is_deleted AND id = ANY(%s)", (ids[start:start + 500],)
            )
            for record_id, data in rows:
                try:
                    fingerprint = json.loads(data).get("fingerprint")
                except (ValueError, TypeError, AttributeError):  # a damaged row: stored again in full
                    continue
                if fingerprint:
                    found[record_id] = fingerprint
        return found

    def records_of_entity(self, entity_id: str, limit: int = 1000) -> list[Record]:
        rows = self._read(
            "SELECT r.id, r.data FROM record_entities e JOIN records r ON r.id = e.record_id "
            "WHERE e.entity_id = %s AND NOT r.is_deleted",
            (entity_id,),
        )  # sorted here, not in SQL: PostgreSQL's json refuses the \u0000 a record may hold
        records = [record for record_id, data in rows if (record := readable(record_id, data, None)) is not None]
        return sorted(records, key=lambda r: (r.date.earliest or "9999", r.id))[:limit]  # the oldest, as SQLite
