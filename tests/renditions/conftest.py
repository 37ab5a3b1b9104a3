"""Fixtures shared by the renditions tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A store holding the demo's Belovezha text record (sample-belovezha-1991), without renditions attached."""
    from fonds.ingest import ingest

    store = SQLiteStore(tmp_path / "fonds.db")
    ingest(store, [ROOT / "demo-data" / "belovezha-1991.txt"])
    yield store
    store.close()
