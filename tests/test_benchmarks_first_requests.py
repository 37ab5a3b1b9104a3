"""Each search's first request (benchmarks/first_requests.py) and the search-http-latency goal line
(benchmarks/report.py): the HTTP phase starts from no shared facet counts, the first requests are
timed apart from repeated ones, and a missed goal says where the first requests' time went."""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import first_requests, report  # noqa: E402

ANSWERS = {  # the search's hit count, whether its counts were deferred
    "/search.json?q=rare": (12, False),
    "/search.json?q=common": (30_000, True),
    "/search.json?q=middle": (8_000, False),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.path not in ANSWERS:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        total, deferred = ANSWERS[self.path]
        body = json.dumps({"total": total, "hits": [], "facets_deferred": deferred}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Served:
    """What first_requests.measure reads of a server: where it answers and its CPU so far."""

    base: str
    cpu: float = 0.0

    def cpu_seconds(self) -> float:
        self.cpu += 0.15  # 0.15 s of server CPU between the two readings
        return self.cpu


@pytest.fixture
def served() -> Iterator[Served]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()


def test_clearing_shared_counts_leaves_the_index_and_says_whether_there_were_any(tmp_path: Path) -> None:
    index = tmp_path / "fonds.db.index"
    (index / "facet-counts").mkdir(parents=True)
    (index / "facet-counts" / "3-abc.json").write_text("{}")
    (index / "meta.json").write_text("{}")
    assert first_requests.clear_shared_counts(index) is True
    assert not (index / "facet-counts").exists() and (index / "meta.json").exists()
    assert first_requests.clear_shared_counts(index) is False  # nothing left: a fresh server's state


def test_each_search_is_asked_once_with_its_hits_and_deferral(served: Served) -> None:
    urls = ["/search.json?q=rare", "/search.json?q=common", "/search.json?q=middle", "/search.json?q=broken"]
    first = first_requests.measure(served, urls)  # type: ignore[arg-type]
    assert first["requests"] == 4 and first["errors"] == 1 and "500" in first["first_errors"][0]
    assert [(a["total"], a["deferred"]) for a in first["answers"][:3]] == [(12, False), (30_000, True), (8_000, False)]
    assert first["cpu_ms"] == pytest.approx(150 / 4)  # the server's CPU over the pass, per request
    assert 0 < first["p50"] <= first["p95"]


def answer(url: str, ms: float, total: int, deferred: bool = False) -> dict[str, Any]:
    return {"url": url, "ms": ms, "total": total, "deferred": deferred, "error": None}


def figures(p50: float, p95: float, answers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"p50": p50, "p95": p95, "errors": 0, "requests": 50, "cpu_ms": 9.5, "answers": answers or []}


def test_latency_goal_is_judged_on_first_requests_not_on_repeated_ones() -> None:
    slow_first = figures(42.9, 140.3, [
        answer('/search.json?q=%22n+s+khrushchev%22', 140.3, 900),
        answer("/search.json?q=soviet", 30.0, 30_000, deferred=True),
        answer("/search.json?q=berlin&page=3", 25.0, 9_000),
        answer("/search.json?q=rusk", 4.0, 300),
    ])
    lines = report.latency_lines(1_000_000, slow_first, figures(13.0, 50.0))
    assert lines[0].startswith("goal search-http-latency") and lines[0].endswith("FAIL")
    assert "first request" in lines[0] and "p95 140.3 ms" in lines[0] and "asked again: p50 13.0 ms" in lines[0]
    profile = lines[1]  # the missed goal says where the first requests' time went
    assert profile.startswith("search-http-latency profile")
    assert "server CPU 9.5 ms per request" in profile and "mean wall time" in profile
    assert "> 20,000 hits (counts deferred): 1 searches" in profile
    assert "5,000-20,000 hits (counts computed inline and written to disk): 1 searches" in profile
    assert 'slowest: "n s khrushchev" 140 ms (900 hits), soviet 30 ms' in profile and "berlin p3 25 ms" in profile


def test_latency_goal_passes_on_quick_first_requests_with_no_profile() -> None:
    lines = report.latency_lines(10_000, figures(6.0, 21.0), figures(4.4, 21.7))
    assert len(lines) == 1 and lines[0].endswith("PASS") and "0 errors at 10,000 records" in lines[0]
