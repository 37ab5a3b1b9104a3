"""The SQLite store's read path: the SQL that finds records, the change log, collections and
authority entries in the file, and decodes them (a damaged row is named, never fatal:
`rows.readable`). `SQLiteStore` (sqlite.py) inherits it and adds the connections and writing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from abc import abstractmethod
from typing import Any, Iterator, Sequence

from fonds.authority import Entity
from fonds.collection import Collection
from fonds.containment import Failures
from fonds.errors import NotFound
from fonds.record import Record
from fonds.store.base import (
    Change,
    RecordSummary,
    Stats,
    Store,
    StoredRecord,
)
from fonds.store.rows import readable, readable_page, stored_from_row


class SQLiteReading(Store):
    """`Store`'s reading methods over `db`, the calling thread's SQLite connection."""

    @property
    @abstractmethod
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""

    def get(self, record_id: str) -> Record:
        stored = self.get_stored(record_id)
        if stored.record is None:
            raise NotFound(f"record {record_id!r} was deleted")
        return stored.record

    def get_stored(self, record_id: str) -> StoredRecord:
        row = self.db.execute(
            "SELECT id, seq, at, is_deleted, data FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no record with id {record_id!r}")
        return stored_from_row(row)

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

    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        rows = self.db.execute(
            "SELECT seq, record_id, op, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        ).fetchall()
        return [Change(*row) for row in rows]

    def last_seq(self) -> int:
        row = self.db.execute("SELECT MAX(seq) FROM changes").fetchone()
        return int(row[0] or 0)

    def _where(
        self, since: str | None, until: str | None, collection: str | None
    ) -> tuple[str, list[Any]]:
        clauses, args = [], []
        if since:
            clauses.append("r.at >= ?")
            args.append(since)
        if until:
            clauses.append("r.at <= ?")
            args.append(until)
        if collection:
            clauses.append(
                "r.id IN (SELECT record_id FROM record_collections WHERE collection_id IN ("
                "WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT c.id FROM collections c JOIN tree t "
                "ON c.parent = t.id) SELECT id FROM tree))"
            )
            args.append(collection)
        return (" AND ".join(clauses) or "1 = 1"), args

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
            where += " AND r.id > ?"
        if not include_deleted:
            where += " AND r.is_deleted = 0"
        sql = (f"SELECT r.id, r.seq, r.at, r.is_deleted, r.data FROM records r "
               f"WHERE r.seq > ? AND {where} ORDER BY {'r.id' if after_id is not None else 'r.seq'} LIMIT ?")

        def fetch(seq: int, after: str | None, wanted: int) -> list[tuple[Any, ...]]:
            return self.db.execute(sql, [seq, *args, *([after] if after is not None else []), wanted]).fetchall()

        return readable_page(fetch, after_seq=after_seq, after_id=after_id, limit=limit, failures=failures)

    def record_summaries(self, collection: str) -> list[RecordSummary]:
        """Store.record_summaries, the fields read by SQLite's JSON functions (no record decoded)."""
        where, args = self._where(None, None, collection)
        rows = self.db.execute(
            "SELECT r.id, json_extract(r.data, '$.title'), json_extract(r.data, '$.type'), "
            "json_extract(r.data, '$.number'), json_extract(r.data, '$.date.text'), "
            "json_extract(r.data, '$.date.earliest'), json_extract(r.data, '$.date.latest'), "
            "json_extract(r.data, '$.collections') "
            f"FROM records r WHERE r.is_deleted = 0 AND json_valid(r.data) AND {where} ORDER BY r.id",
            args,
        ).fetchall()
        return [RecordSummary(id=row[0], title=row[1], type=row[2], number=row[3], date_text=row[4], earliest=row[5],
                              latest=row[6], collections=tuple(json.loads(row[7]) if row[7] else ()))
                for row in rows]

    def count_stored(
        self, *, since: str | None = None, until: str | None = None, collection: str | None = None
    ) -> int:
        where, args = self._where(since, until, collection)
        row = self.db.execute(f"SELECT COUNT(*) FROM records r WHERE {where}", args).fetchone()
        return int(row[0])

    def iter_records(self, batch: int = 500, *, failures: Failures | None = None) -> Iterator[Record]:
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT id, data FROM records WHERE id > ? AND is_deleted = 0 ORDER BY id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for record_id, data in rows:
                if (record := readable(record_id, data, failures)) is not None:
                    yield record
            last = rows[-1][0]

    def collections(self) -> list[Collection]:
        rows = self.db.execute("SELECT id, title, parent, kind, details FROM collections ORDER BY id").fetchall()
        return [Collection.from_row(*row) for row in rows]

    def collection_counts(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT rc.collection_id, COUNT(*) FROM record_collections rc JOIN records r ON r.id = rc.record_id "
            "WHERE r.is_deleted = 0 GROUP BY rc.collection_id"
        ).fetchall()
        return {row[0]: int(row[1]) for row in rows}

    def get_entity(self, entity_id: str) -> Entity:
        row = self.db.execute("SELECT data FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise NotFound(f"no authority entry with id {entity_id!r}")
        return Entity.from_dict(json.loads(row[0]))

    def authority_state(self) -> str:
        """Store.authority_state from the stored content hashes (no entry decoded); an entry
        stored before hashes were kept is hashed by its JSON text."""
        digest = hashlib.sha256()
        for entity_id, digest_or_data in self.db.execute("SELECT id, COALESCE(hash, data) FROM entities ORDER BY id").fetchall():
            digest.update(f"{entity_id}\t{digest_or_data}\n".encode("utf-8"))
        return digest.hexdigest()

    def iter_entities(self, kind: str | None = None) -> Iterator[Entity]:
        query = "SELECT data FROM entities" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
        for (data,) in self.db.execute(query, (kind,) if kind else ()).fetchall():
            yield Entity.from_dict(json.loads(data))

    def records_of_entity(self, entity_id: str, limit: int = 1000) -> list[Record]:
        rows = self.db.execute(
            "SELECT r.id, r.data FROM record_entities e JOIN records r ON r.id = e.record_id "
            "WHERE e.entity_id = ? AND r.is_deleted = 0 "
            "ORDER BY COALESCE(CASE WHEN json_valid(r.data) THEN json_extract(r.data, '$.date.earliest') END, '9999'), "
            "r.id LIMIT ?",
            (entity_id, limit),
        ).fetchall()
        return [record for record_id, data in rows if (record := readable(record_id, data, None)) is not None]

    def records_linking(self, entity_ids: Sequence[str], *, after_id: str = "", limit: int = 500) -> list[Record]:
        rows = self.db.execute(
            "SELECT id, data FROM records WHERE is_deleted = 0 AND id > ? AND id IN (SELECT record_id FROM "
            "record_entities WHERE entity_id IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?",
            (after_id, json.dumps(list(entity_ids)), limit),
        ).fetchall()
        return [record for record_id, data in rows if (record := readable(record_id, data, None)) is not None]

    def dangling_links(self, limit: int = 1000) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT record_id, entity_id FROM record_entities WHERE entity_id NOT IN (SELECT id FROM entities) "
            "ORDER BY record_id, entity_id LIMIT ?",
            (limit,),
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def pending(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.db.execute("SELECT task, state FROM pending_work ORDER BY task")}

    def stats(self) -> Stats:
        def one(sql: str) -> int:
            return int(self.db.execute(sql).fetchone()[0])

        return Stats(
            records=one("SELECT COUNT(*) FROM records WHERE is_deleted = 0"),
            persons=one("SELECT COUNT(*) FROM entities WHERE kind = 'person'"),
            collections=one("SELECT COUNT(*) FROM collections"),
            changes=one("SELECT COUNT(*) FROM changes"),
        )
