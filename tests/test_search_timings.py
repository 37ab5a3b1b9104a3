"""The timing hook of a library search (fonds.search_timings): each part of `Index.search` is timed
where it runs, a part run twice adds up, and a search without the hook gives the same answer."""

from __future__ import annotations

import time

import pytest

from fonds.index import FUZZY_BELOW, Index
from fonds.query import parse
from fonds.search_timings import PARTS, Timings


class Ticking:
    """A clock that moves one second each time it is read: each lap then counts the readings."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_each_part_is_timed_once_and_the_fuzzy_fallback_twice(index_of_examples: Index) -> None:
    once, twice = Timings(Ticking()), Timings(Ticking())
    found = index_of_examples.search(parse("embassy"), timings=once)  # FUZZY_BELOW hits: no fallback
    misspelt = index_of_examples.search(parse("embasy"), timings=twice)  # exact: nothing; then fuzzy
    assert found.total == FUZZY_BELOW and [h.id for h in misspelt.hits] == [h.id for h in found.hits]
    # snippets twice: the highlighter before the documents are read, the hits after
    assert once.parts == {"compile": 1000.0, "search": 1000.0, "snippets": 2000.0, "documents": 1000.0, "facets": 1000.0}
    assert twice.parts == {**once.parts, "compile": 2000.0, "search": 2000.0}
    assert set(once.parts) == set(PARTS) - {"parse"}  # the parse is the caller's to time


def test_the_parts_add_up_to_no_more_than_the_whole_search(index_of_examples: Index) -> None:
    timings = Timings()
    began = time.perf_counter()
    timings.start()
    node = parse('Kim OR "grain deliveries"')
    timings.lap("parse")
    index_of_examples.search(node, timings=timings)
    whole = (time.perf_counter() - began) * 1000
    assert set(timings.parts) == set(PARTS)
    assert all(ms >= 0 for ms in timings.parts.values())
    assert sum(timings.parts.values()) <= whole


def test_a_timed_search_answers_as_an_untimed_one(index_of_examples: Index) -> None:
    for text in ("Kim", "lang:ru", '"grain deliveries"', "Khrushchov delegation"):
        plain = index_of_examples.search(parse(text))
        timed = index_of_examples.search(parse(text), timings=Timings())
        assert timed == plain, text
