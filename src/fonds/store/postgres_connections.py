"""Connecting to PostgreSQL, and the pool of connections the PostgreSQL store reads and writes through.

`connect` opens one autocommit connection (read-only on request) or raises a one-line
StoreError saying what to do, with any password masked; `describe` names the server a URL
points at. `Pool` lends up to `size` connections to one thread at a time, dropping those the
server closed while they sat idle. Used by `postgres.py` and `migrations.py`.
"""

from __future__ import annotations

import re
import select
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus

from fonds.config import mask_password
from fonds.errors import StoreError
from fonds.store.dialect import POSTGRES

POOL_SIZE = 10
POOL_WAIT_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 10

Connection = psycopg.Connection[tuple[Any, ...]]
Cursor = psycopg.Cursor[tuple[Any, ...]]


def describe(url: str) -> str:
    """`PostgreSQL at db.example.org:5432/fonds`: the server a URL names, without secrets."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return f"PostgreSQL at {mask_password(url)}"
    host = params.get("host") or "the local socket"
    port = params.get("port") or "5432"
    return f"PostgreSQL at {host}:{port}/{params.get('dbname') or params.get('user') or ''}"


def connect(url: str, *, read_only: bool = False) -> Connection:
    """One autocommit connection, or a one-line StoreError that says what to do.

    With `read_only`, every transaction of the connection is read-only
    (`default_transaction_read_only`), so the server itself refuses writes.
    """
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise StoreError(
            mask_password(
                f"{url} is not a PostgreSQL URL we can read ({first_line(error)}); "
                "write it as postgresql://user@host:port/database"
            )
        ) from None
    extra: dict[str, Any] = {"autocommit": True, "client_encoding": "UTF8"}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if "application_name" not in params:
        extra["application_name"] = "fonds"
    if read_only:
        extra["options"] = f"{params.get('options') or ''} -c default_transaction_read_only=on".strip()
    try:
        return psycopg.connect(url, **extra)
    except psycopg.OperationalError as error:
        raise StoreError(_connect_message(url, params, error)) from None


def _connect_message(url: str, params: dict[str, Any], error: Exception) -> str:
    reason = first_line(error).rsplit("failed: ", 1)[-1].strip()
    reason = re.sub(r"^FATAL:\s*", "", reason)
    where = describe(url)
    if "does not exist" in reason and "database" in reason:
        options = " ".join(
            f"-{flag} {params[key]}" for flag, key in (("h", "host"), ("p", "port"), ("U", "user")) if params.get(key)
        )
        todo = f"create it (createdb {options} {params.get('dbname', '')}) or fix --db"
    elif "password" in reason or "authentication" in reason:
        todo = "check the user and password in the database URL"
    else:
        todo = "check that the server is running and that the host and port in --db are right"
    return mask_password(f"cannot connect to {where}: {reason}; {todo}")


def in_recovery(conn: Connection) -> bool:
    """True on a hot standby: the server replays the primary's WAL and takes no writes."""
    row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    return bool(row and row[0])


def first_line(error: Exception) -> str:
    """The first line of a driver error's message (its type's name if it has none), for one-line errors."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _is_alive(conn: Connection) -> bool:
    """False for a connection the server closed while it sat idle (say, after a restart).

    An idle connection has nothing to read; if its socket is readable, the server has
    sent its goodbye or closed it. This costs no round trip.
    """
    if conn.closed or conn.broken:
        return False
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    return not readable


class Pool:
    """Up to `size` autocommit connections, lent to one thread at a time."""

    def __init__(self, url: str, size: int, *, read_only: bool = False) -> None:
        self.url = url
        self.size = size
        self.read_only = read_only
        self._idle: list[Connection] = []
        self._open = 0
        self._closed = False
        self._cond = threading.Condition()

    def add(self, conn: Connection) -> None:
        """Lend out `conn` (opened by the caller) as one of the pool's connections."""
        with self._cond:
            self._open += 1
        self._give(conn)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """An idle connection (or a new one while fewer than `size` are open), given back on exit;
        a StoreError if the pool was closed or all stayed busy for POOL_WAIT_SECONDS."""
        conn = self._take()
        try:
            yield conn
        finally:
            self._give(conn)

    def _take(self) -> Connection:
        deadline = time.monotonic() + POOL_WAIT_SECONDS
        with self._cond:
            while True:
                if self._closed:
                    raise StoreError(f"{describe(self.url)}: the store was closed; open it again")
                while self._idle:
                    conn = self._idle.pop()
                    if _is_alive(conn):
                        return conn
                    self._open -= 1
                    conn.close()
                if self._open < self.size:
                    self._open += 1
                    break
                if not self._cond.wait(deadline - time.monotonic()):
                    raise StoreError(
                        f"{describe(self.url)}: all {self.size} connections stayed busy for "
                        f"{POOL_WAIT_SECONDS:.0f} seconds; the server or a long write is stuck"
                    )
        try:
            return connect(self.url, read_only=self.read_only)
        except BaseException:
            with self._cond:
                self._open -= 1
                self._cond.notify()
            raise

    def _give(self, conn: Connection) -> None:
        reusable = (
            not conn.closed
            and not conn.broken
            and conn.info.transaction_status == TransactionStatus.IDLE
        )
        with self._cond:
            kept = reusable and not self._closed
            if kept:
                self._idle.append(conn)
            else:
                self._open -= 1
            self._cond.notify()
        if not kept:
            conn.close()

    def close(self) -> None:
        """Close the idle connections; those lent out are closed when given back."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._cond.notify_all()
        for conn in idle:
            conn.close()


class Statements:
    """The `Sql` of store/curation.py over one psycopg cursor (postgres.py, migrations.py): `?` placeholders
    become `%s` (store/dialect.py)."""

    def __init__(self, cur: Cursor) -> None:
        self.cur = cur

    def run(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cur.execute(POSTGRES.staff(sql), tuple(args))
        return self.cur.fetchall() if self.cur.description else []

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cur.executemany(POSTGRES.staff(sql), [tuple(row) for row in rows])
