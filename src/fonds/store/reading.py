"""The read path both stores share: the SELECTs that SQLite and PostgreSQL spell alike but for
their dialect (store/dialect.py), written once. `SQLiteReading` and `PostgresReading` inherit it,
give `_read` (one query's rows) and their `dialect`, and add the reads that differ for a reason
beyond spelling (SQLite's JSON functions; PostgreSQL's JSON refusing an escaped NUL).
"""

from __future__ import annotations

import hashlib
import json
from abc import abstractmethod
from typing import Any, Callable, Iterator, Sequence

from fonds.authority import Entity
from fonds.collection import Collection
from fonds.containment import Failures
from fonds.errors import NotFound
from fonds.record import Record
from fonds.store.base import Change, Stats, Store, StoredRecord
from fonds.store.dialect import Dialect
from fonds.store.rows import readable, readable_page, stored_from_row

# The records of a collection and of every collection below it (`{id_param}`: the collection's id).
IN_TREE = ("r.id IN (SELECT record_id FROM record_collections WHERE collection_id IN ("
           "WITH RECURSIVE tree(id) AS (SELECT {id_param} UNION SELECT c.id FROM collections c "
           "JOIN tree t ON c.parent = t.id) SELECT id FROM tree))")


class Reading(Store):
    """`Store`'s reading methods over `_read`, in the store's `dialect`."""

    dialect: Dialect

    @abstractmethod
    def _read(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one query, written in this store's dialect."""

    def _sql(self, template: str) -> str:
        return self.dialect.sql(template)

    def _staff_read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._read(self.dialect.staff(sql), args)

    def get(self, record_id: str) -> Record:
        stored = self.get_stored(record_id)
        if stored.record is None:
            raise NotFound(f"record {record_id!r} was deleted")
        return stored.record

    def get_stored(self, record_id: str) -> StoredRecord:
        rows = self._read(self._sql("SELECT id, seq, at, is_deleted, data FROM records WHERE id = {p}"), (record_id,))
        if not rows:
            raise NotFound(f"no record with id {record_id!r}")
        return stored_from_row(rows[0])

    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        rows = self._read(
            self._sql("SELECT seq, record_id, op, at FROM changes WHERE seq > {p} ORDER BY seq LIMIT {p}"), (seq, limit)
        )
        return [Change(int(row[0]), row[1], row[2], row[3]) for row in rows]

    def last_seq(self) -> int:
        rows = self._read("SELECT MAX(seq) FROM changes")
        return int(rows[0][0] or 0) if rows else 0

    @staticmethod
    def _where(since: str | None, until: str | None, collection: str | None) -> tuple[str, list[Any]]:
        """The WHERE clause (on `records r`, a dialect template) and its arguments of `list_stored`'s filters."""
        clauses, args = [], []
        if since:
            clauses.append("r.at >= {p}")
            args.append(since)
        if until:
            clauses.append("r.at <= {p}")
            args.append(until)
        if collection:
            clauses.append(IN_TREE)
            args.append(collection)
        return (" AND ".join(clauses) or "{true}"), args

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
        unwanted: Callable[[int], bool] | None = None,
    ) -> list[StoredRecord]:
        where, args = self._where(since, until, collection)
        if after_id is not None:  # id order: positions that updates do not move
            where += " AND r.id > {p}"
        if not include_deleted:
            where += " AND r.is_deleted = {false}"
        order = "r.id" if after_id is not None else "r.seq"
        sql = self._sql("SELECT r.id, r.seq, r.at, r.is_deleted, r.data FROM records r "
                        "WHERE r.seq > {p} AND " + where + " ORDER BY " + order + " LIMIT {p}")

        def fetch(seq: int, after: str | None, wanted: int) -> Sequence[Sequence[Any]]:
            return self._read(sql, [seq, *args, *([after] if after is not None else []), wanted])

        return readable_page(fetch, after_seq=after_seq, after_id=after_id, limit=limit, failures=failures,
                             unwanted=unwanted)

    def count_stored(
        self, *, since: str | None = None, until: str | None = None, collection: str | None = None
    ) -> int:
        where, args = self._where(since, until, collection)
        rows = self._read(self._sql("SELECT COUNT(*) FROM records r WHERE " + where), args)
        return int(rows[0][0]) if rows else 0

    def iter_records(self, batch: int = 500, *, failures: Failures | None = None) -> Iterator[Record]:
        query = self._sql("SELECT id, data FROM records WHERE id > {p} AND is_deleted = {false} ORDER BY id LIMIT {p}")
        last = ""
        while True:
            rows = self._read(query, (last, batch))
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
        rows = self._read(self._sql(
            "SELECT rc.collection_id, COUNT(*) FROM record_collections rc JOIN records r ON r.id = rc.record_id "
            "WHERE r.is_deleted = {false} GROUP BY rc.collection_id"
        ))
        return {row[0]: int(row[1]) for row in rows}

    def get_entity(self, entity_id: str) -> Entity:
        rows = self._read(self._sql("SELECT data FROM entities WHERE id = {p}"), (entity_id,))
        if not rows:
            raise NotFound(f"no authority entry with id {entity_id!r}")
        return Entity.from_dict(json.loads(rows[0][0]))

    def authority_state(self) -> str:
        """Store.authority_state from the stored content hashes (no entry decoded); an entry
        stored before hashes were kept is hashed by its JSON text."""
        digest = hashlib.sha256()
        for entity_id, digest_or_data in self._read("SELECT id, COALESCE(hash, data) FROM entities ORDER BY id"):
            digest.update(f"{entity_id}\t{digest_or_data}\n".encode("utf-8"))
        return digest.hexdigest()

    def iter_entities(self, kind: str | None = None) -> Iterator[Entity]:
        if kind:
            rows = self._read(self._sql("SELECT data FROM entities WHERE kind = {p} ORDER BY id"), (kind,))
        else:
            rows = self._read("SELECT data FROM entities ORDER BY id")
        for (data,) in rows:
            yield Entity.from_dict(json.loads(data))

    def records_linking(self, entity_ids: Sequence[str], *, after_id: str = "", limit: int = 500) -> list[Record]:
        rows = self._read(
            self._sql("SELECT id, data FROM records WHERE is_deleted = {false} AND id > {p} AND id IN (SELECT record_id "
                      "FROM record_entities WHERE entity_id {in_list}) ORDER BY id LIMIT {p}"),
            (after_id, self.dialect.list_param(entity_ids), limit),
        )
        return [record for record_id, data in rows if (record := readable(record_id, data, None)) is not None]

    def dangling_links(self, limit: int = 1000) -> list[tuple[str, str]]:
        rows = self._read(self._sql(
            "SELECT record_id, entity_id FROM record_entities e WHERE NOT EXISTS "
            "(SELECT 1 FROM entities WHERE id = e.entity_id) ORDER BY record_id, entity_id LIMIT {p}"),
            (limit,),
        )
        return [(row[0], row[1]) for row in rows]

    def pending(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self._read("SELECT task, state FROM pending_work ORDER BY task")}

    def stats(self) -> Stats:
        rows = self._read(self._sql(
            "SELECT (SELECT COUNT(*) FROM records WHERE is_deleted = {false}), "
            "(SELECT COUNT(*) FROM entities WHERE kind = 'person'), "
            "(SELECT COUNT(*) FROM collections), (SELECT COUNT(*) FROM changes)"
        ))
        records, persons, collections, changes = (int(value) for value in rows[0])
        return Stats(records=records, persons=persons, collections=collections, changes=changes)
