"""Stores, chosen by the database URL: a path or sqlite:///PATH, or postgresql://..."""

from __future__ import annotations

from fonds.errors import ConfigError
from fonds.store.base import Store


def open_store(url: str) -> Store:
    """Open the store a database URL names: `fonds.db`, `sqlite:///a.db` or `postgresql://...`."""
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from fonds.store.postgres import PostgresStore
        except ImportError as error:
            raise ConfigError(
                f"PostgreSQL support is not installed ({error}); run: pip install 'fonds[postgres]'"
            ) from error
        return PostgresStore(url)
    from fonds.store.sqlite import SQLiteStore

    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///"):])
    if "://" in url:
        raise ConfigError(f"database URL {url!r} is neither a file, sqlite:///PATH nor postgresql://...")
    return SQLiteStore(url)
