"""Where a library search's time goes (benchmarks/search_parts.py): the parts come from `Index.search`'s
own timing hook, the parse and the rest beside them, and the profile is their p50s."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import search_parts  # noqa: E402
from fonds.index import Index  # noqa: E402
from fonds.query import parse  # noqa: E402
from fonds.search_timings import PARTS  # noqa: E402


def test_a_timed_search_has_every_part_and_the_rest_of_the_whole(index_of_examples: Index) -> None:
    times, result = search_parts.timed_search(index_of_examples, "embassy", 0, None)
    assert result == index_of_examples.search(parse("embassy"))
    assert set(times) == {*PARTS, "rest", "whole"}
    assert times["rest"] == pytest.approx(times["whole"] - sum(times[p] for p in PARTS))
    assert times["rest"] >= 0


def test_the_profile_is_each_parts_median() -> None:
    runs = [{"parse": 0.1, "whole": 3.0}, {"parse": 0.3, "whole": 1.0}, {"parse": 0.2, "whole": 2.0}]
    assert search_parts.library_profile(runs) == {"parse": 0.2, "whole": 2.0}


def test_the_parts_of_each_search_of_the_mix_run(index_of_examples: Index) -> None:
    found = search_parts.parts(index_of_examples, 'Kim OR "grain deliveries"', 0, None)
    assert {"compile", "search", "documents", "snippets", "facets", "facet person", "repeat (cached)",
            "first (web bound)", "web json (cached)"} <= set(found)
    assert found["hits"] == index_of_examples.search(parse('Kim OR "grain deliveries"')).total
