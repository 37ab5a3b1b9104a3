"""What only the PostgreSQL store does (postgres_connections.py): connections, passwords, a pool shared by threads."""

from __future__ import annotations

import time
from typing import Callable
from urllib.parse import urlsplit

import psycopg
import pytest

from fonds.errors import StoreError
from fonds.record import Record
from fonds.store import open_store
from fonds.store.postgres import PostgresStore

MakeRecord = Callable[..., Record]


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{parts.username}:{password}@{parts.hostname}:{parts.port}").geturl()


def test_a_server_that_is_not_there_gives_one_line_that_names_it() -> None:
    with pytest.raises(StoreError) as raised:
        open_store("postgresql://fonds:s3cret@127.0.0.1:1/archive")
    assert str(raised.value) == (
        "cannot connect to PostgreSQL at 127.0.0.1:1/archive: Connection refused; "
        "check that the server is running and that the host and port in --db are right"
    )
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_an_unreadable_url_says_how_to_write_one() -> None:
    with pytest.raises(StoreError) as raised:
        PostgresStore("postgresql://fonds:s3cret@[::1/archive")
    assert str(raised.value) == (
        'postgresql://fonds:***@[::1/archive is not a PostgreSQL URL we can read (end of string reached '
        'when looking for matching "]" in IPv6 host address in URI: "postgresql://fonds:***@[::1/archive"); '
        "write it as postgresql://user@host:port/database"
    )


def test_a_bad_port_is_named() -> None:
    with pytest.raises(StoreError) as raised:
        PostgresStore("postgresql://fonds:s3cret@127.0.0.1:notaport/archive")
    assert str(raised.value) == (
        "cannot connect to PostgreSQL at 127.0.0.1:notaport/archive: connection is bad: "
        'invalid integer value "notaport" for connection option "port"; '
        "check that the server is running and that the host and port in --db are right"
    )


@pytest.mark.postgres
def test_a_missing_database_says_how_to_create_it(postgres_server: str) -> None:
    parts = urlsplit(postgres_server)
    with pytest.raises(StoreError) as raised:
        open_store(parts._replace(path="/no_such_archive").geturl())
    assert str(raised.value) == (
        f'cannot connect to PostgreSQL at {parts.hostname}:{parts.port}/no_such_archive: '
        f'database "no_such_archive" does not exist; create it '
        f"(createdb -h {parts.hostname} -p {parts.port} -U {parts.username} no_such_archive) or fix --db"
    )


@pytest.mark.postgres
def test_the_password_never_shows(postgres_url: str) -> None:
    with open_store(with_password(postgres_url, "s3cret")) as store:  # the test server trusts loopback
        assert "s3cret" not in repr(store) and "s3cret" not in store.url
        assert repr(store) == f"PostgresStore({with_password(postgres_url, '***')!r})"


@pytest.mark.postgres
def test_a_closed_store_says_so(postgres_url: str) -> None:
    store = open_store(postgres_url)
    store.close()
    with pytest.raises(StoreError, match="the store was closed; open it again"):
        store.last_seq()


@pytest.mark.postgres
def test_connections_the_server_dropped_are_replaced(postgres_url: str, make_record: MakeRecord) -> None:
    with open_store(postgres_url) as store:
        store.add([make_record("a")])
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        time.sleep(0.2)
        assert store.get("a") == make_record("a")
        assert store.add([make_record("b")]).added == 1
