"""The PostgreSQL schema, as a numbered list of migrations.

A database records every migration applied to it in `schema_version`. Opening
a store applies the missing ones (so a newer fonds opens an older database by
itself); `fonds migrate` does the same on purpose and says what it did. A
database whose version is newer than this fonds knows is refused, never
touched. Migrations run in one transaction under an advisory lock, so several
nodes opening the same database at once migrate it once.

To change the schema, append a Migration; never edit one that has shipped.
Text that is compared or ordered uses COLLATE "C": byte order, as in SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import psycopg

from fonds.config import mask_password
from fonds.errors import ConfigError, StoreError
from fonds.store import print_order
from fonds.store.curation import BACKFILL_VERSIONS, POSTGRES_TABLES, Sql
from fonds.store.proposals import POSTGRES_PROPOSALS


@dataclass(frozen=True)
class Migration:
    """One step of the schema: `sql` run, then `fill` (rows computed in Python), in the migration's transaction."""

    version: int
    description: str
    sql: str
    fill: Callable[[Sql], object] | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "records, change log and collections",
        """
        CREATE TABLE records (
            id TEXT COLLATE "C" PRIMARY KEY,
            data TEXT,
            hash TEXT,
            seq BIGINT NOT NULL,
            at TEXT COLLATE "C" NOT NULL,
            is_deleted BOOLEAN NOT NULL DEFAULT FALSE
        );
        CREATE INDEX records_seq ON records (seq);
        CREATE INDEX records_at ON records (at);
        CREATE TABLE changes (
            seq BIGSERIAL PRIMARY KEY,
            record_id TEXT COLLATE "C" NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
            at TEXT COLLATE "C" NOT NULL
        );
        CREATE TABLE collections (
            id TEXT COLLATE "C" PRIMARY KEY,
            title TEXT NOT NULL,
            parent TEXT COLLATE "C",
            kind TEXT NOT NULL
        );
        CREATE INDEX collections_parent ON collections (parent);
        CREATE TABLE record_collections (
            record_id TEXT COLLATE "C" NOT NULL,
            collection_id TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (collection_id, record_id)
        );
        CREATE INDEX record_collections_record ON record_collections (record_id);
        """,
    ),
    Migration(
        2,
        "authority entries and their links to records",
        """
        CREATE TABLE entities (
            id TEXT COLLATE "C" PRIMARY KEY,
            kind TEXT NOT NULL,
            preferred TEXT NOT NULL,
            data TEXT NOT NULL,
            hash TEXT
        );
        CREATE INDEX entities_kind ON entities (kind, id);
        CREATE TABLE record_entities (
            entity_id TEXT COLLATE "C" NOT NULL,
            record_id TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (entity_id, record_id)
        );
        CREATE INDEX record_entities_record ON record_entities (record_id);
        """,
    ),
    Migration(
        3,
        "collections keep their description (EAD did) and sibling order",
        "ALTER TABLE collections ADD COLUMN details TEXT;",
    ),
    Migration(
        4,
        "post-ingest work still to do; no person link to a missing authority entry",
        # NOT VALID: links an older fonds left dangling are reported by `fonds check` and mended
        # by `fonds repair`, not a reason to refuse the upgrade; every new link is checked.
        """
        CREATE TABLE pending_work (task TEXT COLLATE "C" PRIMARY KEY, state TEXT NOT NULL, since TEXT NOT NULL);
        ALTER TABLE record_entities ADD CONSTRAINT record_entities_entity
            FOREIGN KEY (entity_id) REFERENCES entities (id) NOT VALID;
        """,
    ),
    Migration(
        5,
        "staff: users, sessions, audit log, record versions, withdrawals, corrections, link decisions",
        POSTGRES_TABLES + ";\n" + BACKFILL_VERSIONS + ";",
    ),
    Migration(6, "staff: contributors' proposed edits", POSTGRES_PROPOSALS),
    Migration(
        7,
        "a FRUS volume's printed order (store/print_order.py), filled from the records",
        print_order.POSTGRES_TABLE,
        lambda sql: print_order.fill(sql, print_order.postgres_fields),
    ),
)

LATEST = MIGRATIONS[-1].version

# Taken while migrating, so that two nodes opening a database at once migrate it once.
MIGRATION_LOCK = 0x666F6E64736D  # "fondsm"


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """The highest migration applied to the database (0 for a database fonds never touched)."""
    row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def upgrade(conn: psycopg.Connection[Any], *, where: str, target: int = LATEST) -> tuple[int, int]:
    """Apply the migrations up to `target` in one transaction; returns (from, to) versions.

    `conn` must be in autocommit mode; `where` names the database in messages.
    """
    if not 0 <= target <= LATEST:
        raise ConfigError(f"schema version {target} does not exist; this fonds knows 1 to {LATEST}")
    found = schema_version(conn)
    refuse_newer(found, where)
    if found >= target:
        return found, found
    # A session lock, taken before the transaction begins: a transaction that began
    # before another node's migration committed could miss the tables it created.
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        with conn.transaction():
            found = schema_version(conn)  # another node may have migrated while we waited
            refuse_newer(found, where)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            for migration in MIGRATIONS:
                if found < migration.version <= target:
                    _apply(conn, migration, where)
    finally:
        if not conn.broken:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return found, max(found, target)


def require_latest(conn: psycopg.Connection[Any], *, where: str) -> None:
    """Check, without writing, that a database has this fonds' schema (for standbys and read-only nodes).

    Raises StoreError when the schema is older (migrate the primary) or newer (upgrade fonds).
    """
    found = schema_version(conn)
    refuse_newer(found, where)
    if found < LATEST:
        raise StoreError(
            f"{where}: database schema version {found} is older than this fonds ({LATEST}) and this "
            "connection is read-only; run `fonds migrate` against the primary, then start this node again"
        )


def refuse_newer(version: int, where: str) -> None:
    if version > LATEST:
        raise StoreError(
            f"{where}: database schema version {version} is newer than this fonds "
            f"understands ({LATEST}); upgrade fonds"
        )


def migrate(url: str, *, target: int | None = None) -> tuple[int, int]:
    """Bring the PostgreSQL database at `url` to the latest schema (or `target`).

    Returns (version before, version after); both equal when there was nothing to do.
    """
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"{mask_password(url)}: only PostgreSQL databases are migrated (postgresql://...); "
            "a SQLite file is brought up to date when fonds opens it"
        )
    from fonds.store.postgres_connections import connect, describe

    conn = connect(url)
    try:
        return upgrade(conn, where=describe(url), target=LATEST if target is None else target)
    finally:
        conn.close()


def _apply(conn: psycopg.Connection[Any], migration: Migration, where: str) -> None:
    try:
        conn.execute(migration.sql)
    except psycopg.errors.DuplicateTable as error:
        raise StoreError(
            f"{where}: migration {migration.version} ({migration.description}) found a table "
            f"fonds did not create ({error.diag.message_primary}); give fonds a database of its own"
        ) from error
    if migration.fill is not None:
        from fonds.store.postgres_connections import Statements

        migration.fill(Statements(conn.cursor()))
    conn.execute(
        "INSERT INTO schema_version (version, description) VALUES (%s, %s)",
        (migration.version, migration.description),
    )
