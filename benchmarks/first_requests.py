"""Each search's first request to a fresh `fonds serve`, apart from the same searches asked again
(issue 18: search over HTTP at 1M, p50 <= 20 ms and p95 <= 50 ms sequential).

An archive's readers mostly ask searches the server has not answered before, so the sequential
latency goal is judged on first requests: a server started on an index with no facet counts
shared beside it (`facet-counts/`, src/fonds/facet_counts.py; the library-search phase of
`make bench` runs on the same index folder and would leave them there), each search of the mix
asked once, one at a time. The repeated requests (the same mix asked again on the same server)
are printed beside them.

When the goal is missed, `profile_line` says where the time of first requests went: the server's
CPU per request against the wall time, the facet counts (computed inline, deferred, none), and
the slowest searches with their hit counts.
"""

from __future__ import annotations

import http.client
import json
import shutil
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from benchmarks import httpload

READY_PATH = "/search.json?q=readiness"  # the readiness probe of a fresh server: a search not in the mix


def clear_shared_counts(index: Path) -> bool:
    """Delete the facet counts kept on disk beside `index` (its `facet-counts/` folder), so that a
    server started next finds none, as a fresh archive's server does. Only call it while no server
    reads `index`. Returns whether there were any."""
    from fonds import facet_counts

    folder = Path(index) / facet_counts.FOLDER
    had = folder.is_dir() and any(folder.iterdir())
    shutil.rmtree(folder, ignore_errors=True)
    return had


@dataclass
class Answer:
    """One first request: the URL, its wall time in ms, the search's hit count and what the
    answer said of its facet counts (`deferred`: left for a second request)."""

    url: str
    ms: float
    total: int
    deferred: bool
    error: str | None = None


def measure(server: httpload.Server, urls: Sequence[str]) -> dict[str, Any]:
    """Every URL once, in order, from one keep-alive client, with the server's CPU seconds around
    the whole pass (`httpload.Server.cpu_seconds`). Returns `p50`, `p95` (ms), `requests`,
    `errors`, `first_errors`, `cpu_ms` (server CPU per request) and `answers` (a list of dicts
    like `Answer`)."""
    address = urllib.parse.urlsplit(server.base)
    conn = http.client.HTTPConnection(address.hostname or httpload.HOST, address.port, timeout=300)
    answers: list[Answer] = []
    cpu = server.cpu_seconds()
    try:
        for url in urls:
            start = time.perf_counter()
            try:
                conn.request("GET", url)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(address.hostname or httpload.HOST, address.port, timeout=300)
                answers.append(Answer(url, (time.perf_counter() - start) * 1000, 0, False, type(error).__name__))
                continue
            ms = (time.perf_counter() - start) * 1000
            if response.status != 200:
                answers.append(Answer(url, ms, 0, False, f"{response.status}"))
                continue
            data = _json(body)
            answers.append(Answer(url, ms, int(data.get("total") or 0), bool(data.get("facets_deferred"))))
    finally:
        conn.close()
    used = server.cpu_seconds() - cpu
    return summary(answers, used)


def _json(body: bytes) -> dict[str, Any]:
    """The answer's JSON object; {} for a body that is not one (Datasette's answers have no `total`)."""
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank, as `run.pct` (not imported from there: `python -m
    benchmarks.run` runs it as __main__, and importing it again would load a second copy)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summary(answers: Sequence[Answer], server_cpu_seconds: float) -> dict[str, Any]:
    """The figures of a first-request pass (see `measure`), from its answers and the server's CPU."""
    times = [a.ms for a in answers if a.error is None]
    errors = [f"{a.error} {a.url}" for a in answers if a.error is not None]
    return {
        "p50": pct(times, 50), "p95": pct(times, 95), "requests": len(answers), "errors": len(errors),
        "first_errors": errors[:3], "cpu_ms": server_cpu_seconds / len(answers) * 1000 if answers else float("nan"),
        "answers": [vars(a) for a in answers],
    }


def _search_text(url: str) -> str:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    text = query.get("q", [url])[0]
    return text + (f" p{query['page'][0]}" if "page" in query else "")


def profile_line(first: dict[str, Any], *, inline_hits: int, disk_over: int, slowest: int = 3) -> str:
    """`search-http-latency profile: ...`: where the first requests' time went. `inline_hits` is the
    web's bound above which uncached counts are deferred, `disk_over` the hit count above which
    counts are shared on disk (facet_counts.INLINE_HITS, DISK_OVER): a search of at most
    `inline_hits` hits had its facet counts computed in its first request."""
    answers = [a for a in first["answers"] if a.get("error") is None]
    mean = sum(a["ms"] for a in answers) / len(answers) if answers else float("nan")
    def band(answer: dict[str, Any]) -> int:
        return 2 if answer["deferred"] else 1 if answer["total"] > disk_over else 0

    labels = (f"<= {disk_over:,} hits (counts computed inline)",
              f"{disk_over:,}-{inline_hits:,} hits (counts computed inline and written to disk)",
              f"> {inline_hits:,} hits (counts deferred)")
    parts = []
    for number, label in enumerate(labels):
        times = [a["ms"] for a in answers if band(a) == number]
        if times:
            parts.append(f"{label}: {len(times)} searches, {sum(times):.0f} ms in all, max {max(times):.0f} ms")
    worst = sorted(answers, key=lambda a: -a["ms"])[:slowest]
    worst_text = ", ".join(f"{_search_text(a['url'])} {a['ms']:.0f} ms ({a['total']:,} hits)" for a in worst)
    return (
        f"search-http-latency profile (first requests): server CPU {first['cpu_ms']:.1f} ms per request of a "
        f"{mean:.1f} ms mean wall time; {'; '.join(parts)}; slowest: {worst_text}"
    )
