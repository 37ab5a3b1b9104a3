"""Dates in search: sorting uses the time of day, open dates reach to the end of the archive's span."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fonds.dates import parse_date
from fonds.index import Index
from fonds.query import parse
from fonds.record import Record
from fonds.store.sqlite import SQLiteStore

DATES = {
    "t-evening": "January 23, 1968, 2121Z",
    "t-morning": "January 23, 1968, 0915Z",
    "t-day": "January 23, 1968",
    "t-before": "January 22, 1968, 2359Z",
    "after-1962": "after 1962",
    "before-1950": "before 1950",
    "c-1962": "c. 1962",
}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    store = SQLiteStore(tmp_path / "fonds.db")
    store.add([Record(id=key, title=f"Telegram {key}", date=parse_date(text)) for key, text in DATES.items()])
    found = Index(tmp_path / "fonds.db.index")
    found.update(store)
    yield found
    store.close()


def ids(index: Index, text: str, **options: object) -> list[str]:
    return [hit.id for hit in index.search(parse(text) if text else None, **options).hits]  # type: ignore[arg-type]


def test_sorting_by_date_uses_the_time_of_day(index: Index) -> None:
    order = ["after-1962", "t-before", "t-day", "t-morning", "t-evening"]  # an open date sorts by its known side
    assert ids(index, "date:1968-01-22..1968-01-23", sort="date") == order
    assert ids(index, "date:1968-01-22..1968-01-23", sort="-date") == order[::-1]


def test_open_dates_reach_the_end_of_the_archive_span(index: Index) -> None:
    assert "after-1962" in ids(index, "date:1990")
    assert "after-1962" not in ids(index, "date:1955")
    assert "before-1950" in ids(index, "date:1900")
    assert "before-1950" not in ids(index, "date:1962")
    assert set(ids(index, "date:1961")) == {"c-1962"}
