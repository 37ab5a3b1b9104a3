"""The server under load (issues 17 §3 and 18): worker processes, record pages, readers + a writer.

    python -m benchmarks.run --only serving            # on the 10k work folder
    python -m benchmarks.run --only serving --size 100k

1. workers: the 50-search mix over HTTP at 10 clients against `fonds serve` with 1 worker
   and with 2 (`--workers 2`), each a fresh server (no facet counts left beside the index by an
   earlier phase) warmed with one pass; requests/s,
   p50/p95 and the CPU cores the server's processes used (CPU seconds / wall seconds).
   Goal: 2 workers give >= 2x the requests/s recorded before this work at the same size
   (TODAY_RPS, docs/benchmarks.md: 59.9 at 10k, 27.2 at 100k), with both cores busy
   (>= 1.6 cores); the 1-worker figure of the same run stands beside it.
2. record pages: 200 random `/records/ID` pages, one client (p50/p95), then 20 clients, on the
   2-worker server; goal: one client's p95 <= 50 ms. Then its memory, all processes together:
   PSS (pages the processes share, such as libraries and the index's mapped files, counted
   once; goal <= 500 MB), where it is (anonymous heap, the index's mapped files, the store's,
   code), and, beside it, the sum of each process's peak RSS.
3. readers (benchmarks/readers.py): 50 readers and 1 writer for a minute against
   `fonds serve --workers 2`, each reader pausing a random 0-2 s after each page as a person
   reading does (READER_THINK, 1 s on average); goal: 0 errors, 0 partial records, p95 <= 4x the
   single-request p50 measured in the same run. Beside it, for half as long, the same readers
   never pausing: saturation, where the goal is 0 errors and 0 partial records and the wait
   is what Little's law gives (50 / throughput), printed beside it.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from benchmarks import corpus, first_requests, httpload, readers, readers_profile
from benchmarks.queries import MIX
from benchmarks.report import load_average

TODAY_RPS = {10_000: 59.9, 100_000: 27.2}  # 10 clients, before `serve --workers` (docs/benchmarks.md)
READER_THINK = 1.0  # seconds a reader pauses after a page, on average
GOALS = {"workers-rps": 2.0, "workers-cores": 1.6, "record-p95": 50.0, "memory": 500.0, "readers-p95": 4.0}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")


def _phase(server: httpload.Server, urls: list[str], *, clients: int, rounds: int, budget: float) -> dict[str, Any]:
    cpu = server.cpu_seconds()
    sched = readers_profile.schedstat(readers_profile.descendants(server.process.pid))
    load = httpload.run_load(server.base, urls, clients=clients, rounds=rounds, budget_seconds=budget)
    used = server.cpu_seconds() - cpu
    on_core, waiting = (after - before for after, before in
                        zip(readers_profile.schedstat(readers_profile.descendants(server.process.pid)), sched))
    wall = load.wall_seconds or float("nan")
    return {
        "on_core": on_core / wall, "waiting": waiting / wall, "load": load_average(),
        "rps": load.requests / load.wall_seconds if load.wall_seconds else 0.0,
        "p50": _pct(load.latencies_ms, 50), "p95": _pct(load.latencies_ms, 95),
        "requests": load.requests, "errors": len(load.errors), "first_errors": load.errors[:3],
        "cores": used / load.wall_seconds if load.wall_seconds else 0.0,
        "cpu_ms": used / load.requests * 1000 if load.requests else float("nan"),  # server CPU per request
        "client_cores": load.client_cpu_seconds / load.wall_seconds if load.wall_seconds else 0.0,
    }


def measure(work: Path, n: int, budget: float, *, reader_seconds: float = 60, db: str | None = None,
            index: Path | None = None) -> dict[str, Any]:
    """Every figure of this module, on the N-record archive in `work` (fonds.db + fonds.db.index,
    or the store `db` and its `index`)."""
    db = db or str(work / "fonds.db")
    index = index or work / "fonds.db.index"
    results: dict[str, Any] = {"n": n}
    urls = [httpload.fonds_search_url(s) for s in MIX]
    rng = random.Random(corpus.SEED)
    width = max(7, len(str(n)))
    record_urls = [f"/records/bench-{rng.randrange(n):0{width}d}" for _ in range(200)]
    for workers in (1, 2):
        print(f"bench: serving: search over HTTP, 10 clients, {workers} worker(s)", file=sys.stderr)
        first_requests.clear_shared_counts(index)  # a fresh server: no facet counts left by an earlier phase
        server = httpload.start_fonds(db, index, work, timeout=600, workers=workers)
        try:
            httpload.run_load(server.base, urls, clients=2, rounds=1, budget_seconds=budget)  # warm: one pass
            results[f"search_{workers}"] = _phase(server, urls, clients=10, rounds=3, budget=budget)
            if workers == 2:
                print("bench: serving: record pages, 1 client", file=sys.stderr)
                results["record"] = _phase(server, record_urls, clients=1, rounds=1, budget=budget)
                results["record_20"] = _phase(server, record_urls, clients=20, rounds=1, budget=budget)
                results["rss_mb"] = server.peak_rss_mb()
                results["pss_mb"] = server.pss_mb()
                results["pss_parts_mb"] = server.pss_parts_mb(index)
        finally:
            server.stop()
    for key, think, seconds in (("readers_2", READER_THINK, reader_seconds), ("readers_busy", 0.0, reader_seconds / 2)):
        print(f"bench: serving: 50 readers + 1 writer, 2 workers, {seconds:.0f} s, pause {think:g} s", file=sys.stderr)
        results[key] = readers.measure(seconds, 50, 2, think, writer_nice=readers.WRITER_NICE)
    return results


def _where(f: dict[str, Any]) -> str:
    """Where a phase's time went: the server's CPU per request against the latency, and its threads on a
    core and runnable but waiting for one (other processes had the cores), in cores (`_phase`)."""
    if "on_core" not in f:
        return f"server CPU {f['cpu_ms']:.1f} ms per request against a p50 of {f['p50']:.1f} ms (no scheduler figures)"
    return (f"server CPU {f['cpu_ms']:.1f} ms per request against a p50 of {f['p50']:.1f} ms; its threads on a core "
            f"{f['on_core']:.2f} cores, waiting for one {f['waiting']:.2f}; the load generator "
            f"{f.get('client_cores', 0):.2f} cores; load average {f.get('load', '?')}")


def _first_errors(*phases: dict[str, Any]) -> str:
    errors = [error for f in phases for error in f.get("first_errors", [])]
    return f"; first errors: {', '.join(errors[:3])}" if errors else ""


def _nice(result: dict[str, Any]) -> str:
    return readers_profile.writer_priority(result)


def _parts(parts: dict[str, float] | None) -> str:
    """`heap 310, index 120, db 0, code 70 MB`: where the PSS is (httpload.Server.pss_parts_mb)."""
    if not parts:
        return "parts not measured"
    return ", ".join(f"{name} {mb:.0f}" for name, mb in parts.items()) + " MB"


def goals(n: int, results: dict[str, Any]) -> list[str]:
    """The figures and goal lines, each beside its baseline."""
    one, two = results["search_1"], results["search_2"]
    lines = []
    for workers, f in ((1, one), (2, two)):
        lines.append(f"http search 10 clients, {workers} worker(s): {f['rps']:.1f} req/s, p50 {f['p50']:.1f} ms, "
                     f"p95 {f['p95']:.1f} ms, {f['cores']:.2f} cores busy (the load generator {f.get('client_cores', 0):.2f}), "
                     f"server CPU {f['cpu_ms']:.1f} ms per request, "
                     f"{f['errors']} errors")
    today = TODAY_RPS.get(n)
    errors = one["errors"] + two["errors"]
    if today is None:
        lines.append(f"goal serve-workers: 2 workers {two['rps']:.1f} req/s, 1 worker {one['rps']:.1f} req/s, no figure "
                     f"recorded before at {n:,} records (known: {', '.join(f'{k:,}' for k in TODAY_RPS)}) SKIP")
    else:
        ratio = two["rps"] / today
        ok = ratio >= GOALS["workers-rps"] and two["cores"] >= GOALS["workers-cores"] and errors == 0
        lines.append(
            f"goal serve-workers: 10 clients, 2 workers {two['rps']:.1f} req/s ({two['cores']:.2f} cores), 1 worker "
            f"{one['rps']:.1f} req/s ({one['cores']:.2f} cores), before {today} req/s at {n:,}; ratio {ratio:.2f}, "
            f"{errors} errors (goal >= {GOALS['workers-rps']:g}x before, >= {GOALS['workers-cores']:g} cores) "
            f"{'PASS' if ok else 'FAIL'}"
        )
        if not ok:
            lines.append("serve-workers profile: " + "; ".join(
                f"{workers} worker(s): {_where(f)}" for workers, f in ((2, two), (1, one))) + _first_errors(one, two))
    rec, rec20 = results["record"], results["record_20"]
    ok = rec["p95"] <= GOALS["record-p95"] and rec["errors"] == 0
    lines.append(f"goal record-page: 1 client p50 {rec['p50']:.1f} ms, p95 {rec['p95']:.1f} ms (20 clients: p95 "
                 f"{rec20['p95']:.0f} ms, {rec20['rps']:.0f} pages/s), {rec['errors']} errors "
                 f"(goal p95 <= {GOALS['record-p95']:g} ms) {'PASS' if ok else 'FAIL'}")
    if not ok:
        lines.append(f"record-page profile: 1 client: {_where(rec)}; 20 clients: {_where(rec20)}{_first_errors(rec)}")
    rss, pss = results.get("rss_mb"), results.get("pss_mb")
    ok = pss is not None and pss <= GOALS["memory"]
    lines.append(f"goal serve-memory: fonds serve --workers 2 after the load, all processes: PSS {pss or 0:.0f} MB "
                 f"(shared pages counted once; {_parts(results.get('pss_parts_mb'))}), sum of peak RSS {rss or 0:.0f} MB, "
                 f"at {n:,} records "
                 f"(goal PSS <= {GOALS['memory']:g} MB) {'PASS' if ok else 'FAIL'}")
    r, busy = results["readers_2"], results["readers_busy"]
    lines += readers.lines(r) + readers.lines(busy)
    ratio = r["p95"] / max(r["single_p50"], 1e-9)
    # Little's law: readers that never pause wait on average readers / throughput per request, whatever the server.
    floor = busy["readers"] / (busy["requests"] / busy["seconds"]) * 1000 if busy["requests"] else float("nan")
    ok = (r["errors"] == 0 and r["partial"] == 0 and ratio <= GOALS["readers-p95"]
          and busy["errors"] == 0 and busy["partial"] == 0)
    busy_text = (f"; never pausing: {busy['errors']} errors, {busy['partial']} partial, p95 {busy['p95']:.0f} ms, "
                 f"mean wait by Little's law {floor:.0f} ms")
    lines.append(
        f"goal readers: 50 readers + 1 writer{_nice(r)}, 2 workers, pausing {r.get('think', 0.0):g} s on average: {r['errors']} "
        f"errors, {r['partial']} partial records, p95 {r['p95']:.0f} ms, single-request p50 {r['single_p50']:.1f} ms, "
        f"ratio {ratio:.1f}{busy_text} (goal: 0 errors, 0 partial, ratio <= {GOALS['readers-p95']:g}) "
        f"{'PASS' if ok else 'FAIL'}"
    )
    if not ok:  # where the time went: the paced run's, and the saturated run's when it had errors
        lines.append(readers_profile.profile_line(r))
        if busy["errors"] or busy["partial"]:
            lines.append(readers_profile.profile_line(busy, label="readers profile (never pausing)"))
    return lines


def main() -> None:  # pragma: no cover - `python -m benchmarks.run --only serving` is the entry point
    from benchmarks.run import main as run

    run(["--only", "serving", *sys.argv[1:]])


if __name__ == "__main__":
    main()
