"""For the tests that kill a parent process with -9: do its child processes end by themselves?"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Sequence


def outliving(pids: Sequence[int], seconds: float = 20.0) -> list[int]:
    """The pids of `pids` still running after waiting up to `seconds` for them all to end. Each
    one still running is killed (SIGKILL) before this returns, so a failing test leaves none behind."""
    deadline = time.monotonic() + seconds
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    return alive
