"""CPU priority of background work: the threads and processes that must not slow the pages.

Two levels, both per thread on Linux (a thread's scheduling is its own; threads and processes it
starts afterwards inherit it, so Tantivy's indexing threads and an ingest's forked workers do):

- `lower_thread(steps)`: `steps` nicer (CFS weight 1024 at nice 0, 110 at nice 10: the niced
  thread still gets about a tenth of a core the others want).
- `idle_thread()` / `idle_process()`: SCHED_IDLE, allowed unprivileged on Linux. The thread runs
  only when no thread of normal priority wants the core (weight 3, below nice 19's 15), so an
  ingest or an index follower beside a server takes the cores the server leaves and no more.

The price of SCHED_IDLE is priority inversion: a lock an idle thread holds waits with it. Where a
request thread can wait on such a lock (the GIL of a single-process `fonds serve`, the SQLite write
lock of a staff edit while an ingest writes), the caller chooses; docs/deployment.md says which.

All return False where the system does not allow it (not Linux, a seccomp filter): then nothing
changed and the work runs as before.
"""

from __future__ import annotations

import os
import threading

IDLE = "idle"


def lower_thread(steps: int) -> bool:
    """Make the calling thread `steps` nicer; the other threads of the process keep their niceness."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + steps)
        return True
    except (OSError, AttributeError):
        return False


def idle_thread(tid: int = 0) -> bool:
    """Run thread `tid` (0: the calling thread) under SCHED_IDLE."""
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))  # type: ignore[attr-defined,unused-ignore]
        return True
    except (OSError, AttributeError):
        return False


def idle_process() -> bool:
    """Run every thread of this process under SCHED_IDLE, and so every thread and process it starts
    afterwards (forked ingest workers, Tantivy's indexing and merging threads). True if all were set."""
    try:
        tids = [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:
        tids = [0]
    return all([idle_thread(tid) for tid in tids])


def policy(tid: int = 0) -> str:
    """`idle` for a SCHED_IDLE thread, else `nice N` (its niceness); for reports and tests."""
    try:
        if os.sched_getscheduler(tid) == getattr(os, "SCHED_IDLE", -1):
            return IDLE
        return f"nice {os.getpriority(os.PRIO_PROCESS, tid or threading.get_native_id())}"
    except (OSError, AttributeError):
        return "unknown"
