"""Does the library search's overhead over bare Tantivy grow with the archive? (issue 18)

The overhead is what fonds adds to a search (parsing, name resolution, snippets, facet counts,
reading the hits' stored fields): fonds's p50 minus bare Tantivy's p50 over the 50-search mix
(`run.measure_library`). It is measured on the N-record archive of the run and, in the same run,
on a 1,000-record archive made of the corpus's first file, both sides built here (fonds's
`ingest()` + `Index.update()`, the raw stack's `raw.ingest`). Goal: the overhead at N is at
most 1.5x the overhead at 1,000 records (facet counts over every hit are what would make it grow:
the issue asks for them cached per index state or bounded).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from benchmarks import ingesting, raw

SMALL = 1_000


def overhead(library: dict[str, Any]) -> float:
    """fonds's p50 minus bare Tantivy's p50, in ms, from `run.measure_library`'s figures."""
    return float(library["fonds"]["p50"] - library["raw"]["p50"])


def measure(files: Sequence[Path], work: Path, reps: int,
            measure_library: Callable[[Path, int], dict[str, Any]]) -> dict[str, Any]:
    """The library figures on a 1,000-record archive made in `work`/growth from the corpus's
    first file (1,000 records: `corpus.PER_FILE`). Raises RuntimeError when either side fails."""
    small = work / "growth"
    if small.exists():
        shutil.rmtree(small)
    small.mkdir(parents=True)
    print(f"bench: library search on a {SMALL:,}-record archive (the overhead's baseline)", file=sys.stderr)
    fonds = ingesting.fonds_ingest(files[:1], str(small / "fonds.db"), small / "fonds.db.index")
    raw.ingest(files[:1], small / "raw.db", small / "raw.index")
    figures = measure_library(small, reps)
    figures["records"] = fonds["records"]
    return figures


def goal_line(n: int, at_n: dict[str, Any], small: dict[str, Any], target: float) -> str:
    """`goal search-overhead-growth: ...` with PASS when the overhead at N is within `target`
    times the overhead at the small archive."""
    big, little = overhead(at_n), overhead(small)
    ratio = big / little if little > 0 else float("inf")
    status = "PASS" if ratio <= target else "FAIL"
    return (
        f"goal search-overhead-growth: fonds minus raw tantivy p50 {big:.2f} ms at {n:,} records, "
        f"{little:.2f} ms at {small['records']:,}, ratio {ratio:.2f} (goal <= {target:g}) {status}"
    )
