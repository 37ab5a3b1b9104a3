"""The embedded store: one SQLite file in WAL mode.

Records are kept as their Record JSON beside a content hash; the change log is
a table whose integer primary key is the sequence number. A crash at any point
leaves the file with every committed transaction and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from fonds.authority import Entity
from fonds.containment import Failures
from fonds.errors import NotFound, ReadOnlyError, StoreError
from fonds.collection import Collection
from fonds.record import Record
from fonds.store.base import (
    AddResult,
    Change,
    RecordSummary,
    Stats,
    Store,
    StoredRecord,
    check_collections_and_entities,
    collection_details,
    content_json,
    prepare_records,
    readable,
    readable_page,
    refuse_dangling,
    stored_from_row,
)
from fonds.store.curation import Sql
from fonds.store import print_order
from fonds.store.sqlite_schema import SCHEMA, Statements as _Statements, check_version, create_staff_tables, upgrade


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class SQLiteStore(Store):
    """One connection per thread (WAL lets readers go on while one writer writes)."""

    thread_safe = True

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.read_only = read_only
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._threads: list[threading.Thread] = []  # the thread each connection belongs to
        self._guard = threading.Lock()
        try:
            if read_only:
                if not self.path.is_file():
                    raise StoreError(f"{self.path}: no such database; a read-only node needs an existing one")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.executescript(SCHEMA)
            check_version(self.db, self.path, read_only=read_only)
            if not read_only:
                upgrade(self.db)
                create_staff_tables(self.db)
        except sqlite3.DatabaseError as error:
            self.close()
            raise StoreError(
                f"{self.path}: cannot open as a fonds database ({error}); "
                "give --db a new file or an existing fonds database"
            ) from error

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            if self.read_only:
                connection.execute("PRAGMA query_only=ON")
            self._local.connection = connection
            with self._guard:
                self._close_orphans()
                self._connections.append(connection)
                self._threads.append(threading.current_thread())
        return connection

    def _close_orphans(self) -> None:
        """Close the connections of threads that have ended (a server's idle worker threads end
        and new ones start), so their connections and page caches do not pile up. Under `_guard`."""
        for at in reversed(range(len(self._threads))):
            if not self._threads[at].is_alive():
                self._connections.pop(at).close()
                self._threads.pop(at)

    def _staff_read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, tuple(args)).fetchall()

    @contextmanager
    def _staff_write(self) -> Iterator[Sql]:
        cur = self.db.cursor()
        self._begin(cur)
        try:
            yield _Statements(cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    # -- writing ---------------------------------------------------------------------------

    def _begin(self, cur: sqlite3.Cursor) -> None:
        """Begin a write transaction, taking the database's write lock now (not at the first write)."""
        if self.read_only:
            raise ReadOnlyError(
                f"{self.path} is opened read-only (a node started with --read-only); "
                "write through a node that opens it for writing"
            )
        cur.execute("BEGIN IMMEDIATE")

    def add(
        self,
        records: Sequence[Record],
        *,
        collections: Sequence[Collection] = (),
        entities: Sequence[Entity] = (),
        agent: str = "fonds",
        note: str = "",
    ) -> AddResult:
        result = AddResult()
        at = utc_now()
        check_collections_and_entities(collections, entities)
        prepared = prepare_records(records)  # checked and serialized before taking the lock
        cur = self.db.cursor()
        self._begin(cur)
        try:
            sql = _Statements(cur)
            before = print_order.volume_map(sql) if collections else None
            cur.executemany(
                "INSERT INTO collections (id, title, parent, kind, details) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET title = excluded.title, parent = excluded.parent, "
                "kind = excluded.kind, details = excluded.details",
                [(c.id, c.title, c.parent, c.kind, collection_details(c)) for c in collections],
            )
            volumes = print_order.volume_map(sql)
            if before is not None:  # records the changed tree moved to another volume
                print_order.regroup(sql, before, volumes, print_order.sqlite_fields)
            self._put_entities(cur, entities)
            refuse_dangling(prepared, self._known_entities(cur, prepared))
            changed = self._add_records(cur, prepared, at, result, volumes)
            self._log_versions(_Statements(cur), changed, at, agent, note)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return result

    def _add_records(
        self, cur: sqlite3.Cursor, prepared: list[tuple[Record, str, str]], at: str, result: AddResult,
        volumes: dict[str, str],
    ) -> list[tuple[str, str]]:
        """Write the records whose content changed: a few statements for the whole batch.
        Returns (id, stored JSON text) of each change, for its version.

        A record may come twice in one batch; the later one is compared with the earlier."""
        known: dict[str, tuple[str | None, bool]] = {
            row[0]: (row[1], bool(row[2]))
            for row in _rows_for_ids(cur, "SELECT id, CASE WHEN json_valid(data) THEN hash END, is_deleted "
                                     "FROM records WHERE id IN ({})",  # a damaged row is written anew
                                     [record.id for record, _, _ in prepared])
        }
        existed = set(known)
        changed: list[tuple[Record, str, str]] = []
        for record, text, digest in prepared:
            before = known.get(record.id)
            if before is not None and before[0] == digest and not before[1]:
                result.unchanged += 1
                continue
            changed.append((record, text, digest))
            known[record.id] = (digest, False)
            if before is None:
                result.added += 1
            else:
                result.updated += 1
        if not changed:
            return []
        last = int(cur.execute("SELECT MAX(seq) FROM changes").fetchone()[0] or 0)
        cur.executemany(
            "INSERT INTO changes (record_id, op, at) VALUES (?, 'upsert', ?)", [(r.id, at) for r, _, _ in changed]
        )
        # The write lock is ours: the numbers above the last one are the changes just logged, in order.
        seqs = [row[0] for row in cur.execute("SELECT seq FROM changes WHERE seq > ? ORDER BY seq", (last,))]
        if len(seqs) != len(changed):
            raise StoreError(f"{self.path}: the change log gave {len(seqs)} numbers for {len(changed)} changes")
        cur.executemany(
            "INSERT INTO records (id, data, hash, seq, at, is_deleted) VALUES (?, ?, ?, ?, ?, 0) "
            "ON CONFLICT (id) DO UPDATE SET data = excluded.data, hash = excluded.hash, "
            "seq = excluded.seq, at = excluded.at, is_deleted = 0",
            [(record.id, text, digest, seq, at) for (record, text, digest), seq in zip(changed, seqs)],
        )
        latest = {record.id: record for record, _, _ in changed}  # a record's last version in the batch
        stale = [(record_id,) for record_id in latest if record_id in existed]
        cur.executemany("DELETE FROM record_collections WHERE record_id = ?", stale)
        cur.executemany("DELETE FROM record_entities WHERE record_id = ?", stale)
        cur.executemany(
            "INSERT OR IGNORE INTO record_collections VALUES (?, ?)",
            [(record_id, c) for record_id, record in latest.items() for c in record.collections],
        )
        cur.executemany(
            "INSERT OR IGNORE INTO record_entities VALUES (?, ?)",
            [(p.id, record_id) for record_id, record in latest.items() for p in record.persons],
        )
        print_order.drop_rows(_Statements(cur), [record_id for record_id, in stale])
        print_order.write_rows(_Statements(cur), print_order.record_rows(latest, volumes))
        return [(record.id, text) for record, text, _ in changed]

    def delete(self, record_id: str, *, agent: str = "fonds", reason: str = "") -> bool:
        cur = self.db.cursor()
        self._begin(cur)
        try:
            row = cur.execute("SELECT is_deleted, data FROM records WHERE id = ?", (record_id,)).fetchone()
            if row is None or row[0]:
                cur.execute("ROLLBACK")
                return False
            at = utc_now()
            self._log_deletion(_Statements(cur), record_id, row[1], at, agent, reason)
            cur.execute("INSERT INTO changes (record_id, op, at) VALUES (?, 'delete', ?)", (record_id, at))
            cur.execute(
                "UPDATE records SET is_deleted = 1, data = NULL, hash = NULL, seq = ?, at = ? WHERE id = ?",
                (cur.lastrowid, at, record_id),
            )
            # Its collection rows stay: a set harvest reports the deletion in its sets (OAI-PMH 2.0, 2.5.1).
            cur.execute("DELETE FROM record_entities WHERE record_id = ?", (record_id,))
            print_order.drop_rows(_Statements(cur), [record_id])
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return True

    def put_entities(self, entities: Iterable[Entity]) -> int:
        cur = self.db.cursor()
        self._begin(cur)
        try:
            changed = self._put_entities(cur, entities)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return changed

    def _known_entities(self, cur: sqlite3.Cursor, prepared: list[tuple[Record, str, str]]) -> set[str]:
        linked = [link.id for record, _, _ in prepared for link in record.persons]
        return {row[0] for row in _rows_for_ids(cur, "SELECT id FROM entities WHERE id IN ({})", linked)}

    def delete_entities(self, entity_ids: Iterable[str]) -> int:
        cur = self.db.cursor()
        self._begin(cur)
        try:
            removed = 0
            for entity_id in entity_ids:
                try:
                    removed += cur.execute("DELETE FROM entities WHERE id = ?", (entity_id,)).rowcount
                except sqlite3.IntegrityError:
                    raise StoreError(
                        f"{self.path}: records still link to authority entry {entity_id!r}; "
                        "relink them first (fonds repair)"
                    ) from None
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return removed

    def _put_entities(self, cur: sqlite3.Cursor, entities: Iterable[Entity]) -> int:
        prepared = [(entity, *content_json(entity.to_dict())) for entity in entities]
        check_collections_and_entities((), [entity for entity, _, _ in prepared])
        known: dict[str, str | None] = {
            row[0]: row[1]
            for row in _rows_for_ids(cur, "SELECT id, hash FROM entities WHERE id IN ({})",
                                     [entity.id for entity, _, _ in prepared])
        }
        rows = []
        for entity, text, digest in prepared:
            if known.get(entity.id) == digest:
                continue
            known[entity.id] = digest
            rows.append((entity.id, entity.kind, entity.preferred, text, digest))
        cur.executemany(
            "INSERT INTO entities VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "kind = excluded.kind, preferred = excluded.preferred, data = excluded.data, "
            "hash = excluded.hash",
            rows,
        )
        return len(rows)

    # -- reading ---------------------------------------------------------------------------

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

    def set_pending(self, task: str, state: str = "") -> None:
        self._write(
            "INSERT INTO pending_work VALUES (?, ?, ?) ON CONFLICT (task) DO UPDATE SET state = excluded.state",
            (task, state, utc_now()),
        )

    def clear_pending(self, task: str) -> None:
        self._write("DELETE FROM pending_work WHERE task = ?", (task,))

    def _write(self, sql: str, args: Sequence[Any]) -> None:
        cur = self.db.cursor()
        self._begin(cur)
        try:
            cur.execute(sql, args)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def stats(self) -> Stats:
        def one(sql: str) -> int:
            return int(self.db.execute(sql).fetchone()[0])

        return Stats(
            records=one("SELECT COUNT(*) FROM records WHERE is_deleted = 0"),
            persons=one("SELECT COUNT(*) FROM entities WHERE kind = 'person'"),
            collections=one("SELECT COUNT(*) FROM collections"),
            changes=one("SELECT COUNT(*) FROM changes"),
        )

    def reader(self) -> SQLiteStore:
        return SQLiteStore(self.path, read_only=True)

    def close(self) -> None:
        with self._guard:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
            self._threads.clear()
        self._local = threading.local()


def _rows_for_ids(cur: sqlite3.Cursor, query: str, ids: Sequence[str], chunk: int = 500) -> Iterator[tuple[Any, ...]]:
    """The rows of `query` (its `IN ({})` filled with placeholders) for the ids, `chunk` at a time."""
    unique = list(dict.fromkeys(ids))
    for first in range(0, len(unique), chunk):
        part = unique[first:first + chunk]
        yield from cur.execute(query.format(", ".join("?" * len(part))), part).fetchall()
