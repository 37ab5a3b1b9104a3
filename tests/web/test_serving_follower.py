"""The index follower of `fonds serve` (fonds/web/serving.py) runs nicer than the threads answering
requests, and only its own thread does: the process's other threads keep their priority."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import pytest

from fonds.web import serving

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


class Recording:
    """An index whose update records the niceness of the thread that runs it, then stops the follower."""

    def __init__(self) -> None:
        self.seen: list[int] = []
        self.done = threading.Event()

    def update(self, store: Any) -> int:
        self.seen.append(niceness())
        self.done.set()
        return 0


def test_the_follower_indexes_at_a_lower_priority_than_the_rest_of_the_process() -> None:
    index = Recording()
    before = niceness()
    follower = serving.Follower(store=None, index=index, seconds=0.01)  # type: ignore[arg-type]
    follower.start()
    try:
        assert index.done.wait(10)
    finally:
        follower.stop()
    assert index.seen[0] == min(before + serving.FOLLOWER_NICE, 19)
    assert niceness() == before  # this thread, like the workers' request threads, is as it was


class RecordingPolicy(Recording):
    """An index whose update records the scheduling of the thread that runs it (fonds.priority.policy)."""

    def update(self, store: Any) -> int:
        from fonds import priority

        self.seen.append(priority.policy())  # type: ignore[arg-type]
        self.done.set()
        return 0


def test_the_follower_of_a_supervisor_indexes_at_idle_priority() -> None:
    from fonds import priority

    index = RecordingPolicy()
    before = priority.policy()
    follower = serving.Follower(store=None, index=index, seconds=0.01, idle=True)  # type: ignore[arg-type]
    follower.start()
    try:
        assert index.done.wait(10)
    finally:
        follower.stop()
    assert index.seen[0] == "idle"  # type: ignore[comparison-overlap]
    assert priority.policy() == before  # the process's other threads keep theirs
