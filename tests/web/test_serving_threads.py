"""What a serving process holds per thread: at most VIEW_THREADS view threads, and no SQLite
connection left open by a thread that has ended."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest

from fonds.index import Index
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import VIEW_THREADS, create_app


def test_views_run_in_at_most_view_threads(shelf_store: SQLiteStore, shelf_settings: Any) -> None:
    app = create_app(shelf_store, shelf_settings, Index(shelf_settings.index_path))

    async def run() -> tuple[float, float, int]:
        before = anyio.to_thread.current_default_thread_limiter().total_tokens
        async with app.router.lifespan_context(app):  # what uvicorn runs at start
            after = anyio.to_thread.current_default_thread_limiter().total_tokens
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                status = (await client.get("/records/shelf-1")).status_code
        return before, after, status

    before, after, status = asyncio.run(run())
    assert (before, after, status) == (40, VIEW_THREADS, 200)


def test_connections_of_ended_threads_are_closed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "fonds.db")
    opened: list[sqlite3.Connection] = []

    def read() -> None:
        store.stats()
        opened.append(store.db)  # this thread's connection

    try:
        for _ in range(3):  # a server's idle worker threads end and new ones start
            threads = [threading.Thread(target=read) for _ in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        last = threading.Thread(target=read)  # its new connection closes the ended threads' ones
        last.start()
        last.join()
        assert len(opened) == 31 and len(set(map(id, opened))) == 31
        for connection in opened[:-1]:
            with pytest.raises(sqlite3.ProgrammingError, match="closed"):
                connection.execute("SELECT 1")
        assert opened[-1].execute("SELECT 1").fetchone() == (1,)
        assert store.stats().records == 0  # the store itself still reads
    finally:
        store.close()
