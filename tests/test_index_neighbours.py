"""`Index.neighbours` in date order: the records around one, as the whole search orders them.

The date orders rank only the hits of the record's date and the dates next to it; these tests
hold them to the order of the whole search, with many records sharing a date, undated records,
several index segments and deletions.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterator

import pytest

from fonds.dates import HistoricalDate
from fonds.index import Index
from fonds.query import Filter, parse
from fonds.collection import Collection
from fonds.record import Record, Rendition
from fonds.store.sqlite import SQLiteStore

DAYS = ("1958-03-01", "1958-03-01", "1958-03-02", "1961-07-15", "1961-07-15", "1961-07-15", "1962-01-09", None)


def _record(n: int, day: str | None, collection: str) -> Record:
    date = HistoricalDate(text=day, earliest=day, latest=day) if day else HistoricalDate.undated()
    return Record(
        id=f"tie-{n:03d}",
        title=f"Tie record {n}",
        type="Memorandum",
        date=date,
        collections=(collection,),
        renditions=(Rendition(kind="translation", language="en", text=f"Minutes of meeting {n} on wheat."),),
    )


@pytest.fixture
def ties(tmp_path: Path) -> Iterator[Index]:
    """60 records of one project over 8 dates (many sharing one, some undated), in three index
    segments, two deleted; 10 records of another project on the same dates."""
    rng = random.Random(18)
    store = SQLiteStore(tmp_path / "fonds.db")
    index = Index(tmp_path / "fonds.db.index")
    collections = [Collection("TIES", "Ties", kind="project"), Collection("OTHER", "Other", kind="project")]
    numbers = list(range(70))
    rng.shuffle(numbers)
    for part in (numbers[:25], numbers[25:50], numbers[50:]):
        store.add([_record(n, rng.choice(DAYS), "TIES" if n < 60 else "OTHER") for n in part], collections=collections)
        index.update(store)  # one commit per part: several segments
    for gone in ("tie-007", "tie-033"):
        store.delete(gone)
    index.update(store)
    yield index
    store.close()


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_neighbours_are_those_of_the_whole_search_order(ties: Index, sort: str) -> None:
    node = Filter("collection", "TIES")
    order = [hit.id for hit in ties.search(node, limit=1000, sort=sort, facets=False, snippets=False).hits]
    assert len(order) == 58 and "tie-007" not in order
    for at, record_id in enumerate(order):
        found = ties.neighbours(node, record_id, sort=sort)
        assert found is not None, record_id
        before, after = (hit.id if hit else None for hit in found)
        assert before == (order[at - 1] if at > 0 else None), (record_id, at)
        assert after == (order[at + 1] if at + 1 < len(order) else None), (record_id, at)


def test_neighbours_of_a_record_outside_the_search_or_deleted(ties: Index) -> None:
    node = Filter("collection", "TIES")
    assert ties.neighbours(node, "tie-065") is None  # in the other project
    assert ties.neighbours(node, "tie-007") is None  # deleted
    assert ties.neighbours(node, "no-such-record") is None
    words = parse("wheat")
    order = [hit.id for hit in ties.search(words, limit=1000, sort="date", facets=False, snippets=False).hits]
    assert len(order) == 68  # both projects
    middle = ties.neighbours(words, order[30], sort="date")
    assert middle is not None and [hit.id if hit else None for hit in middle] == [order[29], order[31]]
