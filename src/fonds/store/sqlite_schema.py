"""The SQLite store's schema: its tables, the schema version a file records, and upgrades.

`SCHEMA` creates every table (idempotently) a new file needs; `check_version` refuses a file
this fonds cannot read; `upgrade` brings a file written by an older fonds up to
`SCHEMA_VERSION` (adding columns, and filling a FRUS volume's print order: store/print_order.py);
`create_staff_tables` adds the staff tables
(`curation.py`, `proposals.py`). The PostgreSQL store's counterpart is `migrations.py`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Sequence

from fonds.errors import StoreError
from fonds.store import print_order
from fonds.store.curation import BACKFILL_VERSIONS, SQLITE_TABLES
from fonds.store.proposals import SQLITE_PROPOSALS

SCHEMA_VERSION = 4
# 2: collections.details (EAD description and sibling order); 3: pending_work, no dangling links;
# 4: print_order (a FRUS volume's printed order, filled from the records)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    data TEXT,
    hash TEXT,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS records_seq ON records (seq);
CREATE INDEX IF NOT EXISTS records_at ON records (at);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    op TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS record_collections (
    record_id TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    PRIMARY KEY (collection_id, record_id)
);
CREATE INDEX IF NOT EXISTS record_collections_record ON record_collections (record_id);
CREATE TABLE IF NOT EXISTS collections (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, parent TEXT, kind TEXT NOT NULL, details TEXT
);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, preferred TEXT NOT NULL, data TEXT NOT NULL, hash TEXT
);
CREATE TABLE IF NOT EXISTS record_entities (
    entity_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (entity_id, record_id)
);
CREATE INDEX IF NOT EXISTS record_entities_record ON record_entities (record_id);
CREATE TABLE IF NOT EXISTS pending_work (task TEXT PRIMARY KEY, state TEXT NOT NULL, since TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS record_entities_known BEFORE INSERT ON record_entities
WHEN NOT EXISTS (SELECT 1 FROM entities WHERE id = NEW.entity_id)
BEGIN SELECT RAISE(ABORT, 'a person link to an authority entry the store does not hold'); END;
CREATE TRIGGER IF NOT EXISTS entities_in_use BEFORE DELETE ON entities
WHEN EXISTS (SELECT 1 FROM record_entities WHERE entity_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'records still link to this authority entry'); END;
""" + print_order.SQLITE_TABLE


def check_version(db: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
    """Note SCHEMA_VERSION in a new file's `meta`; raise StoreError for a file newer than this fonds,
    or older than it when opened read-only (which cannot upgrade it)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if read_only and (row is None or int(row[0]) < SCHEMA_VERSION):
        raise StoreError(
            f"{path}: database schema version {row[0] if row else 'unknown'} is older than this "
            f"fonds ({SCHEMA_VERSION}) and it is opened read-only; open it once without --read-only to upgrade it"
        )
    if row is None:
        db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
    elif int(row[0]) > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: database schema version {row[0]} is newer than this fonds "
            f"understands ({SCHEMA_VERSION}); upgrade fonds"
        )


def create_staff_tables(db: sqlite3.Connection) -> None:
    """The staff tables (store/curation.py, store/proposals.py); records stored before versions existed get version 1."""
    had = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'record_versions'").fetchone()
    db.executescript(SQLITE_TABLES)
    db.executescript(SQLITE_PROPOSALS)  # a file from before proposals gains the table here
    if had is None:
        db.execute(BACKFILL_VERSIONS)


def upgrade(db: sqlite3.Connection) -> None:
    """Bring a file written by an older fonds up to SCHEMA_VERSION: adds columns, and fills the print
    order of the volumes it holds (version 4), in one transaction."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(collections)")}
    if "details" not in columns:
        db.execute("ALTER TABLE collections ADD COLUMN details TEXT")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or int(row[0]) >= SCHEMA_VERSION:
        return
    cur = db.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()  # another process may have upgraded it
        if int(row[0]) < 4:
            statements = Statements(cur)
            cur.execute("DELETE FROM print_order")
            print_order.fill(statements, print_order.sqlite_fields)
        cur.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
            (str(SCHEMA_VERSION), SCHEMA_VERSION),
        )
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise


class Statements:
    """The `Sql` of store/curation.py over one SQLite cursor (store/sqlite.py's writes use it too)."""

    def __init__(self, cur: sqlite3.Cursor) -> None:
        self.cur = cur

    def run(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.cur.execute(sql, tuple(args)).fetchall()

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.cur.executemany(sql, [tuple(row) for row in rows])
