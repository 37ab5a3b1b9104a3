"""Kill -9 during ingest, then ingest again: does the store converge to what a clean run makes?

    python -m benchmarks.kill9 --kills 20                                   # SQLite
    python -m benchmarks.kill9 --kills 5 --postgres postgresql://postgres@127.0.0.1:54329/postgres

For each round: a new, empty store; `fonds ingest INPUTS` in a child process, killed with
SIGKILL at a random moment within the time a clean ingest takes; then `fonds ingest INPUTS`
again, to the end. The round is *corrupt* if the store cannot be opened, `fonds check` finds a
broken invariant (a dangling link, unfinished work, a record that does not read back), and
*not converged* if its `fonds dump --format jsonl` differs by one byte from a clean run's. It
prints each round and, last, `corrupt N/K, not converged M/K`; exit status 1 unless both are 0.
tests/test_kill9.py runs two rounds on SQLite in CI. Goal (issue 17): 0/20 and 0/5.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fonds.exports.dump import write_all
from fonds.integrity import check
from fonds.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_INPUTS = [CORPUS / "wilson-center", CORPUS / "frus" / "frus1961-63v06.xml", CORPUS / "frus" / "frus1961-63v05.xml"]


@dataclass
class Round:
    killed_after: float
    corrupt: str | None
    converged: bool


SCRATCH = Path(tempfile.gettempdir()) / f"fonds-kill9-{os.getpid()}"  # each store's index, not the working folder


def fonds(db: str, *args: str) -> list[str]:
    index = SCRATCH / uuid.uuid5(uuid.NAMESPACE_URL, db).hex
    return [sys.executable, "-m", "fonds.cli", "--db", db, "--index", str(index), *args]


def dump(db: str) -> str:
    with open_store(db) as store:
        out = io.StringIO()
        write_all(store.iter_records(), "jsonl", out)
        return out.getvalue()


def ingest(db: str, inputs: Sequence[Path], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(fonds(db, "ingest", *map(str, inputs)), env=env, check=False, capture_output=True)
    return time.monotonic() - started


def one_round(db: str, inputs: Sequence[Path], env: dict[str, str], clean: str, longest: float, rng: random.Random) -> Round:
    child = subprocess.Popen(fonds(db, "ingest", *map(str, inputs)), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait = rng.uniform(0.3, max(0.4, longest))
    time.sleep(wait)
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait()
    ingest(db, inputs, env)  # the re-run, to the end
    try:
        with open_store(db) as store:
            problems = check(store)
    except Exception as error:  # noqa: BLE001 - any failure to open or read is corruption
        return Round(wait, f"cannot open or read the store: {error}", False)
    corrupt = "; ".join(map(str, problems[:3])) or None
    return Round(wait, corrupt, dump(db) == clean)


def run(databases: Sequence[str], inputs: Sequence[Path], *, seed: int = 17, out: object = sys.stdout) -> tuple[int, int]:
    """Rounds on each database URL but the first (the clean run's). Returns (corrupt, not converged)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    rng = random.Random(seed)
    longest = ingest(databases[0], inputs, env)
    clean = dump(databases[0])
    corrupt = diverged = 0
    for number, db in enumerate(databases[1:], 1):
        result = one_round(db, inputs, env, clean, longest, rng)
        corrupt += result.corrupt is not None
        diverged += not result.converged
        state = result.corrupt or ("converged" if result.converged else "NOT CONVERGED")
        print(f"round {number}: killed after {result.killed_after:.2f} s of {longest:.2f} s; {state}", file=out, flush=True)  # type: ignore[call-overload]
    rounds = len(databases) - 1
    print(f"corrupt {corrupt}/{rounds}, not converged {diverged}/{rounds}", file=out)  # type: ignore[call-overload]
    return corrupt, diverged


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--postgres", help="a PostgreSQL server URL: each round gets a new database, dropped after")
    parser.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    args = parser.parse_args(argv)
    if args.postgres:
        import psycopg

        names = [f"fonds_kill9_{uuid.uuid4().hex[:12]}" for _ in range(args.kills + 1)]
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            for name in names:
                admin.execute(f'CREATE DATABASE "{name}"')
        try:
            urls = [urlsplit(args.postgres)._replace(path=f"/{name}").geturl() for name in names]
            corrupt, diverged = run(urls, args.inputs)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as admin:
                for name in names:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory() as folder:
            corrupt, diverged = run([f"sqlite:///{folder}/{n}.db" for n in range(args.kills + 1)], args.inputs)
    return 1 if corrupt or diverged else 0


if __name__ == "__main__":
    sys.exit(main())
