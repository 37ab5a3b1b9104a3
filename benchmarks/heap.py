"""What holds a serving process's anonymous memory after load: Python objects by package, and the rest.

    python -m benchmarks.heap DB INDEX N [--records 200] [--rounds 3]

Serves the archive from this process (the app `fonds serve` runs, on uvicorn in a thread, views in
VIEW_THREADS threads as a worker does), with tracemalloc on from before fonds is imported, and puts
the serving benchmark's load on it (benchmarks/serving.py: the search mix at 10 clients, `rounds`
passes; `records` random record pages at 1 client, then at 20). Then prints, from
/proc/self/smaps_rollup and /proc/self/smaps and tracemalloc:

- the process's anonymous memory (`Anonymous:`: heaps, stacks, what glibc's malloc holds);
- what tracemalloc traces (every allocation through Python's allocators: Python objects and buffers)
  by the package or module that allocated it, the biggest first;
- the anonymous mappings by kind: the main heap (brk), glibc's per-thread malloc arenas (64 MB
  reserved regions and the mappings that follow them), and other anonymous mappings (Python's
  arenas, Rust's and SQLite's large blocks, thread stacks);
- the SQLite connections the store holds and the page cache each may fill (PRAGMA cache_size);
- the anonymous memory again once tracemalloc is stopped and glibc's `malloc_trim(0)` has given back
  what it held free: the difference is memory freed after a request but kept by malloc.

Anonymous memory not traced by tracemalloc is native: Tantivy's (Rust) allocations, SQLite's page
caches and statements, glibc's free lists and per-thread arenas, thread stacks. tracemalloc's own
bookkeeping (about 2x what it traces, in its tables) is in the anonymous figure too; the figure
without tracemalloc is the serving benchmark's.
"""

from __future__ import annotations

import tracemalloc

tracemalloc.start(1)

import argparse  # noqa: E402
import ctypes  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ARENA = 64 * 1024 * 1024  # glibc's per-thread arena reservation (HEAP_MAX_SIZE on 64-bit)


def package_of(filename: str) -> str:
    """`fonds.index`, `tantivy`, `sqlite3`, `<frozen importlib._bootstrap>`... from a traceback's file name."""
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/src/", "/lib/python3.11/"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            parts = rest.removesuffix(".py").split("/")
            if parts[0] == "fonds":
                return ".".join(parts[:2])
            return parts[0]
    return path


def rollup() -> dict[str, int]:
    """/proc/self/smaps_rollup in kB."""
    found = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        found[name] = int(value.split()[0])
    return found


def anonymous_mappings() -> dict[str, int]:
    """Anonymous (no file) mappings' resident kB, by kind: brk heap, 64 MB malloc arenas, the rest."""
    parts: dict[str, int] = defaultdict(int)
    kind = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split(None, 1)[0]
        if "-" in head and not head.endswith(":"):
            fields = line.split(None, 5)
            path = fields[5].strip() if len(fields) > 5 else ""
            start, end = (int(x, 16) for x in head.split("-"))
            if path == "[heap]":
                kind = "main heap (brk)"
            elif path.startswith("[stack"):
                kind = "main stack"
            elif path:
                kind = ""
            elif start % ARENA == 0 and end - start <= ARENA:
                kind = "malloc arenas (64 MB regions)"
            else:
                kind = "other anonymous mappings"
        elif head == "Rss:" and kind:
            parts[kind] += int(line.split()[1])
    return dict(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("index", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--phases", action="store_true", help="anonymous memory after each load phase (malloc_trim between)")
    parser.add_argument("--no-trace", action="store_true", help="tracemalloc off (its tables out of the figures)")
    args = parser.parse_args(argv)
    if args.no_trace:
        tracemalloc.stop()

    import uvicorn

    from benchmarks import corpus, httpload
    from benchmarks.queries import MIX
    from fonds.config import Settings
    from fonds.store import open_store
    from fonds.web.app import create_app

    settings = Settings(db=args.db, index=str(args.index))
    store = open_store(args.db)
    app = create_app(store, settings)
    port = httpload.free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.05)
    start = rollup()
    urls = [httpload.fonds_search_url(s) for s in MIX]
    rng = random.Random(corpus.SEED)
    width = max(7, len(str(args.n)))
    records = [f"/records/bench-{rng.randrange(args.n):0{width}d}" for _ in range(args.records)]
    began = time.perf_counter()
    libc = ctypes.CDLL("libc.so.6")
    phases = (("searches, 10 clients", urls, 10, args.rounds), ("record pages, 1 client", records, 1, 1),
              ("record pages, 20 clients", records, 20, 1))
    for name, phase_urls, clients, rounds in phases:
        httpload.run_load(base, phase_urls, clients=clients, rounds=rounds, budget_seconds=600)
        if args.phases:  # each phase's anonymous memory, and what malloc keeps free of it
            held = rollup()["Anonymous"]
            libc.malloc_trim(0)
            print(f"after {name}: anonymous {held / 1024:.0f} MB, {rollup()['Anonymous'] / 1024:.0f} MB after malloc_trim(0)")
    loaded = time.perf_counter() - began
    end = rollup()
    by_package: dict[str, int] = defaultdict(int)
    traced_stats = tracemalloc.take_snapshot().statistics("filename") if tracemalloc.is_tracing() else []
    for stat in traced_stats:
        by_package[package_of(stat.traceback[0].filename)] += stat.size
    traced = sum(by_package.values())
    overhead = tracemalloc.get_tracemalloc_memory()
    connections = len(getattr(store, "_connections", []))
    cache_kb = 0
    if connections:
        pages = int(store.db.execute("PRAGMA cache_size").fetchone()[0])  # type: ignore[attr-defined]
        size = int(store.db.execute("PRAGMA page_size").fetchone()[0])  # type: ignore[attr-defined]
        cache_kb = -pages if pages < 0 else pages * size // 1024
    mb = 1024.0
    print(f"heap after load: {args.n:,} records, {loaded:.0f} s of load ({len(urls) * args.rounds} searches at 10 "
          f"clients, {len(records)} record pages at 1 and at 20 clients)")
    print(f"load average {' '.join(f'{x:.2f}' for x in __import__('os').getloadavg())}")
    print(f"process: RSS {end['Rss'] / mb:.0f} MB, anonymous {end['Anonymous'] / mb:.0f} MB "
          f"(after start-up {start['Anonymous'] / mb:.0f} MB), PSS {end['Pss'] / mb:.0f} MB")
    print(f"traced by tracemalloc (Python allocators): {traced / 2**20:.0f} MB; its own tables "
          f"{overhead / 2**20:.0f} MB; anonymous not traced (native + tables): "
          f"{end['Anonymous'] / mb - traced / 2**20:.0f} MB")
    for name, size in sorted(by_package.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {size / 2**20:7.1f} MB  {name}")
    print("anonymous mappings, resident:")
    for name, kb in sorted(anonymous_mappings().items(), key=lambda kv: -kv[1]):
        print(f"  {kb / mb:7.1f} MB  {name}")
    print(f"SQLite: {connections} connections open, each page cache up to {cache_kb / 1024:.1f} MB "
          f"(at most {connections * cache_kb / 1024:.0f} MB); threads alive: {threading.active_count()}")
    segments = len(list(args.index.glob("*.store")))
    print(f"index: {segments} segments (stored-field files) in {args.index}")
    tracemalloc.stop()  # its tables freed: what is left is the process's own
    libc.malloc_trim(0)  # glibc gives back the free memory it holds at the top of each heap
    trimmed = rollup()
    print(f"after tracemalloc stopped and malloc_trim(0): anonymous {trimmed['Anonymous'] / mb:.0f} MB "
          f"(freed but held by malloc before: {(end['Anonymous'] - trimmed['Anonymous']) / mb:.0f} MB incl. tracemalloc's tables)")
    for name, kb in sorted(anonymous_mappings().items(), key=lambda kv: -kv[1]):
        print(f"  {kb / mb:7.1f} MB  {name}")
    server.should_exit = True
    thread.join(10)
    store.close()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
