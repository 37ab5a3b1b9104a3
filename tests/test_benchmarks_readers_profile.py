"""Where the readers' time goes while a writer ingests (benchmarks/readers_profile.py): latencies
split by whether an ingest ran, the server's time on a core and waiting for one, and the writer
run nicer as docs/deployment.md says."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import readers_profile  # noqa: E402


def test_latencies_and_server_time_are_split_by_whether_an_ingest_ran() -> None:
    ingests = [(10.0, 14.0, 6.0)]  # one ingest from t=10 to t=14, 6 CPU seconds: 1.5 cores
    requests = [(1.0, 1.005), (2.0, 2.004), (11.0, 11.2), (13.9, 14.1), (20.0, 20.006)]
    samples = [  # time, server on a core, server waiting, writer on a core, writer waiting (seconds so far)
        (0.0, 0.0, 0.0, 0.0, 0.0),
        (10.0, 1.0, 0.1, 0.0, 0.0),  # 10 s without an ingest: 0.1 cores, 0.01 waiting
        (14.0, 1.8, 2.1, 5.0, 0.4),  # 4 s of ingest: 0.2 cores, 0.5 waiting
        (20.0, 2.4, 2.2, 5.0, 0.4),
    ]
    split = readers_profile.split(requests, ingests, samples)
    assert split["ingesting_share"] == 4 / 20 and split["ingest_cores"] == 1.5 and split["ingests"] == 1
    assert split["during"]["requests"] == 2 and split["outside"]["requests"] == 3
    assert round(split["during"]["p95"]) == 200 and round(split["outside"]["p50"]) == 5
    assert round(split["during"]["server_waiting"], 3) == 0.5 and round(split["during"]["server_cores"], 3) == 0.2
    assert round(split["outside"]["server_waiting"], 3) == round(0.2 / 16, 3)
    assert split["writer_wait_s"] == 0.4


def result(split: dict[str, Any]) -> dict[str, Any]:
    return {"profile": split, "writer_nice": 10, "client_cores": 0.08, "load": "0.50 0.40 0.30"}


def test_the_profile_line_says_where_the_time_went() -> None:
    split = readers_profile.split([(11.0, 11.2), (1.0, 1.005)], [(10.0, 14.0, 6.0)],
                                  [(0.0, 0, 0, 0, 0), (10.0, 1.0, 0.1, 0, 0), (14.0, 1.8, 2.1, 5.0, 0.4)])
    line = readers_profile.profile_line(result(split))
    assert line.startswith("readers profile: the writer at nice 10 ingesting 29% of the run (1 ingests, 6.0 CPU s, "
                           "1.50 cores while running, 0.4 s waiting for a core)")
    assert "while an ingest ran: 1 requests, p50 200.0 ms" in line and "waiting for one 0.50" in line
    assert "while none ran: 1 requests, p50 5.0 ms" in line and "load average 0.50 0.40 0.30" in line


def test_a_niced_ingest_runs_nicer_and_its_cpu_is_counted() -> None:
    running: list[int] = []
    command = [sys.executable, "-c", "import os, time\nprint(os.nice(0))\nend = time.process_time() + 0.2\n"
               "while time.process_time() < end: pass\nopen(os.environ['OUT'], 'w').write(str(os.nice(0)))"]
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"nice-{os.getpid()}.txt"
    began = time.monotonic()
    ended, cpu = readers_profile.ingest_once(command, {**os.environ, "OUT": str(out)}, 5, running)
    try:
        assert int(out.read_text()) == os.nice(0) + 5
    finally:
        out.unlink(missing_ok=True)
    assert ended > began and cpu >= 0.2 and running == []


def test_schedstat_counts_this_process_time_on_a_core() -> None:
    on_core, waiting = readers_profile.schedstat([os.getpid()])
    end = time.process_time() + 0.1
    while time.process_time() < end:
        pass
    assert readers_profile.schedstat([os.getpid()])[0] >= on_core + 0.09 and waiting >= 0


def test_threads_are_sampled_under_their_priority() -> None:
    figures = readers_profile.thread_figures([os.getpid()])
    assert figures and all(klass == f"nice {os.getpriority(os.PRIO_PROCESS, 0)}" or klass.startswith("nice ")
                           for klass, _, _ in figures.values())
    parts: dict[tuple[str, str], list[float]] = {}
    later = {tid: (klass, on + 0.5, wait + 0.25) for tid, (klass, on, wait) in figures.items()}
    readers_profile._by_priority(figures, {**later, 1: ("idle", 2.0, 1.0)}, "writer", parts)
    assert parts[("writer", "idle")] == [2.0, 1.0]  # a thread started since counts whole
    main = figures[threading.get_native_id()][0]
    assert round(parts[("writer", main)][0], 6) == round(0.5 * sum(1 for k, _, _ in figures.values() if k == main), 6)


def test_the_tail_says_what_ran_while_the_slowest_requests_were_answered() -> None:
    requests = [(float(n), n + 0.01) for n in range(19)] + [(20.0, 21.0)]  # one slow request, at 20-21 s
    intervals = [(0.0, 10.0, {("server", "nice 0"): [1.0, 0.5], ("server", "idle"): [0.1, 0.0]}),
                 (20.0, 21.0, {("server", "nice 0"): [0.8, 1.5], ("writer", "idle"): [0.9, 0.0]})]
    tail = readers_profile.tail(requests, [(19.5, 25.0, 3.0)], intervals, [19.0])
    assert tail["requests"] == 1 and round(tail["threshold"]) == 1000
    assert tail["during_ingest"] == 1.0 and tail["after_checkpoint"] == 1.0 and tail["checkpoints"] == 1
    assert tail["slow"] == {"nice 0": 0.8, "waiting": 1.5, "writer": 0.9}
    assert round(tail["run"]["waiting"], 3) == round(2.0 / 11, 3) and round(tail["run"]["idle"], 3) == round(0.1 / 11, 3)
    line = readers_profile.tail_text({"tail": tail})
    assert line.startswith("tail: the slowest 1 requests (>= 1000 ms): 100% while an ingest ran, 100% within 2 s "
                           "after one of 1 checkpoints; while they were answered the server waited for a core 1.50 cores")


def test_the_tail_counts_the_cores_other_processes_took() -> None:
    parts = {("server", "nice 0"): [0.8, 1.5], ("writer", "idle"): [0.9, 0.0], ("client", "readers"): [0.1, 0.0],
             ("machine", "busy"): [2.0, 0.0]}
    tail = readers_profile.tail([(20.0, 21.0)], [], [(20.0, 21.0, parts)], [])
    assert round(tail["slow"]["others"], 6) == 0.2 and tail["slow"]["writer"] == 0.9
    assert readers_profile.priorities([(20.0, 21.0, parts)], 1.0) == {"server": {"nice 0": (0.8, 1.5)},
                                                                      "writer": {"idle": (0.9, 0.0)}}
    assert readers_profile.machine_busy() > 0


def test_the_profile_line_names_the_writers_priority_and_each_threads() -> None:
    intervals = [(0.0, 10.0, {("server", "nice 0"): [2.0, 1.0], ("writer", "idle"): [4.0, 3.0],
                              ("writer", "nice 0"): [0.5, 0.0]})]
    split = readers_profile.split([(1.0, 1.2)], [(0.5, 5.0, 4.5)], [(0.0, 0, 0, 0, 0), (10.0, 2.0, 1.0, 4.5, 3.0)],
                                  intervals, [])
    line = readers_profile.profile_line({**result(split), "writer_background": True, "writer_nice": 0})
    assert line.startswith("readers profile: the writer at idle priority (fonds ingest --background) ingesting")
    assert "server threads by priority: nice 0 0.20 cores (waiting 0.10)" in line
    assert "writer threads by priority: idle 4.0 CPU s, nice 0 0.5 CPU s" in line
