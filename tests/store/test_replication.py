"""PostgreSQL streaming replication: ingest on the primary, read through nodes on a hot standby.

`.ci/run` starts a primary (`.ci/start-postgres`) and a hot standby of it made with
`pg_basebackup -R` (`.ci/start-standby`, which sets FONDS_TEST_POSTGRES_STANDBY). Each
test's database is created on the primary and reaches the standby by replication.
A `fonds serve --read-only` node on the standby keeps its own index by following the
change log it reads there; writes through the standby or a read-only store are refused
with one clear line.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from test_two_nodes import Node, eventually, finds, run_fonds, write_record

from fonds.errors import ReadOnlyError
from fonds.store import open_store
from fonds.store.sqlite import SQLiteStore

STANDBY_VARIABLE = "FONDS_TEST_POSTGRES_STANDBY"
REPLAY_SECONDS = 30.0


@pytest.fixture(scope="session")
def standby_server() -> str:
    url = os.environ.get(STANDBY_VARIABLE, "")
    if not url:
        pytest.fail(
            f"{STANDBY_VARIABLE} is not set: the replication tests need a hot standby. Run "
            "`source .ci/start-postgres && source .ci/start-standby`, or set FONDS_TEST_POSTGRES=off",
            pytrace=False,
        )
    return url


def _standby_has_schema(url: str) -> bool:
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
            return bool(row and row[0])
    except psycopg.OperationalError:  # the database has not been replayed yet
        return False


@pytest.fixture
def replicated(postgres_url: str, standby_server: str) -> Iterator[tuple[str, str]]:
    """(primary URL, standby URL) of one fresh database, migrated on the primary and replayed on the standby."""
    open_store(postgres_url).close()  # creates the schema on the primary
    name = urlsplit(postgres_url).path
    standby_url = urlsplit(standby_server)._replace(path=name).geturl()
    deadline = time.monotonic() + REPLAY_SECONDS
    while not _standby_has_schema(standby_url):
        if time.monotonic() > deadline:
            pytest.fail(f"the standby did not replay database {name} within {REPLAY_SECONDS:.0f} s")
        time.sleep(0.2)
    yield postgres_url, standby_url


@pytest.mark.postgres
def test_a_record_ingested_on_the_primary_is_found_through_a_node_on_the_standby(
    replicated: tuple[str, str], tmp_path: Path
) -> None:
    primary, standby = replicated
    node = Node("standby", standby, tmp_path / "node", "--read-only")
    try:
        node.wait_until_serving()
        assert node.search_ids("wombat") == []
        path = write_record(tmp_path, 920001, "wombat")
        done = run_fonds("--db", primary, "--index", str(tmp_path / "primary-index"), "ingest", str(path), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        eventually((node,), finds("wcda-920001", "wombat"), "the standby node finds wcda-920001")
        status, body = node.get("/records/wcda-920001.json")
        assert status == 200 and body["title"] == "Memorandum on the Wombat"
        assert node.process.poll() is None, node.output()
        assert "read-only" in node.output()
    finally:
        node.stop()


@pytest.mark.postgres
def test_a_write_against_the_standby_is_refused_with_one_clear_line(replicated: tuple[str, str], tmp_path: Path) -> None:
    _primary, standby = replicated
    path = write_record(tmp_path, 920002, "okapi")
    done = run_fonds("--db", standby, "--index", str(tmp_path / "index"), "ingest", str(path), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "read-only" in done.stderr and "primary" in done.stderr
    # Reading through the standby works, and the refused write left nothing behind.
    stats = run_fonds("--db", standby, "--index", str(tmp_path / "index"), "stats", "--json", cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    assert '"records": 0' in stats.stdout


@pytest.mark.postgres
def test_a_store_opened_read_only_refuses_writes_on_the_primary_too(replicated: tuple[str, str]) -> None:
    primary, _standby = replicated
    with open_store(primary, read_only=True) as store:
        with pytest.raises(ReadOnlyError, match="read-only"):
            store.delete("wcda-1")
        assert store.stats().records == 0


def test_a_read_only_sqlite_store_refuses_writes_and_needs_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    SQLiteStore(path).close()
    before = path.read_bytes()
    with SQLiteStore(path, read_only=True) as store:
        with pytest.raises(ReadOnlyError, match="--read-only"):
            store.put_entities([])
        assert store.stats().records == 0
    assert path.read_bytes() == before
    with pytest.raises(Exception, match="no such database"):
        SQLiteStore(tmp_path / "missing.db", read_only=True)
