"""Where a library search's time goes, part by part, over the search mix (issue 18).

    python -m benchmarks.search_parts INDEX_FOLDER [--reps 3] [--clock cpu] [--db DATABASE_URL]

Opens an index folder with this tree's `fonds.index` (the name resolver from the store `--db`
when given, else from the `names.json` beside the index when that file is there, else none: then
no name is widened) and runs each search of the mix (`benchmarks/queries.py`) through
`Index.search` with its timing hook (`fonds.search_timings`), so the parts are the search's own,
not a copy of its steps:

- `parse`: the query text to a query tree (fonds.query), timed here;
- `compile`, `search`, `documents`, `snippets`, `facets`: the parts `Index.search` times
  (search_timings.PARTS), in a search whose facet counts are not remembered (so counted);
- `rest`: the whole search (parse included) minus those parts;
- `facet NAME`: each of the six facet aggregations alone;
- `repeat (cached)`: the whole search again, facet counts remembered, as the bench's library
  figure and a second reader see it;
- `first (web bound)`: the search uncached with the web's bound (`facet_counts.INLINE_HITS`:
  a search of more hits answers without its counts, which a second request fetches);
- `web json (cached)`: `/search.json`'s view in process (search_page + its JSON), counts cached:
  minus `repeat`, what the web layer adds before the HTTP server.

Prints the p50 and p95 of each part over the mix, and the p50 by kind of search. Times are
milliseconds of one process: its CPU time with `--clock cpu` (what the load of a shared machine
does not change; page-cache misses are not in it), else wall time; the load average is printed.
`library_profile` gives `make bench`'s profile line the same parts (benchmarks/report.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable

from benchmarks.queries import MIX

WHOLE = "whole"  # the whole search, parse included
REST = "rest"  # the whole minus the parts Index.search and the parse timed


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _resolver(folder: Path, db: str | None = None) -> Callable[[str], Any] | None:
    from fonds.authority import Entity
    from fonds.naming import Names

    if db:
        from fonds.store import open_store

        return Names.of(open_store(db)).resolve
    path = folder / "names.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    names = Names(
        entities=tuple(Entity.from_dict(item) for item in data["entities"]),
        missing_curated=tuple(Entity.from_dict(item) for item in data["missing_curated"]),
        held=tuple(Entity.from_dict(item) for item in data["held"]),
    )
    return names.resolve


def timed_search(index: Any, text: str, offset: int, resolve: Any, clock_of: Callable[[], float] = time.perf_counter,
                 **options: Any) -> tuple[dict[str, float], Any]:
    """One search as the bench's library figure runs it (`parse` + `Index.search(facets=True)`): its
    ms by part (search_timings.PARTS), with its `whole` and the `rest` (the whole minus the parts),
    and its SearchResult."""
    from fonds.query import parse
    from fonds.search_timings import Timings

    timings = Timings(clock_of)
    began = clock_of()
    timings.start()
    node = parse(text)
    timings.lap("parse")
    result = index.search(node, limit=20, offset=offset, facets=True, resolve_names=resolve, timings=timings, **options)
    whole = (clock_of() - began) * 1000
    found = dict(timings.parts)
    found[WHOLE] = whole
    found[REST] = whole - sum(timings.parts.values())
    return found, result


def library_profile(runs: Iterable[dict[str, float]]) -> dict[str, float]:
    """The p50 of each part (and of the whole, and the rest) over searches timed by `timed_search`."""
    by_part: dict[str, list[float]] = {}
    for found in runs:
        for name, ms in found.items():
            by_part.setdefault(name, []).append(ms)
    return {name: pct(values, 50) for name, values in by_part.items()}


def parts(index: Any, text: str, offset: int, resolve: Any, clock_of: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """One search's parts, in ms (see the module docstring)."""
    from fonds import facet_counts, rendition_text
    from fonds.compiler import Compiler
    from fonds.facet_counts import FACETS
    from fonds.query import parse
    from fonds.web.search import read_params, search_page

    remembered = index.facet_counts
    index.facet_counts = type(remembered)(None)  # nothing remembered, nothing on disk: the counts are counted
    times, result = timed_search(index, text, offset, resolve, clock_of)
    del times[WHOLE]
    searcher = index.index.searcher()
    keys = rendition_text.Keys(searcher)
    compiled = Compiler(index.schema, index.analysis, resolve, [], scope_keys=keys).compile(parse(text))
    for name, (field, size) in FACETS.items():
        began = clock_of()
        searcher.aggregate(compiled, {name: {"terms": {"field": field, "size": size}}})
        times[f"facet {name}"] = (clock_of() - began) * 1000

    def lap(name: str, run: Callable[[], Any]) -> None:
        began = clock_of()
        run()
        times[name] = (clock_of() - began) * 1000

    node = parse(text)
    lap("repeat (cached)", lambda: index.search(node, limit=20, offset=offset, resolve_names=resolve))
    index.facet_counts = type(remembered)(None)
    lap("first (web bound)", lambda: index.search(node, limit=20, offset=offset, resolve_names=resolve,
                                                   defer_facets_over=facet_counts.INLINE_HITS))
    web = SimpleNamespace(index=index, settings=SimpleNamespace(page_size=20), resolve_names=resolve)
    lap("web json (cached)", lambda: json.dumps(search_page(
        web, read_params({"q": text, "page": str(offset // 20 + 1)}), links=False).json()))  # type: ignore[arg-type]
    index.facet_counts = remembered
    times["hits"] = float(result.total)
    return times


def main() -> None:
    from fonds.index import Index

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--db", help="the store whose names widen name searches (else names.json beside the index)")
    args = parser.parse_args()
    index = Index(args.index)
    resolve = _resolver(args.index, args.db)
    clock_of = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"{index.count():,} documents; {args.clock} time; names {'resolved' if resolve else 'not widened'}; "
          f"load average {os.getloadavg()}")
    rows: dict[str, list[float]] = {}
    by_kind: dict[str, dict[str, list[float]]] = {}
    hits: dict[str, int] = {}
    for search in MIX:  # warm up
        parts(index, search.fonds, search.offset, resolve, clock_of)
    for _ in range(args.reps):
        for search in MIX:
            found = parts(index, search.fonds, search.offset, resolve, clock_of)
            hits[search.fonds] = int(found.pop("hits"))
            for name, ms in found.items():
                rows.setdefault(name, []).append(ms)
                by_kind.setdefault(search.kind, {}).setdefault(name, []).append(ms)
    print(f"{'part':<18} {'p50 ms':>8} {'p95 ms':>8} {'mean':>8}")
    for name, values in rows.items():
        print(f"{name:<18} {pct(values, 50):8.2f} {pct(values, 95):8.2f} {statistics.mean(values):8.2f}")
    print()
    names = ("compile", "search", "documents", "snippets", "facets", "repeat (cached)", "first (web bound)",
             "web json (cached)")
    print(f"{'kind':<12} " + " ".join(f"{n[:9]:>9}" for n in names))
    for kind, figures in by_kind.items():
        print(f"{kind:<12} " + " ".join(f"{statistics.median(figures.get(n, [0.0])):9.2f}" for n in names))
    print()
    print("hits per search: " + ", ".join(f"{q} {n:,}" for q, n in sorted(hits.items(), key=lambda x: -x[1])[:12]))
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
