"""The goal lines `make bench` prints (benchmarks/report.py, benchmarks/growth.py): each says PASS
only when its figure meets the goal the issue set, with the figures a reader checks beside it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import growth, report  # noqa: E402


def ingest(fonds_rps: float, records: int) -> dict[str, Any]:
    return {"fonds_rps": fonds_rps, "raw": {"records": records}}


def test_a_million_records_line_projects_the_measured_rate() -> None:
    fast = report.million_line(10_000, ingest(1_000, 10_000))  # 1,000,000 / 1,000 = 1,000 s = 16.7 min
    slow = report.million_line(10_000, ingest(500, 10_000))  # 2,000 s = 33.3 min
    assert fast.endswith("PASS") and "16.7 min" in fast and "at the rate measured on 10,000 records" in fast
    assert slow.endswith("FAIL") and "33.3 min" in slow


def test_a_million_records_line_says_when_it_was_measured_at_a_million() -> None:
    line = report.million_line(1_000_000, ingest(900, 1_000_000))
    assert "(measured;" in line and "18.5 min" in line and line.endswith("PASS")


def library(fonds_p50: float, raw_p50: float, records: int = 0) -> dict[str, Any]:
    return {"fonds": {"p50": fonds_p50}, "raw": {"p50": raw_p50}, "records": records}


def test_overhead_growth_compares_what_fonds_adds_not_the_totals() -> None:
    small = library(3.0, 1.0, records=1_000)  # overhead 2 ms
    same = growth.goal_line(100_000, library(12.0, 10.0), small, 1.5)  # Tantivy slower, overhead still 2 ms
    grown = growth.goal_line(100_000, library(8.0, 1.0), small, 1.5)  # overhead 7 ms: 3.5x
    assert same.endswith("PASS") and "ratio 1.00" in same
    assert grown.endswith("FAIL") and "ratio 3.50" in grown and "at 1,000" in grown


PROFILE = {"parse": 0.04, "compile": 0.2, "search": 0.3, "documents": 0.5, "snippets": 2.6, "facets": 0.05, "rest": 0.08,
           "whole": 3.9}


def results(fonds_p50: float, raw_p50: float) -> dict[str, Any]:
    """A run's figures with HTTP skipped, library search as given."""
    both = {"p50": 1.0, "p95": 2.0}
    return {
        "ingest": {"fonds_rps": 1_000, "raw_rps": 1_200, "fonds_store_s": 1.0, "fonds_index_s": 1.0,
                   "raw_sqlite_s": 1.0, "raw_tantivy_s": 1.0},
        "library": {"fonds": {"p50": fonds_p50, "p95": 9.0}, "raw": {"p50": raw_p50, "p95": 3.0},
                    "raw_same_work": both, "profile": PROFILE},
        "http": {"skipped": "--skip-http"},
    }


def test_a_missed_library_goal_says_where_the_time_goes() -> None:
    missed = report.report(10_000, results(3.9, 0.44))
    met = report.report(10_000, results(0.6, 0.44))
    assert any(line.startswith("goal search-library:") and line.endswith("FAIL") for line in missed)
    assert (
        "search-library profile: p50 ms over the mix: parse 0.04, compile + name variants 0.20, "
        "tantivy search + count 0.30, documents 0.50, snippets + matched 2.60, facet counts 0.05, the rest 0.08; "
        "whole search 3.90"
    ) in missed
    assert any(line.startswith("goal search-library:") and line.endswith("PASS") for line in met)
    assert not any(line.startswith("search-library profile") for line in met)
