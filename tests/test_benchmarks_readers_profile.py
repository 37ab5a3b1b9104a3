"""Where the readers' time goes while a writer ingests (benchmarks/readers_profile.py): latencies
split by whether an ingest ran, the server's time on a core and waiting for one, and the writer
run nicer as docs/deployment.md says."""

from __future__ import annotations

import os
import sys
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
