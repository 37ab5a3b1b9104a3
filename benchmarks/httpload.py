"""Search over HTTP: `fonds serve` against Datasette over SQLite FTS5, on loopback only.

Datasette runs from its own virtualenv (benchmarks/.venv-datasette), made here on
first use, never from the project's. Load comes from a bounded thread pool of
keep-alive clients (the standard library's http.client: about 0.34 ms of CPU a
request against httpx's 1.09 ms, measured on this machine, so that the load
generator, which shares the server's two cores, takes as little of them as it
can): a fixed number of requests, and a time budget after which no new request
starts. `Load.client_cpu_seconds` says what the generator itself used.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import httpx

from benchmarks.queries import Search

HERE = Path(__file__).resolve().parent
DATASETTE_VENV = HERE / ".venv-datasette"
DATASETTE = "datasette==0.65.*"  # the release the figures were measured against (docs/benchmarks.md)
HOST = "127.0.0.1"
PAGE_SIZE = 20
DATASETTE_SETTINGS = {
    # Long limits, so that slow queries finish (and are timed) instead of failing.
    "sql_time_limit_ms": "120000",
    "facet_time_limit_ms": "120000",
    # fonds suggests no facets; neither should the baseline.
    "suggest_facets": "off",
    "default_page_size": str(PAGE_SIZE),
}
DATASETTE_FACETS = ("lang", "repository", "type", "year", "volume")


# -- servers ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def peak_rss_mb(self) -> float | None:
        """VmHWM of the server process (and of its children, if it forked workers), in MB."""
        pids = [self.process.pid, *_children(self.process.pid)]
        peaks = [_vm_hwm_kb(pid) for pid in pids]
        known = [p for p in peaks if p is not None]
        return sum(known) / 1024 if known else None

    def pss_mb(self) -> float | None:
        """Proportional set size now, summed over the server process and its children, in MB: pages
        the processes share (libraries, the index's mapped files) counted once, split between them."""
        total = 0
        found = False
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        found = True
            except OSError:
                continue
        return total / 1024 if found else None

    def pss_parts_mb(self, index: Path | None = None) -> dict[str, float]:
        """Where the processes' PSS is, in MB, from /proc/PID/smaps: `heap` (anonymous memory: the
        Python heap, SQLite's page caches, Tantivy's own allocations), `index` (mapped files of the
        index folder), `db` (mapped store files), `code` (libraries and other mapped files)."""
        parts = {"heap": 0, "index": 0, "db": 0, "code": 0}
        folder = str(index.resolve()) if index is not None else None
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                text = Path(f"/proc/{pid}/smaps").read_text()
            except OSError:
                continue
            part = "heap"
            for line in text.splitlines():
                head = line.split(None, 1)[0]
                if "-" in head and not head.endswith(":"):  # a mapping's first line: address range, ..., path
                    fields = line.split(None, 5)
                    path = fields[5] if len(fields) > 5 else ""
                    if not path or path.startswith("["):
                        part = "heap"
                    elif folder and path.startswith(folder):
                        part = "index"
                    elif ".db" in path:
                        part = "db"
                    else:
                        part = "code"
                elif head == "Pss:":
                    parts[part] += int(line.split()[1])
        return {name: kb / 1024 for name, kb in parts.items()}

    def cpu_seconds(self) -> float:
        """User + system CPU seconds used so far by the server process and its live children."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        return total / ticks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}; see {server.log}")
        try:
            if httpx.get(server.base + path, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)  # a start-up figure is at most this late
    server.stop()
    raise RuntimeError(f"{server.name} did not answer {path} within {timeout:.0f} s; see {server.log}")


def fonds_web_available() -> str | None:
    """None when the web app can be served, else why not."""
    try:
        from fonds.web import app  # noqa: F401
    except ImportError as error:
        return f"the fonds web app is not importable yet ({error})"
    if not hasattr(app, "create_app"):
        return "fonds.web.app has no create_app yet"
    return None


def start_fonds(db: str | Path, index: Path, work: Path, *, timeout: float = 120, workers: int = 1,
                ready_path: str = "/search.json?q=soviet") -> Server:
    """`fonds serve` in a subprocess, with `workers` worker processes (`serve --workers`); returns once
    it answers `ready_path` (a search). Nothing else runs in between, so the time this takes is the
    server's start-up."""
    port = free_port()
    log = work / "fonds-serve.log"
    env = {**os.environ, "FONDS_DB": str(db), "FONDS_INDEX": str(index)}
    command = [sys.executable, "-m", "fonds.cli", "--db", str(db), "--index", str(index), "serve",
               "--host", HOST, "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work)
    server = Server("fonds serve", process, f"http://{HOST}:{port}", log)
    _wait_ready(server, ready_path, timeout)
    return server


def ensure_datasette() -> Path:
    """The datasette executable in the benchmark's own virtualenv, installed on first use (DATASETTE: the
    release is pinned so that runs on different days compare the same baseline)."""
    exe = DATASETTE_VENV / "bin" / "datasette"
    if exe.exists():
        return exe
    print("bench: installing datasette into benchmarks/.venv-datasette (once)", file=sys.stderr)
    subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
    subprocess.run([str(DATASETTE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", DATASETTE], check=True)
    return exe


def build_datasette_db(files: Sequence[Path], path: Path) -> float:
    """The records as one table plus an FTS5 index (porter stemming), by plain SQL. Returns seconds."""
    start = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(
        """
        CREATE TABLE records (
            id TEXT PRIMARY KEY, title TEXT, summary TEXT, text TEXT, persons TEXT, person_ids TEXT,
            lang TEXT, repository TEXT, type TEXT, volume TEXT, year INTEGER,
            earliest TEXT, latest TEXT, date_text TEXT
        );
        """
    )
    for name in ("lang", "repository", "type", "volume", "year", "earliest", "latest"):
        db.execute(f"CREATE INDEX records_{name} ON records ({name})")
    for file in files:
        rows = []
        for line in file.read_text(encoding="utf-8").splitlines():
            data = json.loads(line) if line.strip() else None
            if data is not None and "id" in data:  # the first file's dump lines ({"entity": ...}) are no records
                rows.append(_row(data))
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO records VALUES ({', '.join('?' * 14)})", rows)
        db.execute("COMMIT")
    db.executescript(
        """
        CREATE VIRTUAL TABLE records_fts USING fts5(
            title, summary, text, persons,
            content="records", content_rowid="rowid", tokenize='porter unicode61 remove_diacritics 2'
        );
        INSERT INTO records_fts (rowid, title, summary, text, persons)
            SELECT rowid, title, summary, text, persons FROM records;
        INSERT INTO records_fts (records_fts) VALUES ('optimize');
        VACUUM;
        """
    )
    db.close()
    return time.perf_counter() - start


def _row(data: dict[str, Any]) -> tuple[Any, ...]:
    date = data.get("date") or {}
    source = data.get("source") or {}
    persons = data.get("persons") or []
    languages = list(data.get("original_languages") or []) or [
        r["language"] for r in data.get("renditions") or [] if r.get("language")
    ]
    earliest = date.get("earliest")
    return (
        data["id"],
        data["title"],
        data.get("summary"),
        "\n\n".join(r.get("text") or "" for r in data.get("renditions") or []),
        " ; ".join(p["name"] for p in persons),
        json.dumps(sorted({p["id"] for p in persons})),
        languages[0] if languages else None,
        source.get("repository"),
        data.get("type"),
        (data.get("collections") or [None])[0],
        int(earliest[:4]) if earliest else None,
        earliest,
        date.get("latest"),
        date.get("text"),
    )


def start_datasette(db: Path, work: Path, *, timeout: float = 120) -> Server:
    exe = ensure_datasette()
    port = free_port()
    log = work / "datasette.log"
    command = [str(exe), "serve", "-i", str(db), "--host", HOST, "--port", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, value]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=work)
    server = Server("datasette", process, f"http://{HOST}:{port}", log)
    _wait_ready(server, f"/{db.stem}/records.json?_size=1", timeout)
    return server


# -- requests --------------------------------------------------------------------------------------


def fonds_search_url(search: Search) -> str:
    params = {"q": search.fonds}
    if search.offset:
        params["page"] = str(search.offset // PAGE_SIZE + 1)
    return "/search.json?" + urllib.parse.urlencode(params)


def datasette_search_urls(searches: Sequence[Search], db: Path) -> list[str]:
    """Table-API URLs; deep pages get the `_next` key of the row before the page, looked up once."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    urls = []
    for search in searches:
        params: list[tuple[str, str]] = [("_size", str(PAGE_SIZE)), ("_searchmode", "raw")]
        params += [("_facet", name) for name in DATASETTE_FACETS]
        params.append(("_facet_array", "person_ids"))
        params += list(search.datasette.items())
        if search.offset:
            text = search.datasette.get("_search")
            row = conn.execute(
                "SELECT id FROM records WHERE rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?) "
                "ORDER BY id LIMIT 1 OFFSET ?",
                (text, search.offset - 1),
            ).fetchone()
            if row:
                params.append(("_next", row[0]))
        urls.append(f"/{db.stem}/records.json?" + urllib.parse.urlencode(params))
    conn.close()
    return urls


@dataclass
class Load:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    client_cpu_seconds: float = 0.0  # CPU the load generator's own process used meanwhile

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + len(self.errors)


def run_load(base: str, urls: Sequence[str], *, clients: int, rounds: int, budget_seconds: float) -> Load:
    """Send every URL `rounds` times from `clients` threads; a request that fails or isn't 200 is an error."""
    work = [url for _ in range(rounds) for url in urls]
    random.Random(len(work)).shuffle(work)  # a phase cut short by its budget still samples the whole mix
    lock = threading.Lock()
    load = Load()
    position = 0
    deadline = time.monotonic() + budget_seconds

    address = urllib.parse.urlsplit(base)

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(address.hostname or HOST, address.port, timeout=300)

    def client() -> None:
        nonlocal position
        conn = connect()
        try:
            while True:
                with lock:
                    if position >= len(work) or time.monotonic() > deadline:
                        return
                    url = work[position]
                    position += 1
                start = time.perf_counter()
                try:
                    conn.request("GET", url)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                    problem = f"{response.status} {url}"
                except (OSError, http.client.HTTPException) as error:
                    ok, problem = False, f"{type(error).__name__} {url}"
                    conn.close()
                    conn = connect()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    if ok:
                        load.latencies_ms.append(elapsed)
                    else:
                        load.errors.append(problem)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu = time.process_time()
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.wall_seconds = time.perf_counter() - start
    load.client_cpu_seconds = time.process_time() - cpu
    return load
