"""Stores, chosen by the database URL: a path or sqlite:///PATH, or postgresql://..."""

from __future__ import annotations

from fonds.errors import ConfigError
from fonds.store.base import Store


def open_store(url: str, *, read_only: bool = False) -> Store:
    """Open the store a database URL names: `fonds.db`, `sqlite:///a.db` or `postgresql://...`.

    `read_only` opens it without migrating it and refuses every write with a
    `ReadOnlyError` (status 403): for nodes that serve a PostgreSQL hot standby.
    A PostgreSQL standby is detected and never migrated even without it.
    Raises ConfigError for an unknown URL, StoreError when the database can't be opened.
    """
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from fonds.store.postgres import PostgresStore
        except ImportError as error:
            raise ConfigError(
                f"PostgreSQL support is not installed ({error}); run: pip install 'fonds[postgres]'"
            ) from error
        return PostgresStore(url, read_only=read_only)
    from fonds.store.sqlite import SQLiteStore

    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///"):], read_only=read_only)
    if "://" in url:
        raise ConfigError(f"database URL {url!r} is neither a file, sqlite:///PATH nor postgresql://...")
    return SQLiteStore(url, read_only=read_only)
