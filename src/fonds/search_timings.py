"""Where one library search's time goes, part by part: the hook the benchmarks' profile reads (issue 18).

`Index.search(..., timings=Timings())` adds to `timings.parts` the milliseconds each part of that
search took (PARTS, in the order they run; a part run twice, as the fuzzy fallback runs compiling
and searching twice, adds both). Without `timings` nothing is timed: the search runs the same code
and asks no clock. The parse of the search text happens before `Index.search`; a caller times it
with the same object (`start`, parse, `lap("parse")`). `benchmarks/search_parts.py` and the `make bench` report's
search-library profile read these parts.
"""

from __future__ import annotations

import time
from typing import Callable

PARTS = {  # the part's name: what it holds
    "parse": "the search text to a query tree (query.parse; timed by the caller)",
    "compile": "the tree to a Tantivy query: names resolved, rendition keys, the fuzzy fallback's second compile",
    "search": "Tantivy's top hits and count (twice when the fuzzy fallback runs)",
    "documents": "reading the hits' stored documents (Searcher.doc)",
    "snippets": "the hits made from their documents: stored fields, snippets, `matched`",
    "facets": "the facet counts (facet_counts.py: counted, or found remembered)",
}


class Timings:
    """Milliseconds by part (PARTS), added up over the searches it is given to. `clock` gives seconds:
    `time.perf_counter` (wall, the default) or `time.process_time` (this process's CPU)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.parts: dict[str, float] = {}
        self._last = 0.0

    def start(self) -> None:
        """Begin timing: the next `lap` counts from here."""
        self._last = self.clock()

    def lap(self, part: str) -> None:
        """Add the time since the last `start` or `lap` to `part`."""
        now = self.clock()
        self.parts[part] = self.parts.get(part, 0.0) + (now - self._last) * 1000
        self._last = now


class Untimed(Timings):
    """What `Index.search` times with when no `timings` are given: nothing (no clock is read)."""

    def start(self) -> None:
        pass

    def lap(self, part: str) -> None:
        pass


UNTIMED = Untimed()
