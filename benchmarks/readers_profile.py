"""Where the readers' time goes while a writer ingests (benchmarks/readers.py, issue 18's "FAIL with
a profile").

- `Sampler`: every SAMPLE_SECONDS, the scheduler's figures of every thread of the server's
  processes (`/proc/PID/task/TID/schedstat`: nanoseconds on a core, nanoseconds runnable but
  waiting for one) and of the writer's ingest processes. Waiting for a core is what the
  machine's other work costs the server; on a core is its own work.
- `split`: the readers' latencies split by whether an ingest ran while each was answered, and
  the server's CPU and wait split the same way.
- `profile_line`: those figures as the line printed under the readers' goal line.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Sequence

SAMPLE_SECONDS = 0.2


def children(pid: int) -> list[int]:
    """The process's children (not their children), from /proc; [] once it is gone."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    """The process and every process under it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children(current)
    return found


def schedstat(pids: Sequence[int]) -> tuple[float, float]:
    """Seconds on a core and seconds runnable but waiting for a core, summed over every live thread
    of the processes (/proc/PID/task/TID/schedstat; threads already ended are not counted)."""
    on_core = waiting = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                fields = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()
            except OSError:
                continue
            on_core += int(fields[0])
            waiting += int(fields[1])
    return on_core / 1e9, waiting / 1e9


def ingest_once(command: list[str], env: dict[str, str], nice: int, running: list[int]) -> tuple[float, float]:
    """Run one `fonds ingest` (`nice` steps nicer than this process when > 0, its worker processes
    too); its pid is in `running` while it runs. Returns when it ended (monotonic clock) and the
    CPU seconds (user + system) it and the children it waited for used."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=(lambda: os.nice(nice)) if nice > 0 else None)
    running.append(process.pid)
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        running.remove(process.pid)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    return time.monotonic(), usage.ru_utime + usage.ru_stime


class Sampler:
    """Samples, in a thread of its own, the server's and the writer's scheduler figures (`schedstat`)
    as (monotonic time, server on core, server waiting, writer on core, writer waiting)."""

    def __init__(self, server_pid: int, writer_pids: Callable[[], Sequence[int]]) -> None:
        self.server_pid = server_pid
        self.writer_pids = writer_pids
        self.samples: list[tuple[float, float, float, float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        server = schedstat(descendants(self.server_pid))
        writer_pids = [p for pid in list(self.writer_pids()) for p in descendants(pid)]
        writer = schedstat(writer_pids)
        self.samples.append((time.monotonic(), *server, *writer))

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def __enter__(self) -> Sampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def split(requests: Sequence[tuple[float, float]], ingests: Sequence[tuple[float, float, float]],
          samples: Sequence[tuple[float, float, float, float, float]]) -> dict[str, Any]:
    """The readers' latencies (`requests`: (start, end) on the monotonic clock) split by whether an
    ingest (`ingests`: (start, end, CPU seconds)) ran while each was answered, in ms; the server's
    seconds on a core and waiting for one (from the Sampler's `samples`) split by whether an ingest
    ran in each sampling interval; and the writer's share of the run, CPU and wait."""
    def overlaps(start: float, end: float) -> bool:
        return any(start < i_end and i_start < end for i_start, i_end, _ in ingests)

    during = [(end - start) * 1000 for start, end in requests if overlaps(start, end)]
    outside = [(end - start) * 1000 for start, end in requests if not overlaps(start, end)]
    server = {"during": [0.0, 0.0, 0.0], "outside": [0.0, 0.0, 0.0]}  # seconds of wall, on a core, waiting
    writer_core = writer_wait = 0.0
    for before, after in zip(samples, samples[1:]):
        part = server["during" if overlaps(before[0], after[0]) else "outside"]
        part[0] += after[0] - before[0]
        part[1] += max(0.0, after[1] - before[1])  # a worker that ended takes its threads' figures with it
        part[2] += max(0.0, after[2] - before[2])
        writer_core += max(0.0, after[3] - before[3])
        writer_wait += max(0.0, after[4] - before[4])
    wall = samples[-1][0] - samples[0][0] if len(samples) > 1 else 0.0
    busy = sum(end - start for start, end, _ in ingests)
    cpu = sum(c for _, _, c in ingests)
    return {
        "wall": wall, "ingests": len(ingests), "ingesting_share": busy / wall if wall else 0.0,
        "ingest_cpu_s": cpu, "ingest_cores": cpu / busy if busy else 0.0,
        "writer_wait_s": writer_wait, "writer_core_s": writer_core,
        **{
            name: {
                "requests": len(times), "p50": percentile(times, .5), "p95": percentile(times, .95),
                "seconds": server[name][0], "server_cores": server[name][1] / server[name][0] if server[name][0] else 0.0,
                "server_waiting": server[name][2] / server[name][0] if server[name][0] else 0.0,
            }
            for name, times in (("during", during), ("outside", outside))
        },
    }


def profile_line(result: dict[str, Any], *, label: str = "readers profile") -> str:
    """`readers profile: ...`: where the readers' time went (see `split`): their latencies while an
    ingest ran and while none did, the server's cores on a core and waiting for one in each case
    (threads runnable but not running: other work had the cores), and what the writer used."""
    p = result["profile"]
    nice = f" at nice {result['writer_nice']}" if result.get("writer_nice") else ""

    def part(name: str, label: str) -> str:
        f = p[name]
        return (f"{label}: {f['requests']} requests, p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, server on a core "
                f"{f['server_cores']:.2f} cores, waiting for one {f['server_waiting']:.2f}")

    return (
        f"{label}: the writer{nice} ingesting {p['ingesting_share']:.0%} of the run ({p['ingests']} ingests, "
        f"{p['ingest_cpu_s']:.1f} CPU s, {p['ingest_cores']:.2f} cores while running, {p['writer_wait_s']:.1f} s "
        f"waiting for a core); {part('during', 'while an ingest ran')}; {part('outside', 'while none ran')}; "
        f"readers' client {result['client_cores']:.2f} cores; load average {result.get('load', '?')}"
    )
