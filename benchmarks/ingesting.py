"""The ingest figure: fonds and the raw stack, each in a child process of its own, timed and watched.

Each side runs as `python -m benchmarks.ingesting fonds|raw DB INDEX LIST` (LIST: a file naming
the corpus files, one a line), so that its peak memory is its own: the parent samples the
resident set of the child and of every process under it (fonds's ingest workers) five times
a second and keeps the peak of their sum, both as resident set (pages shared after a fork
counted once per process: errs high) and as proportional set size (shared pages split: the
memory the tree uses). The child prints its figures as one JSON line.

fonds: `ingest()` then `Index.update()`, what `fonds ingest` runs, with the phases of
`IngestReport.seconds` (files: read, link, store; converge: reconcile and relink) and the CPU
seconds of the writing process and of its workers, so a missed goal says where the time went.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def fonds_ingest(files: Sequence[Path], db: str, index_path: Path,
                 follow: bool = os.environ.get("BENCH_INDEX_DURING") == "1") -> dict[str, Any]:
    """Ingest into a fresh store and index (the caller made them empty); figures as a dict. With
    `follow` (BENCH_INDEX_DURING=1), the index follows the change log during the ingest
    (fonds.index_following), as `fonds ingest --index-during` does; its CPU counts as the index's (`cpu_index`, `cpu_follower`), not the workers'."""
    from fonds.index import Index
    from fonds.index_following import following
    from fonds.ingest import ingest
    from fonds.store import open_store

    start = time.perf_counter()
    cpu0 = _cpu()
    store = open_store(db)
    index = Index(index_path)
    with following(store, index_path if follow else None) as follower:  # the index fills during the files phase
        report = ingest(store, files)
        stored = time.perf_counter()
    followed = time.perf_counter()
    cpu1 = _cpu()
    applied = index.update(store)  # the tail: what the follower had not applied
    done = time.perf_counter()
    cpu2 = _cpu()
    segments = index.index.searcher().num_segments
    follower_cpu = follower.cpu_seconds if follower is not None else 0.0
    searchable = index.count()
    store.close()
    if not report.ok or report.result.added != searchable:
        raise SystemExit(f"bench: fonds ingest went wrong: {report.summary()}; {searchable} records searchable")
    return {
        "records": report.result.added, "seconds": done - start, "store": stored - start, "index": done - stored,
        "changes": applied, "phases": report.seconds, "follower": follower is not None,
        "follower_wait": followed - stored, "segments": segments,
        "cpu_writer": cpu1[0] - cpu0[0], "cpu_workers": cpu1[1] - cpu0[1] - follower_cpu,
        "cpu_index": cpu2[0] - cpu1[0] + follower_cpu, "cpu_follower": follower_cpu,
    }


def raw_ingest(files: Sequence[Path], db: str, index_path: Path) -> dict[str, Any]:
    from benchmarks import raw

    cpu0 = _cpu()
    times = raw.ingest(files, Path(db), index_path)
    cpu1 = _cpu()
    return {"records": times.records, "seconds": times.seconds, "sqlite": times.sqlite_seconds,
            "tantivy": times.tantivy_seconds, "cpu": cpu1[0] - cpu0[0]}


def run(side: str, files: Sequence[Path], db: str, index_path: Path, work: Path) -> dict[str, Any]:
    """Run one side in a child process; its figures plus `peak_rss_mb` (the tree's sum)."""
    listing = work / f"files-{side}.txt"
    listing.write_text("".join(f"{path}\n" for path in files), encoding="utf-8")
    command = [sys.executable, "-m", "benchmarks.ingesting", side, db, str(index_path), str(listing)]
    log = work / f"ingest-{side}.log"
    with log.open("wb") as err:
        child = subprocess.Popen(command, cwd=HERE.parent, stdout=subprocess.PIPE, stderr=err)
        peak = peak_pss = peak_anon = 0
        while child.poll() is None:
            rss, pss, anon = _tree_memory_kb(child.pid)
            peak, peak_pss, peak_anon = max(peak, rss), max(peak_pss, pss), max(peak_anon, anon)
            time.sleep(0.2)
        out = child.stdout.read().decode() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"bench: {side} ingest failed ({child.returncode}); see {log}:\n{log.read_text()[-2000:]}")
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    figures["peak_rss_mb"] = peak / 1024
    figures["peak_pss_mb"] = peak_pss / 1024
    figures["peak_pss_anon_mb"] = peak_anon / 1024
    return figures


def _tree_memory_kb(pid: int) -> tuple[int, int, int]:
    """(resident kB, proportional kB, proportional anonymous kB) of a process and all of its
    descendants summed: the resident sum counts pages shared after a fork once per process, the
    proportional set size (PSS) splits them between the processes sharing them, so its sum is
    the memory used. Its anonymous part (`Pss_Anon`: heaps, stacks) leaves out the pages of files
    mapped into memory (Tantivy reads its segments through mmap: page cache the kernel can take
    back), which is what grows with the index while a large index is written and merged."""
    rss = pss = anon = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Pss_Anon:"):
                    anon += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return rss, pss, anon


def main(argv: Sequence[str]) -> None:
    side, db, index_path, listing = argv
    files = [Path(line) for line in Path(listing).read_text(encoding="utf-8").splitlines() if line]
    figures = (fonds_ingest if side == "fonds" else raw_ingest)(files, db, Path(index_path))
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1:])
