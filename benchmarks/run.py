"""`make bench`: fonds against its baselines, each measured in the same run.

    python -m benchmarks.run                  # 10k records
    python -m benchmarks.run --size 100k      # by hand; 1m works too, slowly
    python -m benchmarks.run --only search-library --times 3   # one figure, medians of 3 runs

1. ingest: fonds (ingest() + Index.update(), as `fonds ingest` runs them) against
   the raw stack (json + sqlite3 executemany + tantivy, benchmarks/raw.py).
2. search-library: the 50-search mix through fonds (parse + Index.search with
   facets) against the same searches in Tantivy's query language on the raw index.
3. search-http: the mix against `fonds serve` and against Datasette (SQLite FTS5),
   under 1 and 10 concurrent clients.
4. pages: a record page and a search page with facets under 20 concurrent clients.
5. memory: peak RSS (VmHWM) of `fonds serve` after all of the above.
6. serving (benchmarks/serving.py): `serve --workers 1` and `2` at 10 clients, record pages,
   50 readers + 1 writer for a minute.
7. scale (benchmarks/scale.py): adding 1,000 records to N against adding them to 1,000,
   `fonds serve` start-up, and the peak RSS of `fonds ingest` beside the raw stack's.

The machine is shared and noisy: read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Sequence

from benchmarks import corpus, databases, growth, httpload, ingesting, raw, renditions, scale, search_parts, serving
from benchmarks.queries import MIX
from benchmarks.report import GOALS, goal_line, ingest_lines, library_profile_line, load_average, machine, masked, report



def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def clean(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- 1. ingest --------------------------------------------------------------------------------------


def measure_ingest(files: Sequence[Path], work: Path, rounds: int, db: str | None = None) -> dict[str, Any]:
    """Both sides in child processes (benchmarks/ingesting.py), `rounds` times, the fastest of each kept."""
    db = db or str(work / "fonds.db")
    best: dict[str, dict[str, Any]] = {}
    for number in range(rounds):
        print(f"bench: ingest round {number + 1} of {rounds}", file=sys.stderr)
        clean(work / "raw.db", work / "raw.index")
        raw_figures = ingesting.run("raw", files, str(work / "raw.db"), work / "raw.index", work)
        clean(fonds_index(work, db))
        fonds_figures = ingesting.run("fonds", files, databases.fresh(db), fonds_index(work, db), work)
        for side, figures in (("raw", raw_figures), ("fonds", fonds_figures)):
            if side not in best or figures["seconds"] < best[side]["seconds"]:
                best[side] = figures
    fonds, baseline = best["fonds"], best["raw"]
    n = baseline["records"]
    return {
        "fonds_rps": n / fonds["seconds"],
        "raw_rps": n / baseline["seconds"],
        "fonds_store_s": fonds["store"],
        "fonds_index_s": fonds["index"],
        "raw_sqlite_s": baseline["sqlite"],
        "raw_tantivy_s": baseline["tantivy"],
        "raw_total_s": baseline["seconds"],
        "fonds_total_s": fonds["seconds"],
        "fonds": fonds,
        "raw": baseline,
    }


def reused_ingest(n: int) -> dict[str, Any]:
    """The ingest figures an earlier `--only ingest` wrote (benchmarks/out/ingest-N-SIDE.json)."""
    sides = {}
    for side in ("fonds", "raw"):
        path = corpus.OUT / f"ingest-{n}-{side}.json"
        if not path.is_file():
            raise SystemExit(f"bench: --reuse-ingest: no {path}; run --only ingest first")
        sides[side] = json.loads(path.read_text())
    fonds, baseline = sides["fonds"], sides["raw"]
    return {
        "fonds_rps": baseline["records"] / fonds["seconds"], "raw_rps": baseline["records"] / baseline["seconds"],
        "fonds_store_s": fonds["store"], "fonds_index_s": fonds["index"], "raw_sqlite_s": baseline["sqlite"],
        "raw_tantivy_s": baseline["tantivy"], "raw_total_s": baseline["seconds"], "fonds_total_s": fonds["seconds"],
        "fonds": fonds, "raw": baseline, "reused": True,
    }


def fonds_index(work: Path, db: str) -> Path:
    """The index folder of the benchmark's fonds archive."""
    return work / ("fonds-pg.index" if databases.is_postgres(db) else "fonds.db.index")


# -- 2. search through the library -----------------------------------------------------------------


def _resolver(store: Any) -> Any:
    """The name resolver `fonds search` uses: the archive's names, every variant."""
    from fonds.naming import Names

    return Names.of(store).resolve


def measure_library(work: Path, reps: int, db: str | None = None) -> dict[str, Any]:
    from fonds.index import Index
    from fonds.query import parse
    from fonds.store import open_store

    db = db or str(work / "fonds.db")
    store = open_store(db)
    index = Index(fonds_index(work, db))
    index.update(store)  # after a change of INDEX_VERSION the index rebuilds itself from the store here
    resolve = _resolver(store)
    baseline = raw.Searcher(work / "raw.index")

    def fonds_search(search: Any) -> int:
        return index.search(parse(search.fonds), limit=20, offset=search.offset, facets=True, resolve_names=resolve).total

    runs: dict[str, Callable[[Any], int]] = {
        "fonds": fonds_search,
        "raw": lambda s: baseline.search(s.raw, offset=s.offset),
        "raw_same_work": lambda s: baseline.search(s.raw, offset=s.offset, facets=True, snippets=True),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    by_kind: dict[str, dict[str, list[float]]] = {}
    for search in MIX:  # warm up caches and check that every search runs
        for run in runs.values():
            run(search)
    for _ in range(reps):  # interleaved, so that noise hits all three alike
        for search in MIX:
            for name, run in runs.items():
                start = time.perf_counter()
                run(search)
                elapsed = (time.perf_counter() - start) * 1000
                times[name].append(elapsed)
                by_kind.setdefault(search.kind, {}).setdefault(name, []).append(elapsed)
    profiled = [search_parts.timed_search(index, s.fonds, s.offset, resolve)[0] for _ in range(reps) for s in MIX]
    store.close()
    result: dict[str, Any] = {name: {"p50": pct(values, 50), "p95": pct(values, 95)} for name, values in times.items()}
    result["profile"] = search_parts.library_profile(profiled)  # where fonds's time goes, in a pass of its own
    result["kinds"] = {
        kind: {name: pct(values, 50) for name, values in runs_of_kind.items()} for kind, runs_of_kind in by_kind.items()
    }
    return result


def library_only(work: Path, files: Sequence[Path], reps: int, times: int, db: str | None = None) -> list[str]:
    """`--only search-library`: the library search alone, `times` runs, reusing the last ingest's work folder."""
    if not fonds_index(work, db or "").is_dir() or not (work / "raw.index").is_dir():
        print("bench: no earlier ingest in the work folder; ingesting once", file=sys.stderr)
        measure_ingest(files, work, 1, db)
    runs = []
    for number in range(times):
        print(f"bench: library search, run {number + 1} of {times}", file=sys.stderr)
        runs.append(measure_library(work, reps, db))
    lines = [
        (
            f"{'run':<8}  {'fonds p50':>10}  {'fonds p95':>10}  {'raw p50':>8}  {'raw p95':>8}  {'p50 ratio':>9}"
            f"  {'raw+snip+facets p50':>19}  {'p95':>6}"
        )
    ]
    names = ("fonds", "raw", "raw_same_work")

    def row(label: str, figures: dict[str, dict[str, float]]) -> str:
        f, r, same = (figures[name] for name in names)
        return (
            f"{label:<8}  {f['p50']:>10.2f}  {f['p95']:>10.2f}  {r['p50']:>8.2f}  {r['p95']:>8.2f}  {f['p50'] / r['p50']:>9.2f}"
            f"  {same['p50']:>19.2f}  {same['p95']:>6.2f}"
        )

    lines += [row(str(number), lib) for number, lib in enumerate(runs, 1)]
    middle = {name: {q: statistics.median(lib[name][q] for lib in runs) for q in ("p50", "p95")} for name in names}
    lines.append(row("median", middle))
    f, r = middle["fonds"], middle["raw"]
    lines.append("")
    lines.append(f"{'p50 by kind, ms (last run)':<28}  {'fonds':>8}  {'raw':>8}  {'ratio':>6}")
    for kind, values in runs[-1]["kinds"].items():
        lines.append(f"{kind:<28}  {values['fonds']:>8.2f}  {values['raw']:>8.2f}  {values['fonds'] / values['raw']:>6.2f}")
    lines.append("")
    lines.append(goal_line("search-library", f"fonds p50 {f['p50']:.2f} ms, raw tantivy p50 {r['p50']:.2f} ms (medians)",
                       f["p50"] / r["p50"], "<=", GOALS["search-library"]))
    if f["p50"] / r["p50"] > GOALS["search-library"]:  # missed: where the time goes (medians of the runs' p50s)
        lines.append(library_profile_line({k: statistics.median(lib["profile"][k] for lib in runs) for k in runs[0]["profile"]}))
    return lines


# -- 3-5. over HTTP ----------------------------------------------------------------------------------


def measure_http(files: Sequence[Path], work: Path, n: int, budget: float, db: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ds_db = work / "bench.db"
    if not ds_db.exists() or ds_db.stat().st_mtime < max(f.stat().st_mtime for f in files):
        print("bench: building the Datasette database (SQLite FTS5)", file=sys.stderr)
        out["datasette_build_s"] = httpload.build_datasette_db(files, ds_db)
    why_not = httpload.fonds_web_available()
    if why_not:
        out["skipped"] = why_not
        return out
    fonds_urls = [httpload.fonds_search_url(s) for s in MIX]
    ds_urls = httpload.datasette_search_urls(MIX, ds_db)
    db = db or str(work / "fonds.db")
    fonds_server = httpload.start_fonds(db, fonds_index(work, db), work, timeout=600)
    try:
        datasette = httpload.start_datasette(ds_db, work)
        try:
            for clients, rounds in ((1, 1), (10, 2)):
                for name, server, urls in (("fonds", fonds_server, fonds_urls), ("datasette", datasette, ds_urls)):
                    httpload.run_load(server.base, urls[:10], clients=1, rounds=1, budget_seconds=budget)  # warm up
                    print(f"bench: search over HTTP, {name}, {clients} client(s)", file=sys.stderr)
                    load = httpload.run_load(server.base, urls, clients=clients, rounds=rounds, budget_seconds=budget)
                    out[f"{name}_{clients}"] = _summary(load)
        finally:
            datasette.stop()
        out["facets_after"] = measure_facets_after(fonds_server, fonds_urls, budget)
        out["pages"] = measure_pages(fonds_server, n, budget)
        out["fonds_rss_mb"] = fonds_server.peak_rss_mb()
    finally:
        fonds_server.stop()
    return out


def measure_facets_after(server: httpload.Server, urls: Sequence[str], budget: float) -> dict[str, Any]:
    """The second requests of the searches whose first answer left out its facet counts (more than
    `facet_counts.INLINE_HITS` hits, counts not cached: `facets_deferred`): their `facets_href`
    (`facets=always`), one client, what a page's script asks for after showing the hits."""
    hrefs = []
    for url in urls:
        with urllib.request.urlopen(server.base + url, timeout=300) as response:
            answer = json.loads(response.read())
        if answer.get("facets_deferred"):
            hrefs.append(answer["facets_href"])
    result: dict[str, Any] = {"deferred": len(hrefs), "searches": len(urls)}
    if hrefs:
        print(f"bench: facet counts of the {len(hrefs)} deferred searches over HTTP, 1 client", file=sys.stderr)
        result.update(_summary(httpload.run_load(server.base, hrefs, clients=1, rounds=1, budget_seconds=budget)))
    return result


def _summary(load: httpload.Load) -> dict[str, Any]:
    return {
        "p50": pct(load.latencies_ms, 50),
        "p95": pct(load.latencies_ms, 95),
        "requests": load.requests,
        "errors": len(load.errors),
        "first_errors": load.errors[:3],
        "rps": load.requests / load.wall_seconds if load.wall_seconds else 0.0,
    }


def measure_pages(server: httpload.Server, n: int, budget: float) -> dict[str, Any]:
    rng = random.Random(corpus.SEED)
    width = max(7, len(str(n)))
    record_urls = [f"/records/bench-{rng.randrange(n):0{width}d}" for _ in range(200)]
    words = [s.fonds for s in MIX if s.kind in ("common word", "rare word", "facet", "phrase", "date range")]
    search_urls = ["/search?" + httpload.urllib.parse.urlencode({"q": w}) for w in words]
    result = {}
    for name, urls, rounds in (("record", record_urls, 1), ("search", search_urls, 200 // len(search_urls) + 1)):
        print(f"bench: {name} pages, 20 clients", file=sys.stderr)
        load = httpload.run_load(server.base, urls, clients=20, rounds=rounds, budget_seconds=budget)
        result[name] = _summary(load)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="fonds benchmarks: ingest, search, HTTP, pages, memory")
    parser.add_argument("--size", type=corpus.size, default=corpus.SIZES["10k"], help="10k (default), 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--rounds", type=int, default=0, help="ingest rounds, best kept (default: 2 up to 20k, else 1)")
    parser.add_argument("--reps", type=int, default=3, help="timed passes over the search mix")
    parser.add_argument("--budget", type=float, default=90, help="seconds at most for each HTTP load phase")
    parser.add_argument("--skip-http", action="store_true", help="measure ingest and library search only")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the incremental, start-up and ingest-memory figures")
    parser.add_argument("--skip-serving", action="store_true",
                        help="leave out serve --workers, record pages and the readers + writer minute")
    parser.add_argument("--reader-seconds", type=float, default=60, help="length of the readers + writer phase")
    parser.add_argument("--skip-renditions", action="store_true", help="leave out OCR and attach throughput")
    parser.add_argument(
        "--only", choices=["ingest", "search-library", "scale", "holdings", "renditions", "serving"],
        help="measure one figure alone, reusing the work folder of an earlier run (ingests once if there is none)",
    )
    parser.add_argument("--times", type=int, default=3, help="with --only: independent runs, medians reported")
    parser.add_argument(
        "--reuse-ingest", action="store_true",
        help="measure on the archive an earlier run left in the work folder instead of ingesting again; the ingest "
        "figures are read from benchmarks/out/ingest-N-fonds.json and -raw.json (written by --only ingest)",
    )
    parser.add_argument(
        "--db", help="fonds's store: a PostgreSQL URL naming a database the benchmark may drop and create "
        "(postgresql://user@host:port/NAME); default an SQLite file in the work folder",
    )
    args = parser.parse_args(argv)
    n = args.size
    started = time.perf_counter()
    if args.only == "renditions":
        figures = renditions.measure()
        print(f"\nfonds renditions figures, {machine()}; {time.perf_counter() - started:.0f} s\n")
        print("\n".join(renditions.lines(figures)))
        return
    if args.only == "holdings":  # a CSV of 50,000 rows read and ingested (benchmarks/holdings.py)
        from benchmarks import holdings

        print("\n".join(holdings.lines(holdings.measure(50_000))))
        return
    print(f"bench: generating {n} records (seed {args.seed})", file=sys.stderr)
    files = corpus.write(n, seed=args.seed)
    work = corpus.OUT / f"work-{n}-s{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    if args.only == "search-library":
        lines = library_only(work, files, args.reps, args.times, args.db)
        print(f"\nfonds library search: {n} records, {machine()}; {time.perf_counter() - started:.0f} s\n")
        print("\n".join(lines))
        return
    db = args.db or str(work / "fonds.db")
    if args.only == "ingest":
        figures = measure_ingest(files, work, args.rounds or (2 if n <= 20_000 else 1), db)
        for side in ("fonds", "raw"):
            (corpus.OUT / f"ingest-{n}-{side}.json").write_text(json.dumps(figures[side], indent=2))
        print(f"\nfonds ingest: {n} records, store {masked(db)}, {machine()}; {time.perf_counter() - started:.0f} s; "
              f"load average {load_average()}\n")
        print("\n".join(ingest_lines(figures)))
        return
    if args.only == "serving":  # benchmarks/serving.py
        if not fonds_index(work, db).is_dir():
            measure_ingest(files, work, 1, db)
        figures = serving.measure(work, n, args.budget, reader_seconds=args.reader_seconds, db=db,
                                  index=fonds_index(work, db))
        print(f"\nfonds serving figures: {n} records, {machine()}; {time.perf_counter() - started:.0f} s\n")
        print("\n".join(serving.goals(n, figures)))
        return
    if args.only == "scale":
        if not fonds_index(work, db).is_dir():
            measure_ingest(files, work, 1, db)
        reused = reused_ingest(n) if args.reuse_ingest else None  # its memory figure: no second ingest of N
        figures = scale.measure(files, work, db, fonds_index(work, db), ingest_figures=reused)
        print(f"\nfonds scale figures: {n} records, {machine()}; {time.perf_counter() - started:.0f} s\n")
        print("\n".join(scale.goals(n, figures)))
        return
    results: dict[str, Any] = {"n": n, "seed": args.seed, "machine": machine(), "db": masked(db), "load": load_average()}
    if args.reuse_ingest:
        results["ingest"] = reused_ingest(n)
    else:
        results["ingest"] = measure_ingest(files, work, args.rounds or (2 if n <= 20_000 else 1), db)
    print("bench: library search", file=sys.stderr)
    results["library"] = measure_library(work, args.reps, db)
    if n >= 2 * growth.SMALL:
        results["growth"] = growth.measure(files, work, args.reps, measure_library)
    else:
        results["growth_skipped"] = f"{n} records: too few beside a {growth.SMALL:,}-record archive"
    results["http"] = {"skipped": "--skip-http"} if args.skip_http else measure_http(files, work, n, args.budget, db)
    if not args.skip_http and not args.skip_serving:
        results["serving"] = serving.measure(work, n, args.budget, reader_seconds=args.reader_seconds, db=db,
                                             index=fonds_index(work, db))
    if not args.skip_scale:
        results["scale"] = scale.measure(files, work, db, fonds_index(work, db), results["ingest"])
    results["load_after"] = load_average()
    if not args.skip_renditions:
        print("bench: OCR and attach", file=sys.stderr)
        results["renditions"] = renditions.measure()
    results["seconds"] = time.perf_counter() - started
    lines = report(n, results)
    if "serving" in results:
        lines += serving.goals(n, results["serving"])
    if "scale" in results:
        lines += scale.goals(n, results["scale"])
    if "renditions" in results:
        lines += renditions.lines(results["renditions"])
    name = f"results-{n}{'-pg' if databases.is_postgres(db) else ''}.json"
    (corpus.OUT / name).write_text(json.dumps(results, indent=2, default=str))
    print(f"\nfonds benchmarks: {n} records, store {results['db']}, {results['machine']}; {results['seconds']:.0f} s; "
          f"load average {results['load']} at the start, {results['load_after']} at the end (shared machine)\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
