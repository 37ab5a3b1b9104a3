"""The serving benchmark's load generator and readers goal line (benchmarks/httpload.py,
benchmarks/serving.py): the load counts what a client would count, and the readers line says PASS
only when paced readers meet the ratio and readers that never pause see no error."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import httpload, readers_profile, serving  # noqa: E402


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as uvicorn answers
    connections: set[int] = set()

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        Handler.connections.add(id(self.connection))
        if self.path == "/drop":  # the server goes away mid-request
            self.close_connection = True
            self.connection.close()
            return
        body = b"ok" if self.path.startswith("/ok") else b"no"
        self.send_response(200 if self.path.startswith("/ok") else 500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.connections = set()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_load_counts_answers_and_failures_and_keeps_its_connections(base: str) -> None:
    urls = ["/ok/1", "/ok/2", "/bad", "/drop"]
    load = httpload.run_load(base, urls, clients=2, rounds=5, budget_seconds=30)
    assert load.requests == 20
    assert len(load.latencies_ms) == 10  # the two /ok pages, five rounds
    assert sorted({error.split()[0] for error in load.errors}) == ["500", "RemoteDisconnected"]
    assert len(load.errors) == 10
    # keep-alive: a connection is opened per client and again only after a dropped one
    assert len(Handler.connections) <= 2 + 5
    assert load.client_cpu_seconds > 0 and load.wall_seconds > 0


def readers(errors: int = 0, partial: int = 0, p95: float = 20.0, think: float = 1.0) -> dict[str, Any]:
    profile = readers_profile.split([(1.0, 1.0 + p95 / 1000), (20.0, 20.008)], [(0.5, 5.0, 4.0)],
                                    [(0.0, 0, 0, 0, 0), (5.0, 1.0, 2.0, 4.0, 0.5), (30.0, 3.0, 2.5, 4.0, 0.5)])
    return {"workers": 2, "readers": 50, "seconds": 30.0, "think": think, "single_p50": 8.0, "single_p95": 9.0,
            "p50": 10.0, "p95": p95, "requests": 1500, "errors": errors, "first_errors": [], "partial": partial,
            "writer_nice": 10, "client_cores": 0.1, "load": "1.00 1.00 1.00", "profile": profile}


def search(rps: float) -> dict[str, Any]:
    return {"rps": rps, "p50": 5.0, "p95": 9.0, "errors": 0, "cores": 1.7, "cpu_ms": 8.0, "client_cores": 0.05}


def goal_and_after(results: dict[str, Any]) -> list[str]:
    """The readers goal line and the lines after it."""
    base = {"search_1": search(90), "search_2": search(150),
            "record": {"p50": 8.0, "p95": 12.0, "errors": 0}, "record_20": {"p95": 40.0, "rps": 200.0},
            "rss_mb": 300.0, "pss_mb": 250.0}
    lines = serving.goals(10_000, {**base, **results})
    return lines[next(i for i, line in enumerate(lines) if line.startswith("goal readers")):]


def goal(results: dict[str, Any]) -> str:
    return goal_and_after(results)[0]


def test_paced_readers_pass_when_quick_and_unsaturated_readers_have_no_error() -> None:
    line = goal({"readers_2": readers(p95=30.0), "readers_busy": readers(p95=400.0, think=0.0)})
    assert line.endswith("PASS") and "pausing 1 s on average" in line and "ratio 3.8" in line
    assert "never pausing: 0 errors" in line and "Little's law" in line


def test_readers_fail_on_a_slow_p95_or_on_an_error_under_saturation() -> None:
    slow = goal({"readers_2": readers(p95=33.0), "readers_busy": readers(think=0.0)})
    broken = goal({"readers_2": readers(), "readers_busy": readers(errors=1, think=0.0)})
    torn = goal({"readers_2": readers(partial=1), "readers_busy": readers(think=0.0)})
    assert slow.endswith("FAIL") and "ratio 4.1" in slow
    assert broken.endswith("FAIL") and "never pausing: 1 errors" in broken
    assert torn.endswith("FAIL")


def test_a_missed_readers_goal_is_followed_by_where_the_time_went() -> None:
    slow = goal_and_after({"readers_2": readers(p95=213.0), "readers_busy": readers(think=0.0)})
    assert slow[0].endswith("FAIL") and "1 writer at nice 10" in slow[0]
    assert len(slow) == 2 and slow[1].startswith("readers profile: the writer at nice 10 ingesting 15% of the run")
    assert "while an ingest ran: 1 requests, p50 213.0 ms" in slow[1] and "waiting for one 0.40" in slow[1]
    broken = goal_and_after({"readers_2": readers(), "readers_busy": readers(errors=2, think=0.0)})
    assert [line.split(":")[0] for line in broken] == ["goal readers", "readers profile", "readers profile (never pausing)"]
    quick = goal_and_after({"readers_2": readers(p95=30.0), "readers_busy": readers(think=0.0)})
    assert quick == [quick[0]] and quick[0].endswith("PASS")


def served(rps: float, cores: float, p95: float = 9.0, errors: int = 0) -> dict[str, Any]:
    return {"rps": rps, "p50": 5.0, "p95": p95, "errors": errors, "first_errors": ["500 /records/x"] if errors else [],
            "cores": cores, "cpu_ms": 8.0, "client_cores": 0.05, "on_core": cores, "waiting": 0.9, "load": "5.1 4.0 3.0"}


def all_lines(**results: Any) -> list[str]:
    base = {"search_1": served(90, 1.0), "search_2": served(150, 1.7),
            "record": served(200, 0.9), "record_20": served(300, 1.8), "rss_mb": 300.0, "pss_mb": 250.0,
            "readers_2": readers(p95=30.0), "readers_busy": readers(think=0.0)}
    return serving.goals(10_000, {**base, **results})


def test_missed_serving_goals_say_whether_the_server_worked_or_waited_for_a_core() -> None:
    lines = all_lines(search_2=served(97.3, 0.86), record=served(100, 0.5, p95=60.0, errors=1))
    workers = lines.index(next(line for line in lines if line.startswith("goal serve-workers")))
    assert lines[workers].endswith("FAIL")
    assert lines[workers + 1].startswith("serve-workers profile: 2 worker(s): server CPU 8.0 ms per request")
    assert "on a core 0.86 cores, waiting for one 0.90" in lines[workers + 1] and "load average 5.1" in lines[workers + 1]
    record = lines.index(next(line for line in lines if line.startswith("goal record-page")))
    assert lines[record].endswith("FAIL") and lines[record + 1].startswith("record-page profile: 1 client: server CPU")
    assert "first errors: 500 /records/x" in lines[record + 1]
    passing = all_lines()
    assert not any("profile" in line for line in passing)
