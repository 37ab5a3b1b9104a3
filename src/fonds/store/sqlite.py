"""The embedded store: one SQLite file in WAL mode.

Records are kept as their Record JSON beside a content hash; the change log is
a table whose integer primary key is the sequence number. A crash at any point
leaves the file with every committed transaction and nothing else.

The read path (the SELECTs, and decoding what they find) is `sqlite_reading.py`, which
this class inherits.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from fonds.authority import Entity
from fonds.errors import ReadOnlyError, StoreError
from fonds.collection import Collection
from fonds.record import Record
from fonds.store.base import (
    AddResult,
    check_collections_and_entities,
    collection_details,
    content_json,
    mark_authority_changed,
    prepare_records,
    refuse_dangling,
)
from fonds.store.curation import Sql
from fonds.store.rows import mend_damaged
from fonds.store import print_order
from fonds.store.sqlite_reading import SQLiteReading
from fonds.store.sqlite_schema import SCHEMA, Statements as _Statements, check_version, create_staff_tables, upgrade


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class SQLiteStore(SQLiteReading):
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
            for row in _rows_for_ids(cur, "SELECT id, hash, is_deleted FROM records WHERE id IN ({})",
                                     [record.id for record, _, _ in prepared])
        }
        mend_damaged(known, prepared, lambda ids: _rows_for_ids(cur, "SELECT id, data FROM records WHERE id IN ({})", ids))
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
            if removed:
                mark_authority_changed(_Statements(cur))
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
        if rows:
            mark_authority_changed(_Statements(cur))
        return len(rows)

    # -- pending work ------------------------------------------------------------------------

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
