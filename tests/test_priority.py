"""CPU priority of background work (fonds/priority.py): SCHED_IDLE for a whole process and what it
starts afterwards, niceness for one thread. Each check runs in a child process, so this one keeps
its priority."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SCHED_IDLE is Linux's")

CHILD = """
import json, os, threading
from fonds import priority
before = threading.Thread(target=lambda: started.wait())
started = threading.Event()
before.start()
ok = priority.idle_process()
seen = {"ok": ok, "main": priority.policy(), "earlier thread": priority.policy(before.native_id)}
started.set(); before.join()
def later(): seen["later thread"] = priority.policy()
thread = threading.Thread(target=later); thread.start(); thread.join()
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(write, priority.policy().encode()); os._exit(0)
os.waitpid(pid, 0)
seen["forked process"] = os.read(read, 100).decode()
print(json.dumps(seen))
"""


def run(code: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_an_idle_process_runs_every_thread_and_what_it_starts_at_idle_priority() -> None:
    seen = run(CHILD)
    assert seen == {"ok": True, "main": "idle", "earlier thread": "idle", "later thread": "idle", "forked process": "idle"}


def test_a_niced_thread_leaves_the_others_as_they_were() -> None:
    seen = run("import json, threading\nfrom fonds import priority\nout = {}\n"
               "def work(): out['ok'] = priority.lower_thread(3); out['worker'] = priority.policy()\n"
               "t = threading.Thread(target=work); t.start(); t.join()\n"
               "out['main'] = priority.policy(); print(json.dumps(out))")
    base = os.getpriority(os.PRIO_PROCESS, 0)
    assert seen == {"ok": True, "worker": f"nice {min(base + 3, 19)}", "main": f"nice {base}"}
