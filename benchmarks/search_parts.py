"""Where a library search's time goes, part by part, over the search mix (issue 18).

    python -m benchmarks.search_parts INDEX_FOLDER [--reps 3]

Opens an index folder read-only with this tree's `fonds.index` (its names from `names.json`
beside it when that file is there, so no store is needed) and runs each search of the mix
(`benchmarks/queries.py`) as `Index.search` does, timing each step on its own:

- `parse`: the query text to a query tree (fonds.query);
- `compile`: the tree to a Tantivy query, names resolved (Compiler, rendition keys);
- `search`: Tantivy's top hits and count (`Index._run`; the fuzzy fallback's second run included);
- `docs`: reading the hits' stored fields, snippets and `matched` (`_hit`);
- `facets`: the facet counts, uncached (`facet_counts.count`), and then each facet alone;
- `repeat`: the whole `Index.search` again, facet counts cached, as a second reader sees it;
- `first (web bound)`: `Index.search` uncached with the web's bound (`facet_counts.INLINE_HITS`:
  a search of more hits answers without its counts, which a second request fetches);
- `web json`: `/search.json`'s view in process (search_page + its JSON), counts cached: minus
  `repeat`, what the web layer adds before the HTTP server.

Prints the p50 and p95 of each part over the mix, and the p50 by kind of search. Times are
milliseconds of one process: its CPU time with `--clock cpu` (what the load of a shared machine
does not change; page-cache misses are not in it), else wall time; the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from benchmarks.queries import MIX


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _resolver(folder: Path) -> Callable[[str], Any] | None:
    from fonds.authority import Entity
    from fonds.naming import Names

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


def parts(index: Any, text: str, offset: int, resolve: Any, clock_of: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """One search's parts, in ms (see the module docstring)."""
    from fonds import rendition_text
    from fonds.compiler import Compiler
    from fonds import facet_counts
    from fonds.facet_counts import FACETS, count
    from fonds.web.search import read_params, search_page
    from fonds.index import FUZZY_BELOW, _has_text_terms, _hit, _remembering
    from fonds.query import parse
    from fonds.snippets import Snippets, needles

    times: dict[str, float] = {}
    clock = clock_of()

    def lap(name: str) -> None:
        nonlocal clock
        now = clock_of()
        times[name] = times.get(name, 0.0) + (now - clock) * 1000
        clock = now

    node = parse(text)
    lap("parse")
    index.refresh()
    searcher = index.index.searcher()
    resolving = _remembering(resolve) if resolve else None
    expansions: list[tuple[str, str]] = []
    keys = rendition_text.Keys(searcher)
    compiler = Compiler(index.schema, index.analysis, resolving, expansions, scope_keys=keys)
    compiled = compiler.compile(node)
    lap("compile")
    result = index._run(searcher, compiled, limit=20, offset=offset, sort="relevance")
    lap("search")
    if compiler.is_fuzzy_possible and int(result.count or 0) < FUZZY_BELOW:
        expansions = []
        compiled = Compiler(index.schema, index.analysis, resolving, expansions, fuzzy=True, scope_keys=keys).compile(node)
        lap("compile")
        result = index._run(searcher, compiled, limit=20, offset=offset, sort="relevance")
        lap("search")
    highlighter = None
    if _has_text_terms(node, expanded=bool(expansions)):
        highlighter = Snippets(needles(node, [v for v, _ in expansions], index.analysis), index.analysis)
    scope = rendition_text.scope_of(node)
    for score, address in result.hits:
        _hit(searcher.doc(address), score, highlighter, expansions, scope)
    lap("docs")
    count(searcher, compiled)
    lap("facets")
    for name, (field, size) in FACETS.items():
        searcher.aggregate(compiled, {name: {"terms": {"field": field, "size": size}}})
        lap(f"facet {name}")
    index.facet_counts = type(index.facet_counts)(None)  # nothing remembered, nothing on disk
    index.search(node, limit=20, offset=offset, resolve_names=resolve)
    lap("first (uncached)")
    index.search(node, limit=20, offset=offset, resolve_names=resolve)
    lap("repeat (cached)")
    index.facet_counts = type(index.facet_counts)(None)
    lap("-")
    index.search(node, limit=20, offset=offset, resolve_names=resolve, defer_facets_over=facet_counts.INLINE_HITS)
    lap("first (web bound)")
    web = SimpleNamespace(index=index, settings=SimpleNamespace(page_size=20), resolve_names=resolve)
    page = search_page(web, read_params({"q": text, "page": str(offset // 20 + 1)}), links=False)  # type: ignore[arg-type]
    json.dumps(page.json())
    lap("web json (cached)")
    del times["-"]
    times["hits"] = float(result.count or 0)
    return times


def main() -> None:
    from fonds.index import Index

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    index = Index(args.index)
    resolve = _resolver(args.index)
    clock_of = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"{index.count():,} documents; {args.clock} time; load average {os.getloadavg()}")
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
    names = ("compile", "search", "docs", "facets", "first (uncached)", "repeat (cached)", "first (web bound)",
             "web json (cached)")
    print(f"{'kind':<12} " + " ".join(f"{n[:8]:>8}" for n in names))
    for kind, figures in by_kind.items():
        print(f"{kind:<12} " + " ".join(f"{statistics.median(figures[n]):8.2f}" for n in names))
    print()
    print("hits per search: " + ", ".join(f"{q} {n:,}" for q, n in sorted(hits.items(), key=lambda x: -x[1])[:12]))
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
