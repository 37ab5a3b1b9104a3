"""The store a benchmark writes to: an SQLite file in the work folder, or a PostgreSQL database
(`--db postgresql://user@host:port/name`), made empty, copied and dropped the same way."""

from __future__ import annotations

import re
import shutil
from pathlib import Path


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def _server(url: str) -> tuple[str, str]:
    """(URL of the server's `postgres` database, the database name `url` names)."""
    match = re.match(r"^(postgres(?:ql)?://[^/]*)/([^?]+)", url)
    if not match:
        raise SystemExit(f"bench: --db {url!r}: give a database name, postgresql://user@host:port/NAME")
    return f"{match.group(1)}/postgres", match.group(2)


def _admin(url: str, *statements: str) -> None:
    import psycopg

    server, _ = _server(url)
    with psycopg.connect(server, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def renamed(url: str, suffix: str) -> str:
    """The URL of a sibling database: PostgreSQL `NAME_suffix`, SQLite `NAME-suffix.db` beside it."""
    if is_postgres(url):
        _, name = _server(url)
        return url.replace(f"/{name}", f"/{name}_{suffix}", 1)
    path = Path(url)
    return str(path.with_name(f"{path.stem}-{suffix}{path.suffix}"))


def fresh(url: str) -> str:
    """Make the store empty (drop and create the database, or delete the file); returns `url`."""
    if is_postgres(url):
        _, name = _server(url)
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url}{suffix}").unlink(missing_ok=True)
    return url


def copy(url: str, to: str) -> str:
    """A copy of the store at `to` (PostgreSQL: CREATE DATABASE ... TEMPLATE; SQLite: the files)."""
    if is_postgres(url):
        _, name = _server(url)
        _, target = _server(to)
        _admin(url, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)',
               f'CREATE DATABASE "{target}" TEMPLATE "{name}"')
        return to
    fresh(to)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{url}{suffix}")
        if source.exists():
            shutil.copy2(source, f"{to}{suffix}")
    return to


def drop(url: str) -> None:
    if is_postgres(url):
        _, name = _server(url)
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        fresh(url)
