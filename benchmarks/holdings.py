"""An archive's holdings in bulk: a CSV of N rows (50,000 by default) read, and ingested.

    python -m benchmarks.holdings                # 50,000 rows
    python -m benchmarks.holdings --rows 200000
    make bench BENCH_ARGS="--only holdings"

Prints the seconds to read the rows into Records (csvfile.read), the seconds for the whole
`ingest()` (read, link names, store in one transaction) and the peak RSS of each step, measured
in a child process each so one does not inherit the other's memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
step, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
started = time.perf_counter()
if step == "read":
    from fonds.importers import csvfile
    from fonds.record import Record
    with path.open("rb") as source:
        count = sum(1 for item in csvfile.read(source, origin=str(path)) if isinstance(item, Record))
else:
    from fonds.ingest import ingest
    from fonds.store.sqlite import SQLiteStore
    with SQLiteStore(db) as store:
        report = ingest(store, [path])
        assert report.ok, report.rejected[:3]
        count = report.result.added
print(json.dumps({"records": count, "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_rows(path: Path, rows: int) -> None:
    """A CSV of fonds' columns: ids, titles, dates, a creator, subjects, a collection path, a summary."""
    with path.open("w", encoding="utf-8") as out:
        out.write("identifier,title,date,creator,subjects,collection,summary\n")
        for n in range(rows):
            out.write(
                f'B-{n},Report number {n} on the situation in Berlin,1962-08-{n % 28 + 1:02d},"Kennan, George F.",'
                f"Berlin|Diplomacy,Embassy > Series {n % 7},A summary of report {n} with a few more words.\n"
            )


def measure(rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "holdings.csv"
        write_rows(table, rows)
        figures: dict[str, Any] = {"rows": rows, "bytes": table.stat().st_size}
        for step in ("read", "ingest"):
            done = subprocess.run([sys.executable, "-c", CHILD, step, str(table), str(Path(folder) / "fonds.db")],
                                  capture_output=True, text=True, check=True)
            figures[step] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def lines(figures: dict[str, Any]) -> list[str]:
    rows = figures["rows"]
    read, ingested = figures["read"], figures["ingest"]
    return [
        f"CSV of {rows:,} rows ({figures['bytes'] / 1e6:.1f} MB):",
        f"  read into Records: {read['seconds']:.1f} s ({rows / read['seconds']:,.0f} rows/s), peak {read['peak_mb']:.0f} MB",
        f"  ingest (link, store): {ingested['seconds']:.1f} s ({rows / ingested['seconds']:,.0f} rows/s), peak {ingested['peak_mb']:.0f} MB",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="fonds: a CSV of holdings read and ingested")
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    print("\n".join(lines(measure(args.rows))))


if __name__ == "__main__":
    main()
