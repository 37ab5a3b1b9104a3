"""Costs that must follow the work, not the archive (issue 18), each against a baseline in the same run.

1. incremental: `fonds ingest` of the same 1,000 new records into a copy of the
   N-record archive and into a 1,000-record archive; goal: the N archive costs at most
   1.5x the small one (wall seconds of the whole command, as a user waits for it).
2. start-up: `fonds serve` on the N archive, from process start to its first answer
   to a search (the index already caught up); goal <= 2 s. The same on the small
   archive is printed beside it.
3. ingest memory: peak RSS of the ingest of all N records in a child process (with its
   worker processes: the sum), beside the raw baseline (json + sqlite3 + tantivy,
   benchmarks/raw.py) in one too; goal <= 1 GB. A full run takes it from the ingest figure
   (benchmarks/ingesting.py) rather than ingesting all N records once more.

Every command runs as a separate process, so a figure is what a user's terminal shows.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from benchmarks import corpus, databases, httpload, ingesting

EXTRA = 1_000
EXTRA_SEED = 1_0007
GOALS = {"incremental": 1.5, "startup": 2.0, "ingest-memory": 1024.0}


def _fonds() -> list[str]:
    return [sys.executable, "-m", "fonds.cli"]


CPU: dict[str, float] = {}  # the CPU seconds of the last child each figure ran (`_children_cpu`)


def _children_cpu() -> float:
    """User + system CPU seconds of every child process waited for so far (and of their children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], cwd: Path) -> float:
    """Wall seconds of a child process (its CPU seconds in CPU["run"]); raises when it fails."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    CPU["run"] = _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def extra_records(work: Path) -> Path:
    """1,000 records none of the corpora has (ids bench-extra-NNNN), one JSON Lines file."""
    path = work / "extra-1000.jsonl"
    if not path.is_file():
        with path.open("w", encoding="utf-8") as out:
            for number, record in enumerate(corpus.generate(EXTRA, seed=EXTRA_SEED)):
                record["id"] = f"bench-extra-{number:04d}"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _copy_archive(db: str, index: Path, to: Path) -> tuple[str, Path]:
    """A copy of the archive (store and index) in `to` (a PostgreSQL store: a database beside it)."""
    if to.exists():
        shutil.rmtree(to)
    to.mkdir(parents=True)
    copied = databases.copy(db, databases.renamed(db, "big") if databases.is_postgres(db) else str(to / "fonds.db"))
    shutil.copytree(index, to / "fonds.db.index")
    return copied, to / "fonds.db.index"


def _ingest(db: str | Path, index: Path, files: Sequence[Path], cwd: Path) -> float:
    return _run([*_fonds(), "--db", str(db), "--index", str(index), "ingest", *map(str, files)], cwd)


def _startup(db: str | Path, index: Path, cwd: Path) -> float:
    """Seconds from starting `fonds serve` to its first 200 answer to a search (the CPU seconds it
    used until then in CPU["startup"])."""
    start = time.perf_counter()
    server = httpload.start_fonds(db, index, cwd, timeout=600)
    seconds = time.perf_counter() - start
    CPU["startup"] = server.cpu_seconds()
    server.stop()
    return seconds


def measure(files: Sequence[Path], work: Path, db: str | None = None, index: Path | None = None,
            ingest_figures: dict[str, Any] | None = None) -> dict[str, Any]:
    """The three figures; `db` and `index` hold the N-record archive made by the ingest figure
    (default: `fonds.db` and its index in `work`). With `ingest_figures` (that figure's results,
    measured in a child process), the ingest memory is taken from them instead of ingesting
    all N records once more."""
    db = db or str(work / "fonds.db")
    index = index or work / "fonds.db.index"
    scratch = work / "scale"
    scratch.mkdir(exist_ok=True)
    extra = extra_records(scratch)
    big_db, big_index = _copy_archive(db, index, scratch / "big")
    small = scratch / "small"
    if small.exists():
        shutil.rmtree(small)
    small.mkdir()
    small_db = databases.fresh(databases.renamed(db, "small") if databases.is_postgres(db) else str(small / "fonds.db"))
    small_index = small / "fonds.db.index"
    print("bench: scale: a 1,000-record archive", file=sys.stderr)
    _ingest(small_db, small_index, files[:1], scratch)
    results: dict[str, Any] = {}
    print("bench: scale: start-up", file=sys.stderr)
    results["startup_big_s"] = _startup(big_db, big_index, scratch)
    results["startup_big_cpu_s"] = CPU["startup"]
    results["startup_small_s"] = _startup(small_db, small_index, scratch)
    results["startup_small_cpu_s"] = CPU["startup"]
    print("bench: scale: adding 1,000 records", file=sys.stderr)
    results["add_big_s"] = _ingest(big_db, big_index, [extra], scratch)
    results["add_big_cpu_s"] = CPU["run"]
    results["add_small_s"] = _ingest(small_db, small_index, [extra], scratch)
    results["add_small_cpu_s"] = CPU["run"]
    results["load"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    shutil.rmtree(scratch / "big")
    databases.drop(big_db)
    databases.drop(small_db)
    if ingest_figures is not None:
        results["ingest_rss_mb"] = ingest_figures["fonds"]["peak_rss_mb"]
        results["ingest_pss_mb"] = ingest_figures["fonds"].get("peak_pss_mb", results["ingest_rss_mb"])
        results["ingest_anon_mb"] = ingest_figures["fonds"].get("peak_pss_anon_mb")
        results["raw_rss_mb"] = ingest_figures["raw"]["peak_rss_mb"]
        return results
    print("bench: scale: ingest memory", file=sys.stderr)
    mem = scratch / "memory"
    if mem.exists():
        shutil.rmtree(mem)
    mem.mkdir()
    mem_db = databases.fresh(databases.renamed(db, "memory") if databases.is_postgres(db) else str(mem / "fonds.db"))
    measured = ingesting.run("fonds", files, mem_db, mem / "fonds.db.index", mem)
    results["ingest_rss_mb"] = measured["peak_rss_mb"]
    results["ingest_pss_mb"] = measured["peak_pss_mb"]
    results["ingest_anon_mb"] = measured.get("peak_pss_anon_mb")
    results["raw_rss_mb"] = ingesting.run("raw", files, str(mem / "raw.db"), mem / "raw.index", mem)["peak_rss_mb"]
    shutil.rmtree(mem)
    databases.drop(mem_db)
    return results


def _wall_cpu(results: dict[str, Any], key: str) -> str:
    cpu = results.get(f"{key}_cpu_s")
    return f"wall {results[f'{key}_s']:.2f} s, CPU " + (f"{cpu:.2f} s" if cpu is not None else "not measured")


def goals(n: int, results: dict[str, Any]) -> list[str]:
    """The goal lines of the three figures."""
    ratio = results["add_big_s"] / results["add_small_s"]
    ok = ratio <= GOALS["incremental"]
    lines = [
        f"goal incremental: adding 1,000 records to {n:,} takes {results['add_big_s']:.1f} s, to 1,000 takes "
        f"{results['add_small_s']:.1f} s, ratio {ratio:.2f} (goal <= {GOALS['incremental']:g}) {'PASS' if ok else 'FAIL'}",
    ]
    if not ok:
        lines.append(f"incremental profile: {_wall_cpu(results, 'add_big')} into {n:,}, {_wall_cpu(results, 'add_small')} "
                     f"into 1,000 (CPU of `fonds ingest` and its workers; wall beyond it is waiting: disk, locks, "
                     f"other processes); load average {results.get('load', '?')}")
    ok = results["startup_big_s"] <= GOALS["startup"]
    lines.append(
        f"goal startup: fonds serve answers {results['startup_big_s']:.2f} s after start at {n:,} records "
        f"({results['startup_small_s']:.2f} s at 1,000) (goal <= {GOALS['startup']:g} s) {'PASS' if ok else 'FAIL'}"
    )
    if not ok:
        lines.append(f"startup profile: {_wall_cpu(results, 'startup_big')} at {n:,}, "
                     f"{_wall_cpu(results, 'startup_small')} at 1,000 (CPU of `fonds serve` until its first answer); "
                     f"load average {results.get('load', '?')}")
    pss = results.get("ingest_pss_mb", results["ingest_rss_mb"])
    ok = pss <= GOALS["ingest-memory"]
    anon = results.get("ingest_anon_mb")
    of_which = f", of which anonymous (heaps, not mapped index files) {anon:.0f} MB" if anon is not None else ""
    lines.append(
        f"goal ingest-memory: fonds ingest of {n:,} records peaks at {pss:.0f} MB (sum of PSS of the writer and its "
        f"workers{of_which}; sum of RSS {results['ingest_rss_mb']:.0f} MB), raw at {results['raw_rss_mb']:.0f} MB "
        f"(goal <= {GOALS['ingest-memory']:.0f} MB) {'PASS' if ok else 'FAIL'}"
    )
    return lines
