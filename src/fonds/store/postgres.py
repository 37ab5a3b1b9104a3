"""The institution's store: PostgreSQL through psycopg 3.

Tables mirror the SQLite store (records kept as their Record JSON text beside a
content hash, a change log whose BIGSERIAL is the sequence number), so both
backends behave the same and pass one test module. The schema comes from
`migrations.py`; opening a store creates or migrates it.

Every write (`add`, `delete`, `put_entities`) is one transaction that first
takes a transaction-level advisory lock, so writers from every node take turns.
That makes sequence order commit order: a node following the change log never
skips a change that commits after it has read past its number. Timestamps come
from the server's clock, taken after the lock, so they grow with the sequence.

Connections are in autocommit mode and kept in a small pool
(`postgres_connections.py`): a thread reading never shares a transaction with a
thread writing.

The read path (the SELECTs, and decoding what they find) is `postgres_reading.py`,
which this class inherits.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence

import psycopg

from fonds.authority import Entity
from fonds.config import mask_password
from fonds.errors import BadRequest, ReadOnlyError, StoreError
from fonds.collection import Collection
from fonds.record import Record
from fonds.store import migrations
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
from fonds.store.postgres_reading import PostgresReading
from fonds.store.postgres_connections import POOL_SIZE, Pool, Statements as _Statements, connect, describe, first_line, in_recovery

# Held by every writing transaction; the key spells "fonds".
WRITE_LOCK = 0x666F6E6473

Cursor = psycopg.Cursor[tuple[Any, ...]]

NOW = """to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""

UPSERT_RECORD = """
WITH change AS (
    INSERT INTO changes (record_id, op, at) VALUES (%(id)s, 'upsert', %(at)s) RETURNING seq
)
INSERT INTO records (id, data, hash, seq, at, is_deleted)
SELECT %(id)s, %(data)s, %(hash)s, change.seq, %(at)s, FALSE FROM change
ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, hash = EXCLUDED.hash,
    seq = EXCLUDED.seq, at = EXCLUDED.at, is_deleted = FALSE
"""

MARK_DELETED = """
WITH change AS (
    INSERT INTO changes (record_id, op, at) VALUES (%(id)s, 'delete', %(at)s) RETURNING seq
)
UPDATE records SET is_deleted = TRUE, data = NULL, hash = NULL, seq = change.seq, at = %(at)s
FROM change WHERE records.id = %(id)s
"""


class PostgresStore(PostgresReading):
    """A store in a PostgreSQL database. `url` is the masked URL: it never shows a password."""

    thread_safe = True

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE, read_only: bool = False) -> None:
        self.url = mask_password(url)
        self.where = describe(url)
        self.read_only = read_only
        conn = connect(url, read_only=read_only)
        try:
            if read_only or in_recovery(conn):
                # A standby (or a node told to only read) never migrates: the primary does.
                migrations.require_latest(conn, where=self.where)
            else:
                migrations.upgrade(conn, where=self.where)
        except BaseException:
            conn.close()
            raise
        self._pool = Pool(url, pool_size, read_only=read_only)
        self._pool.add(conn)

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r})"

    # -- connections -------------------------------------------------------------------------

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except psycopg.errors.ReadOnlySqlTransaction as error:
            raise self._read_only_error() from error
        except psycopg.DataError as error:
            if "NUL" not in str(error):
                raise
            # psycopg refuses, before sending, a text parameter holding U+0000, which PostgreSQL's
            # text cannot hold: an id or a note typed with one is the user's mistake, never a 500
            raise BadRequest("the text given holds a NUL character (U+0000), which the archive cannot store "
                             "or look up; remove it") from None
        except psycopg.OperationalError as error:
            raise StoreError(
                mask_password(f"{self.where}: {first_line(error)}; check that the server is running")
            ) from error

    def _read(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._translated(), self._pool.connection() as conn:
            return conn.execute(query, args).fetchall()

    def _read_only_error(self) -> ReadOnlyError:
        return ReadOnlyError(
            f"{self.where} is read-only (a hot standby, or a node started with --read-only); "
            "write through a node on the primary database"
        )

    @contextmanager
    def _writing(self) -> Iterator[tuple[Cursor, str]]:
        """One transaction holding the write lock; yields a cursor and the server's UTC time."""
        if self.read_only:
            raise self._read_only_error()
        with self._translated(), self._pool.connection() as conn, conn.transaction():
            cur = conn.cursor()
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            row = cur.execute(f"SELECT {NOW}").fetchone()
            assert row is not None
            yield cur, str(row[0])

    @contextmanager
    def _staff_write(self) -> Iterator[Sql]:
        with self._writing() as (cur, _):
            yield _Statements(cur)

    # -- writing -----------------------------------------------------------------------------

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
        check_collections_and_entities(collections, entities)
        prepared = prepare_records(records)  # checked and serialized before taking the lock
        with self._writing() as (cur, at):
            sql = _Statements(cur)
            before = print_order.volume_map(sql) if collections else None
            if collections:
                cur.executemany(
                    "INSERT INTO collections (id, title, parent, kind, details) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, "
                    "parent = EXCLUDED.parent, kind = EXCLUDED.kind, details = EXCLUDED.details",
                    [(c.id, c.title, c.parent, c.kind, collection_details(c)) for c in collections],
                )
            volumes = print_order.volume_map(sql)
            if before is not None:  # records the changed tree moved to another volume
                print_order.regroup(sql, before, volumes, print_order.postgres_fields)
            self._put_entities(cur, entities)
            linked = list({link.id for record, _, _ in prepared for link in record.persons})
            known = {row[0] for row in cur.execute("SELECT id FROM entities WHERE id = ANY(%s)", (linked,))}
            refuse_dangling(prepared, known)
            changed = self._add_records(cur, prepared, at, result, volumes)
            self._log_versions(_Statements(cur), changed, at, agent, note)
        return result

    @staticmethod
    def _add_records(
        cur: Cursor, prepared: list[tuple[Record, str, str]], at: str, result: AddResult, volumes: dict[str, str]
    ) -> list[tuple[str, str]]:
        """Write the records whose content changed: a few statements for the whole batch.
        Returns (id, stored JSON text) of each change, for its version.

        A record may come twice in one batch; the later one is compared with the earlier."""
        known: dict[str, tuple[str | None, bool]] = {
            row[0]: (row[1], row[2])
            for row in cur.execute(
                "SELECT id, hash, is_deleted FROM records WHERE id = ANY(%s)",
                ([record.id for record, _, _ in prepared],),
            )
        }
        mend_damaged(known, prepared, lambda ids: cur.execute("SELECT id, data FROM records WHERE id = ANY(%s)", (ids,)))
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
        cur.executemany(
            UPSERT_RECORD,
            [{"id": record.id, "data": text, "hash": digest, "at": at} for record, text, digest in changed],
        )
        latest = {record.id: record for record, _, _ in changed}  # a record's last version in the batch
        stale = [record_id for record_id in latest if record_id in existed]
        if stale:
            cur.execute("DELETE FROM record_collections WHERE record_id = ANY(%s)", (stale,))
            cur.execute("DELETE FROM record_entities WHERE record_id = ANY(%s)", (stale,))
        in_collections = [(record_id, c) for record_id, record in latest.items() for c in record.collections]
        if in_collections:
            cur.execute(
                "INSERT INTO record_collections (record_id, collection_id) "
                "SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                ([pair[0] for pair in in_collections], [pair[1] for pair in in_collections]),
            )
        naming = [(p.id, record_id) for record_id, record in latest.items() for p in record.persons]
        if naming:
            cur.execute(
                "INSERT INTO record_entities (entity_id, record_id) "
                "SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                ([pair[0] for pair in naming], [pair[1] for pair in naming]),
            )
        if stale:
            cur.execute("DELETE FROM print_order WHERE record_id = ANY(%s)", (stale,))
        print_order.write_rows(_Statements(cur), print_order.record_rows(latest, volumes))
        return [(record.id, text) for record, text, _ in changed]

    @staticmethod
    def _unlink(cur: Cursor, record_id: str) -> None:
        # Its collection rows stay: a set harvest reports the deletion in its sets (OAI-PMH 2.0, 2.5.1).
        cur.execute("DELETE FROM record_entities WHERE record_id = %s", (record_id,))
        cur.execute("DELETE FROM print_order WHERE record_id = %s", (record_id,))

    def delete(self, record_id: str, *, agent: str = "fonds", reason: str = "") -> bool:
        with self._writing() as (cur, at):
            row = cur.execute("SELECT is_deleted, data FROM records WHERE id = %s", (record_id,)).fetchone()
            if row is None or row[0]:
                return False
            self._log_deletion(_Statements(cur), record_id, row[1], at, agent, reason)
            cur.execute(MARK_DELETED, {"id": record_id, "at": at})
            self._unlink(cur, record_id)
        return True

    def put_entities(self, entities: Iterable[Entity]) -> int:
        with self._writing() as (cur, _):
            return self._put_entities(cur, entities)

    def delete_entities(self, entity_ids: Iterable[str]) -> int:
        with self._writing() as (cur, _):
            removed = 0
            for entity_id in entity_ids:
                try:
                    with cur.connection.transaction():
                        removed += cur.execute("DELETE FROM entities WHERE id = %s", (entity_id,)).rowcount
                except psycopg.errors.ForeignKeyViolation:
                    raise StoreError(
                        f"{self.where}: records still link to authority entry {entity_id!r}; "
                        "relink them first (fonds repair)"
                    ) from None
            if removed:
                mark_authority_changed(_Statements(cur))
            return removed

    def _put_entities(self, cur: Cursor, entities: Iterable[Entity]) -> int:
        prepared = [(entity, *content_json(entity.to_dict())) for entity in entities]
        check_collections_and_entities((), [entity for entity, _, _ in prepared])
        if not prepared:
            return 0
        known: dict[str, str | None] = {
            row[0]: row[1]
            for row in cur.execute(
                "SELECT id, hash FROM entities WHERE id = ANY(%s)", ([entity.id for entity, _, _ in prepared],)
            )
        }
        rows = []
        for entity, text, digest in prepared:
            if known.get(entity.id) == digest:
                continue
            known[entity.id] = digest
            rows.append((entity.id, entity.kind, entity.preferred, text, digest))
        if rows:
            cur.executemany(
                "INSERT INTO entities (id, kind, preferred, data, hash) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, "
                "preferred = EXCLUDED.preferred, data = EXCLUDED.data, hash = EXCLUDED.hash",
                rows,
            )
            mark_authority_changed(_Statements(cur))
        return len(rows)

    # -- pending work ------------------------------------------------------------------------

    def set_pending(self, task: str, state: str = "") -> None:
        with self._writing() as (cur, at):
            cur.execute(
                "INSERT INTO pending_work VALUES (%s, %s, %s) ON CONFLICT (task) DO UPDATE SET state = EXCLUDED.state",
                (task, state, at),
            )

    def clear_pending(self, task: str) -> None:
        with self._writing() as (cur, _):
            cur.execute("DELETE FROM pending_work WHERE task = %s", (task,))


    def reader(self) -> PostgresStore:
        return PostgresStore(self._pool.url, pool_size=1, read_only=True)

    def close(self) -> None:
        self._pool.close()
