"""`fonds ingest --background` (fonds/cli/archive.py): the ingest, and every process and thread it
starts, runs at idle CPU priority (fonds/priority.py); without it, at the priority it was given.
Run in a child process, so this one keeps its priority."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SCHED_IDLE is Linux's")

# The ingest as the CLI calls it, wrapped to say at which priority it runs, and its forked workers.
CHILD = """
import json, os, sys, threading
import fonds.ingest
from fonds import priority
from fonds.cli import main
real = fonds.ingest.ingest
seen = {}
def ingest(*args, **kwargs):
    seen["ingest"] = priority.policy()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, priority.policy().encode()); os._exit(0)
    os.waitpid(pid, 0)
    seen["worker process"] = os.read(read, 100).decode()
    return real(*args, **kwargs)
fonds.ingest.ingest = ingest
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps(seen))
"""


def ingest(tmp_path: Path, *options: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-c", CHILD, "--db", str(tmp_path / "fonds.db"), "ingest", *options,
               str(ROOT / "tests" / "data" / "frus_minimal.xml")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    seen: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


def test_a_background_ingest_and_its_workers_run_at_idle_priority(tmp_path: Path) -> None:
    assert ingest(tmp_path, "--background") == {"ingest": "idle", "worker process": "idle"}


def test_an_ingest_runs_at_the_priority_it_was_given_without_background(tmp_path: Path) -> None:
    base = f"nice {os.getpriority(os.PRIO_PROCESS, 0)}"
    assert ingest(tmp_path) == {"ingest": base, "worker process": base}
