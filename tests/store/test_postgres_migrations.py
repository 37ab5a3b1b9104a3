"""The PostgreSQL schema is created, migrated and guarded by fonds."""

from __future__ import annotations

import json
import threading
from typing import Callable
from urllib.parse import urlsplit

import psycopg
import pytest

from fonds.authority import Entity
from fonds.errors import ConfigError, StoreError
from fonds.record import PersonLink, Record
from fonds.store import open_store
from fonds.store.migrations import LATEST, MIGRATIONS, migrate
from fonds.store.postgres import PostgresStore

pytestmark = pytest.mark.postgres

MakeRecord = Callable[..., Record]


def versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]


def test_migrate_creates_the_schema_once(postgres_url: str) -> None:
    assert migrate(postgres_url) == (0, LATEST)
    assert migrate(postgres_url) == (LATEST, LATEST)
    assert versions(postgres_url) == [m.version for m in MIGRATIONS]


def test_opening_an_older_database_migrates_it(postgres_url: str, make_record: MakeRecord) -> None:
    assert migrate(postgres_url, target=1) == (0, 1)
    with psycopg.connect(postgres_url) as conn:  # a record written by a fonds of schema 1
        conn.execute("INSERT INTO changes (record_id, op, at) VALUES ('old', 'upsert', '2020-01-01T00:00:00Z')")
        conn.execute(
            "INSERT INTO records (id, data, hash, seq, at) VALUES ('old', %s, 'x', 1, '2020-01-01T00:00:00Z')",
            (json.dumps(make_record("old").to_dict()),),
        )

    with open_store(postgres_url) as store:
        assert versions(postgres_url) == list(range(1, LATEST + 1))
        assert store.get("old") == make_record("old")
        assert store.changes_since(0)[0].record_id == "old"
        assert store.put_entities([]) == 0
        kim = PersonLink(id="kim-il-sung", name="Kim Il Sung")
        store.add([make_record("new", persons=(kim,))], entities=[Entity(id="kim-il-sung", preferred="Kim Il Sung")])
        assert [r.id for r in store.records_of_entity("kim-il-sung")] == ["new"]


def test_links_an_older_fonds_left_dangling_do_not_stop_the_upgrade(postgres_url: str) -> None:
    assert migrate(postgres_url, target=3) == (0, 3)
    with psycopg.connect(postgres_url) as conn:
        conn.execute("INSERT INTO record_entities VALUES ('frus:v1#p_GONE', 'old')")
    with open_store(postgres_url) as store:
        assert store.dangling_links() == [("old", "frus:v1#p_GONE")]


def test_a_newer_database_is_refused_and_left_alone(postgres_url: str) -> None:
    migrate(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        conn.execute("INSERT INTO schema_version (version, description) VALUES (%s, 'from the future')", (LATEST + 1,))
    parts = urlsplit(postgres_url)
    message = (
        f"PostgreSQL at {parts.hostname}:{parts.port}{parts.path}: database schema version {LATEST + 1} "
        f"is newer than this fonds understands ({LATEST}); upgrade fonds"
    )
    with pytest.raises(StoreError) as raised:
        PostgresStore(postgres_url)
    assert str(raised.value) == message
    with pytest.raises(StoreError) as raised:
        migrate(postgres_url)
    assert str(raised.value) == message
    assert versions(postgres_url) == list(range(1, LATEST + 2))


def test_nodes_opening_a_new_database_at_once_migrate_it_once(postgres_url: str) -> None:
    errors: list[str] = []

    def open_and_close() -> None:
        try:
            PostgresStore(postgres_url).close()
        except Exception as error:  # reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=open_and_close) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert versions(postgres_url) == list(range(1, LATEST + 1))


def test_a_database_holding_other_tables_is_not_taken_over(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE records (something INTEGER)")
    with pytest.raises(StoreError, match=r"migration 1 \(records, change log and collections\) found a table"):
        PostgresStore(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('changes')").fetchone() == (None,)


def test_only_postgresql_databases_are_migrated() -> None:
    with pytest.raises(ConfigError) as raised:
        migrate("sqlite:///archive.db")
    assert str(raised.value) == (
        "sqlite:///archive.db: only PostgreSQL databases are migrated (postgresql://...); "
        "a SQLite file is brought up to date when fonds opens it"
    )


def test_an_unknown_target_version_is_refused(postgres_url: str) -> None:
    with pytest.raises(ConfigError, match=f"schema version 99 does not exist; this fonds knows 1 to {LATEST}"):
        migrate(postgres_url, target=99)
