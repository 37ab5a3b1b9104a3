"""The PostgreSQL store's read path: the SQL that finds records, the change log, collections
and authority entries in the database, and decodes them (a damaged row is named, never fatal:
`rows.readable`). `PostgresStore` (postgres.py) inherits it and adds the pool and writing.
"""

from __future__ import annotations

import hashlib
import json
from abc import abstractmethod
from typing import Any, Iterator, Sequence

from fonds.authority import Entity
from fonds.collection import Collection
from fonds.containment import Failures
from fonds.errors import NotFound
from fonds.record import Record
from fonds.store.base import Change, Stats, Store, StoredRecord
from fonds.store.rows import readable, readable_page, stored_from_row


class PostgresReading(Store):
    """`Store`'s reading methods over `_read`, one query on a pooled autocommit connection."""

    @abstractmethod
    def _read(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one query."""

    def _one(self, query: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self._read(query, args)
        return rows[0] if rows else None

    def get(self, record_id: str) -> Record:
        stored = self.get_stored(record_id)
        if stored.record is None:
            raise NotFound(f"record {record_id!r} was deleted")
        return stored.record

    def get_stored(self, record_id: str) -> StoredRecord:
        row = self._one("SELECT id, seq, at, is_deleted, data FROM records WHERE id = %s", (record_id,))
        if row is None:
            raise NotFound(f"no record with id {record_id!r}")
        return stored_from_row(row)

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

    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        rows = self._read(
            "SELECT seq, record_id, op, at FROM changes WHERE seq > %s ORDER BY seq LIMIT %s", (seq, limit)
        )
        return [Change(int(row[0]), row[1], row[2], row[3]) for row in rows]

    def last_seq(self) -> int:
        row = self._one("SELECT MAX(seq) FROM changes")
        return int(row[0] or 0) if row else 0

    @staticmethod
    def _where(since: str | None, until: str | None, collection: str | None) -> tuple[str, list[Any]]:
        clauses, args = [], []
        if since:
            clauses.append("r.at >= %s")
            args.append(since)
        if until:
            clauses.append("r.at <= %s")
            args.append(until)
        if collection:
            clauses.append(
                "r.id IN (SELECT record_id FROM record_collections WHERE collection_id IN ("
                "WITH RECURSIVE tree(id) AS (SELECT %s::text COLLATE \"C\" UNION SELECT c.id FROM collections c "
                "JOIN tree t ON c.parent = t.id) SELECT id FROM tree))"
            )
            args.append(collection)
        return (" AND ".join(clauses) or "TRUE"), args

    def list_stored(
        self,
        *,
        after_seq: int = 0,
        after_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
        collection: str | None = None,
        limit: int = 100,
        include_deleted: bool = True,
        failures: Failures | None = None,
    ) -> list[StoredRecord]:
        where, args = self._where(since, until, collection)
        if after_id is not None:  # id order: positions that updates do not move
            where += " AND r.id > %s"
        if not include_deleted:
            where += " AND NOT r.is_deleted"
        sql = (f"SELECT r.id, r.seq, r.at, r.is_deleted, r.data FROM records r "
               f"WHERE r.seq > %s AND {where} ORDER BY {'r.id' if after_id is not None else 'r.seq'} LIMIT %s")

        def fetch(seq: int, after: str | None, wanted: int) -> Sequence[Sequence[Any]]:
            return self._read(sql, [seq, *args, *([after] if after is not None else []), wanted])

        return readable_page(fetch, after_seq=after_seq, after_id=after_id, limit=limit, failures=failures)

    def count_stored(
        self, *, since: str | None = None, until: str | None = None, collection: str | None = None
    ) -> int:
        where, args = self._where(since, until, collection)
        row = self._one(f"SELECT COUNT(*) FROM records r WHERE {where}", args)
        return int(row[0]) if row else 0

    def iter_records(self, batch: int = 500, *, failures: Failures | None = None) -> Iterator[Record]:
        last = ""
        while True:
            rows = self._read(
                "SELECT id, data FROM records WHERE id > %s AND NOT is_deleted ORDER BY id LIMIT %s",
                (last, batch),
            )
            if not rows:
                return
            for record_id, data in rows:
                if (record := readable(record_id, data, failures)) is not None:
                    yield record
            last = rows[-1][0]

    def collections(self) -> list[Collection]:
        rows = self._read("SELECT id, title, parent, kind, details FROM collections ORDER BY id")
        return [Collection.from_row(*row) for row in rows]

    def collection_counts(self) -> dict[str, int]:
        rows = self._read(
            "SELECT rc.collection_id, COUNT(*) FROM record_collections rc JOIN records r ON r.id = rc.record_id "
            "WHERE NOT r.is_deleted GROUP BY rc.collection_id"
        )
        return {row[0]: int(row[1]) for row in rows}

    def get_entity(self, entity_id: str) -> Entity:
        row = self._one("SELECT data FROM entities WHERE id = %s", (entity_id,))
        if row is None:
            raise NotFound(f"no authority entry with id {entity_id!r}")
        return Entity.from_dict(json.loads(row[0]))

    def authority_state(self) -> str:
        """Store.authority_state from the stored content hashes (no entry decoded); an entry
        stored before hashes were kept is hashed by its JSON text."""
        digest = hashlib.sha256()
        for entity_id, digest_or_data in self._read("SELECT id, COALESCE(hash, data) FROM entities ORDER BY id"):
            digest.update(f"{entity_id}\t{digest_or_data}\n".encode("utf-8"))
        return digest.hexdigest()

    def iter_entities(self, kind: str | None = None) -> Iterator[Entity]:
        if kind:
            rows = self._read("SELECT data FROM entities WHERE kind = %s ORDER BY id", (kind,))
        else:
            rows = self._read("SELECT data FROM entities ORDER BY id")
        for (data,) in rows:
            yield Entity.from_dict(json.loads(data))

    def records_of_entity(self, entity_id: str, limit: int = 1000) -> list[Record]:
        rows = self._read(
            "SELECT r.id, r.data FROM record_entities e JOIN records r ON r.id = e.record_id "
            "WHERE e.entity_id = %s AND NOT r.is_deleted",
            (entity_id,),
        )  # sorted here, not in SQL: PostgreSQL's json refuses the \u0000 a record may hold
        records = [record for record_id, data in rows if (record := readable(record_id, data, None)) is not None]
        return sorted(records, key=lambda r: (r.date.earliest or "9999", r.id))[:limit]  # the oldest, as SQLite

    def records_linking(self, entity_ids: Sequence[str], *, after_id: str = "", limit: int = 500) -> list[Record]:
        rows = self._read(
            "SELECT id, data FROM records WHERE NOT is_deleted AND id > %s AND id IN (SELECT record_id FROM "
            "record_entities WHERE entity_id = ANY(%s)) ORDER BY id LIMIT %s",
            (after_id, list(entity_ids), limit),
        )
        return [record for record_id, data in rows if (record := readable(record_id, data, None)) is not None]

    def dangling_links(self, limit: int = 1000) -> list[tuple[str, str]]:
        rows = self._read(
            "SELECT record_id, entity_id FROM record_entities e WHERE NOT EXISTS "
            "(SELECT 1 FROM entities WHERE id = e.entity_id) ORDER BY record_id, entity_id LIMIT %s",
            (limit,),
        )
        return [(row[0], row[1]) for row in rows]

    def pending(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self._read("SELECT task, state FROM pending_work ORDER BY task")}

    def stats(self) -> Stats:
        row = self._one(
            "SELECT (SELECT COUNT(*) FROM records WHERE NOT is_deleted), "
            "(SELECT COUNT(*) FROM entities WHERE kind = 'person'), "
            "(SELECT COUNT(*) FROM collections), (SELECT COUNT(*) FROM changes)"
        )
        assert row is not None
        return Stats(records=int(row[0]), persons=int(row[1]), collections=int(row[2]), changes=int(row[3]))
