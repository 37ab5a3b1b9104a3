"""Where the readers' time goes while a writer ingests (benchmarks/readers.py, issue 18's "FAIL with
a profile").

- `Sampler`: every SAMPLE_SECONDS, the scheduler's figures of every thread of the server's
  processes (`/proc/PID/task/TID/schedstat`: nanoseconds on a core, nanoseconds runnable but
  waiting for one) and of the writer's ingest processes, each thread under its priority (`idle`
  for SCHED_IDLE, else `nice N`: /proc/PID/task/TID/stat), and when the index's checkpoint file
  changed. Waiting for a core is what the machine's other work costs the server; on a core is
  its own work.
- `split`: the readers' latencies split by whether an ingest ran while each was answered, and
  the server's CPU and wait split the same way; the CPU of each priority (does every thread of
  the writer, and the server's follower, really run at the priority asked?); and the tail: the
  slowest 5 % of requests, and what ran while they were answered.
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
SCHED_IDLE = 5  # Linux's policy number (os.SCHED_IDLE)
TAIL = 0.95  # the tail: requests at or above this percentile of the run
AFTER_CHECKPOINT = 2.0  # seconds after the index's checkpoint moved that a request counts as "after a checkpoint"


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


def machine_busy() -> float:
    """Seconds the machine's cores have been busy since boot, all cores together (/proc/stat's `cpu`
    line: user, nice, system, irq, softirq, steal); 0 where it cannot be read."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / ticks


def thread_figures(pids: Sequence[int]) -> dict[int, tuple[str, float, float]]:
    """Every live thread of the processes: tid -> (priority, seconds on a core, seconds waiting for
    one); the priority is `idle` (SCHED_IDLE) or `nice N` (/proc/PID/task/TID/stat fields 19, 41)."""
    found: dict[int, tuple[str, float, float]] = {}
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                fields = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()
            except OSError:
                continue
            after = stat[stat.rindex(")") + 2:].split()  # after the thread's name, from field 3 (state) on
            klass = "idle" if after[38] == str(SCHED_IDLE) else f"nice {after[16]}"
            found[int(tid)] = (klass, int(fields[0]) / 1e9, int(fields[1]) / 1e9)
    return found


def _by_priority(before: dict[int, tuple[str, float, float]], after: dict[int, tuple[str, float, float]],
                 who: str, into: dict[tuple[str, str], list[float]]) -> None:
    """Add each thread's seconds on a core and waiting since `before` (all of them for a thread
    started since) under (who, its priority)."""
    for tid, (klass, on_core, waiting) in after.items():
        old = before.get(tid)
        base_on, base_wait = (old[1], old[2]) if old is not None else (0.0, 0.0)
        part = into.setdefault((who, klass), [0.0, 0.0])
        part[0] += max(0.0, on_core - base_on)
        part[1] += max(0.0, waiting - base_wait)


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
    as (monotonic time, server on core, server waiting, writer on core, writer waiting); each
    interval's seconds by thread priority (`intervals`: (start, end, {(who, priority): [on core,
    waiting]})); and when the index's checkpoint file (`checkpoint`) changed (`moves`)."""

    def __init__(self, server_pid: int, writer_pids: Callable[[], Sequence[int]],
                 checkpoint: Path | None = None) -> None:
        self.server_pid = server_pid
        self.writer_pids = writer_pids
        self.checkpoint = checkpoint
        self.samples: list[tuple[float, float, float, float, float]] = []
        self.intervals: list[tuple[float, float, dict[tuple[str, str], list[float]]]] = []
        self.moves: list[float] = []
        self._threads: dict[str, dict[int, tuple[str, float, float]]] = {"server": {}, "writer": {}}
        self._mark: Any = None
        self._busy = (0.0, 0.0)  # machine_busy() and this process's CPU seconds at the last sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        now = time.monotonic()
        server_pids = descendants(self.server_pid)
        writer_pids = [p for pid in list(self.writer_pids()) for p in descendants(pid)]
        server, writer = thread_figures(server_pids), thread_figures(writer_pids)
        busy, client = machine_busy(), time.process_time()
        self.samples.append((now, sum(f[1] for f in server.values()), sum(f[2] for f in server.values()),
                             sum(f[1] for f in writer.values()), sum(f[2] for f in writer.values())))
        if len(self.samples) > 1:
            parts: dict[tuple[str, str], list[float]] = {}
            _by_priority(self._threads["server"], server, "server", parts)
            _by_priority(self._threads["writer"], writer, "writer", parts)
            parts[("machine", "busy")] = [max(0.0, busy - self._busy[0]), 0.0]
            parts[("client", "readers")] = [max(0.0, client - self._busy[1]), 0.0]
            self.intervals.append((self.samples[-2][0], now, parts))
        self._threads = {"server": server, "writer": writer}
        self._busy = (busy, client)
        if self.checkpoint is not None:
            try:
                stat = self.checkpoint.stat()
                mark: Any = (stat.st_ino, stat.st_mtime_ns)
            except OSError:
                mark = None
            if self._mark is not None and mark != self._mark:
                self.moves.append(now)
            self._mark = mark

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


Interval = tuple[float, float, dict[tuple[str, str], list[float]]]


def split(requests: Sequence[tuple[float, float]], ingests: Sequence[tuple[float, float, float]],
          samples: Sequence[tuple[float, float, float, float, float]],
          intervals: Sequence[Interval] = (), moves: Sequence[float] = ()) -> dict[str, Any]:
    """The readers' latencies (`requests`: (start, end) on the monotonic clock) split by whether an
    ingest (`ingests`: (start, end, CPU seconds)) ran while each was answered, in ms; the server's
    seconds on a core and waiting for one (from the Sampler's `samples`) split by whether an ingest
    ran in each sampling interval; the writer's share of the run, CPU and wait; the CPU of each
    thread priority (`priorities`, from the Sampler's `intervals`) and the tail (`tail`)."""
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
        "priorities": priorities(intervals, wall), "tail": tail(requests, ingests, intervals, moves),
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


def priorities(intervals: Sequence[Interval], wall: float) -> dict[str, dict[str, tuple[float, float]]]:
    """{"server" | "writer": {priority: (seconds on a core, seconds waiting for one)}} over the run."""
    found: dict[str, dict[str, tuple[float, float]]] = {"server": {}, "writer": {}}
    for _, _, parts in intervals:
        for (who, klass), (on_core, waiting) in parts.items():
            if who in found:
                old = found[who].get(klass, (0.0, 0.0))
                found[who][klass] = (old[0] + on_core, old[1] + waiting)
    return found


def tail(requests: Sequence[tuple[float, float]], ingests: Sequence[tuple[float, float, float]],
         intervals: Sequence[Interval], moves: Sequence[float]) -> dict[str, Any]:
    """The slowest requests (at or above the TAIL percentile): how many, their threshold in ms, the
    share answered while an ingest ran and the share begun within AFTER_CHECKPOINT s after the index's
    checkpoint moved (`moves`); and, over the sampling intervals they overlap against the whole run,
    the server's cores waiting for a core and on a core by thread priority (`nice 0`: the request
    threads; others: the follower), and `others`: the cores the machine was busy with neither the
    server, the writer nor the readers' client (other processes on a shared machine)."""
    times = [(end - start) * 1000 for start, end in requests]
    threshold = percentile(times, TAIL)
    slow = [(start, end) for start, end in requests if (end - start) * 1000 >= threshold] if times else []

    def share(test: Callable[[float, float], bool]) -> float:
        return sum(1 for start, end in slow if test(start, end)) / len(slow) if slow else 0.0

    during = share(lambda a, b: any(a < i_end and i_start < b for i_start, i_end, _ in ingests))
    after = share(lambda a, b: any(m <= b and a < m + AFTER_CHECKPOINT for m in moves))

    def cores(chosen: Sequence[Interval]) -> dict[str, float]:
        wall = sum(end - start for start, end, _ in chosen)
        sums: dict[str, float] = {}
        for _, _, parts in chosen:
            if ("machine", "busy") in parts:
                ours = sum(on_core for (who, _), (on_core, _) in parts.items() if who != "machine")
                sums["others"] = sums.get("others", 0.0) + max(0.0, parts[("machine", "busy")][0] - ours)
            for (who, klass), (on_core, waiting) in parts.items():
                if who == "server":
                    sums[klass] = sums.get(klass, 0.0) + on_core
                    sums["waiting"] = sums.get("waiting", 0.0) + waiting
                elif who == "writer":
                    sums["writer"] = sums.get("writer", 0.0) + on_core
        return {name: value / wall for name, value in sums.items()} if wall else {}

    hit = [iv for iv in intervals if any(a < iv[1] and iv[0] < b for a, b in slow)]
    return {"requests": len(slow), "threshold": threshold, "during_ingest": during, "after_checkpoint": after,
            "checkpoints": len(moves), "slow": cores(hit), "run": cores(intervals)}


def _priority_text(p: dict[str, Any]) -> str:
    """`server threads: nice 0 0.80 cores (waiting 0.30), idle 0.10 (0.50); writer: idle 5.1 CPU s`."""
    wall = p.get("wall") or 1.0
    by = p.get("priorities") or {}
    server = ", ".join(f"{k} {on / wall:.2f} cores (waiting {w / wall:.2f})" for k, (on, w) in sorted(by.get("server", {}).items()))
    writer = ", ".join(f"{k} {on:.1f} CPU s" for k, (on, _) in sorted(by.get("writer", {}).items()))
    return f"server threads by priority: {server or '-'}; writer threads by priority: {writer or '-'}"


def tail_text(p: dict[str, Any]) -> str:
    """Where the slowest 5 % went, in one sentence (see `tail`)."""
    t = p.get("tail")
    if not t or not t["requests"]:
        return "tail: no requests"
    slow, run = t["slow"], t["run"]
    follower = sum(v for k, v in slow.items() if k not in ("nice 0", "waiting", "others", "writer"))
    follower_run = sum(v for k, v in run.items() if k not in ("nice 0", "waiting", "others", "writer"))
    return (f"tail: the slowest {t['requests']} requests (>= {t['threshold']:.0f} ms): {t['during_ingest']:.0%} while an "
            f"ingest ran, {t['after_checkpoint']:.0%} within {AFTER_CHECKPOINT:g} s after one of {t['checkpoints']} "
            f"checkpoints; while they were answered the server waited for a core {slow.get('waiting', 0):.2f} cores "
            f"(run: {run.get('waiting', 0):.2f}), its request threads ran {slow.get('nice 0', 0):.2f} "
            f"(run: {run.get('nice 0', 0):.2f}), its follower {follower:.2f} (run: {follower_run:.2f}), "
            f"the writer {slow.get('writer', 0):.2f} (run: {run.get('writer', 0):.2f}), other processes on the "
            f"machine {slow.get('others', 0):.2f} (run: {run.get('others', 0):.2f})")


def writer_priority(result: dict[str, Any]) -> str:
    """` at idle priority (fonds ingest --background)`, ` at nice 10` or `` (as the bench)."""
    if result.get("writer_background"):
        return " at idle priority (fonds ingest --background)"
    return f" at nice {result['writer_nice']}" if result.get("writer_nice") else ""


def profile_line(result: dict[str, Any], *, label: str = "readers profile") -> str:
    """`readers profile: ...`: where the readers' time went (see `split`): their latencies while an
    ingest ran and while none did, the server's cores on a core and waiting for one in each case
    (threads runnable but not running: other work had the cores), and what the writer used."""
    p = result["profile"]
    nice = writer_priority(result)

    def part(name: str, label: str) -> str:
        f = p[name]
        return (f"{label}: {f['requests']} requests, p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, server on a core "
                f"{f['server_cores']:.2f} cores, waiting for one {f['server_waiting']:.2f}")

    return (
        f"{label}: the writer{nice} ingesting {p['ingesting_share']:.0%} of the run ({p['ingests']} ingests, "
        f"{p['ingest_cpu_s']:.1f} CPU s, {p['ingest_cores']:.2f} cores while running, {p['writer_wait_s']:.1f} s "
        f"waiting for a core); {part('during', 'while an ingest ran')}; {part('outside', 'while none ran')}; "
        f"{_priority_text(p)}; {tail_text(p)}; "
        f"readers' client {result['client_cores']:.2f} cores; load average {result.get('load', '?')}"
    )
