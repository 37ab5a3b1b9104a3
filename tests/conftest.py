"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared sample archives, beside the checkout (../shared/corpus)."""
    path = ROOT.parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.fail(f"the shared corpus is missing: expected it at {path}")
    return path


@pytest.fixture(scope="session")
def schemas() -> Path:
    path = ROOT.parent / "shared" / "schemas"
    if not path.is_dir():
        pytest.fail(f"the shared schemas are missing: expected them at {path}")
    return path


@pytest.fixture
def data() -> Path:
    """Small inputs we wrote ourselves, one per kind of trouble."""
    return DATA


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "fonds.db")
    yield store
    store.close()
