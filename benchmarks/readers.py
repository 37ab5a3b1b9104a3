"""50 readers and 1 writer for a minute against `fonds serve` (issue 17).

    python -m benchmarks.readers --seconds 60 --readers 50 --workers 2 --think 1

Builds a store from the shared corpus (Wilson Center records and one FRUS volume), starts
`fonds serve` on a free loopback port, measures the single-request latency of record pages and
searches (one client, one request at a time), then runs READERS threads asking for record pages,
their JSON twins and searches while one writer ingests another FRUS volume and re-ingests a
changed record. A reader counts an error for any status but 200 and a *partial record* for a JSON
twin that is not a whole Record (no id, title or renditions). It prints the single-request p50,
then errors, partial records, requests and p50/p95 under load, and their ratio to the single
p50. Exit status 1 on any error. Goal: 0 errors, p95 at most 4x the single-request latency.

The writer's ingests run as docs/deployment.md recommends running an ingest beside a serving
archive: `fonds ingest --background` (idle CPU priority for every process and thread of the
ingest); with `--no-background`, `--writer-nice` (default WRITER_NICE, 10) steps nicer than the
readers and the server instead. Under the figures, `readers profile:` says where the time went
(benchmarks/readers_profile.py): the readers' latencies while an ingest ran and while none did,
the server's threads on a core and waiting for one, the CPU of each thread priority, and the
slowest 5 % of requests: what ran while they were answered.

`--think S`: each reader pauses a random 0 to 2S seconds after each answer, as a person reads a
page before the next (mean S), and the readers' first requests are spread the same way (a random
0 to 2S seconds after the start), not all sent at the same instant. With S = 0 the readers never pause: 50 requests are always in
flight, and by Little's law each waits on average 50 / throughput, whatever the server does; that
run measures errors under saturation, not latency.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Sequence

import httpx

from benchmarks import readers_profile

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
WRITER_NICE = 10  # with --no-background, the writer runs `nice -n 10 fonds ingest` (the recommendation until round 7)
PATHS = ["/records/wcda-110485", "/records/wcda-110485.json", "/records/frus1961-63v06-d1.json",
         "/records/frus1961-63v06-d12", "/search?q=Khrushchev", "/search?q=Kim+Il+Sung", "/search.json?q=missile"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def measure(seconds: float = 60, readers: int = 50, workers: int = 1, think: float = 0.0,
            writer_nice: int = WRITER_NICE, writer_background: bool = True) -> dict[str, Any]:
    """The single-request latency, then READERS readers and one writer for SECONDS against
    `fonds serve --workers WORKERS`, each reader pausing a random 0 to 2*THINK seconds after each
    answer, the writer's ingests `fonds ingest --background` (`writer_background`) or else
    `writer_nice` steps nicer. Latencies in ms; `errors` lists the first failures; `profile` is
    readers_profile.split's figures."""
    if writer_background:
        writer_nice = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    latencies: list[float] = []
    timed: list[tuple[float, float]] = []  # (start, end) on the monotonic clock, one per answered request
    ingests: list[tuple[float, float, float]] = []  # (start, end, CPU seconds of the ingest and its children)
    running: list[int] = []  # the pid of the ingest running now, if one is
    errors: list[str] = []
    partial = [0]
    single: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{folder}/fonds.db"
        fonds = [sys.executable, "-m", "fonds.cli", "--db", db]
        subprocess.run([*fonds, "ingest", str(CORPUS / "wilson-center"), str(CORPUS / "frus" / "frus1961-63v06.xml")],
                       env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([*fonds, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(base + "/", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=30) as client:
                for path in PATHS * 3:  # warm: each worker's caches, the page cache
                    client.get(path)
                for path in PATHS * 10:
                    started = time.perf_counter()
                    client.get(path)
                    single.append(time.perf_counter() - started)
            stop = time.monotonic() + seconds
            lock = threading.Lock()

            def reader(seed: int) -> None:
                rng = random.Random(seed)
                if think:  # paced readers arrive as they go on: spread over one pause, not all at the first instant
                    time.sleep(rng.uniform(0, 2 * think))
                with httpx.Client(base_url=base, timeout=60) as client:
                    while time.monotonic() < stop:
                        path = rng.choice(PATHS)
                        began = time.monotonic()
                        started = time.perf_counter()
                        try:
                            response = client.get(path)
                        except httpx.HTTPError as error:
                            with lock:
                                errors.append(f"{path}: {error!r}")
                            continue
                        took = time.perf_counter() - started
                        with lock:
                            latencies.append(took)
                            timed.append((began, began + took))
                            if response.status_code != 200:
                                errors.append(f"{path}: {response.status_code}")
                            elif path.startswith("/records/") and path.endswith(".json"):
                                data = response.json()
                                record = data.get("record", data)
                                if not (record.get("id") and record.get("title") and "renditions" in record):
                                    partial[0] += 1
                        if think:
                            time.sleep(rng.uniform(0, 2 * think))

            def ingest(*paths: Path) -> None:
                began = time.monotonic()
                command = [*fonds, "ingest", *(["--background"] if writer_background else []), *map(str, paths)]
                end, cpu = readers_profile.ingest_once(command, env, writer_nice, running)
                ingests.append((began, end, cpu))

            def writer() -> None:
                ingest(CORPUS / "frus" / "frus1961-63v05.xml")
                while time.monotonic() < stop:
                    ingest(CORPUS / "wilson-center")
                    time.sleep(1)

            threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
            threads.append(threading.Thread(target=writer))
            own_cpu, began = time.process_time(), time.monotonic()
            checkpoint = Path(f"{folder}/fonds.db.index/fonds-index.json")
            with readers_profile.Sampler(server.pid, lambda: list(running), checkpoint) as sampler:
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            client_cores = (time.process_time() - own_cpu) / (time.monotonic() - began)
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        finally:
            server.terminate()
            server.wait()
    return {
        "workers": workers, "readers": readers, "seconds": seconds, "think": think,
        "single_p50": percentile(single, .5) * 1000, "single_p95": percentile(single, .95) * 1000,
        "p50": percentile(latencies, .5) * 1000, "p95": percentile(latencies, .95) * 1000,
        "requests": len(latencies), "errors": len(errors), "first_errors": errors[:10], "partial": partial[0],
        "writer_nice": writer_nice, "writer_background": writer_background, "client_cores": client_cores,
        "load": load, "profile": readers_profile.split(timed, ingests, sampler.samples, sampler.intervals, sampler.moves),
    }


def lines(result: dict[str, Any]) -> list[str]:
    """What a run prints: the single-request latency, then the figures under load."""
    ratio = result["p95"] / max(result["single_p50"], 1e-9)
    return [
        f"single request: p50 {result['single_p50']:.1f} ms, p95 {result['single_p95']:.1f} ms",
        f"{result['readers']} readers + 1 writer, {result['seconds']:.0f} s, {result['workers']} worker(s), "
        f"{_pause(result.get('think', 0.0))}: "
        f"{result['requests']} requests, {result['errors']} errors, {result['partial']} partial records; "
        f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms ({ratio:.1f}x the single-request p50)",
        *("  " + error for error in result["first_errors"]),
    ]


def _pause(think: float) -> str:
    return f"pausing {think:g} s on average between requests" if think else "never pausing"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="worker processes of fonds serve")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a reader pauses after each answer")
    parser.add_argument("--background", action=argparse.BooleanOptionalAction, default=True,
                        help="the writer runs `fonds ingest --background` (default, as docs/deployment.md "
                        "recommends); --no-background: niced by --writer-nice")
    parser.add_argument("--writer-nice", type=int, default=WRITER_NICE,
                        help=f"with --no-background, steps nicer than this process the writer's ingests run "
                        f"(default {WRITER_NICE}; 0: as this process)")
    args = parser.parse_args(argv)
    result = measure(args.seconds, args.readers, args.workers, args.think, args.writer_nice, args.background)
    print("\n".join([*lines(result), readers_profile.profile_line(result)]))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
