"""The per-checkpoint caches of the web's Archive (fonds/web/pages.py, `Archive.cached`): one build
per checkpoint whoever asks, and a slow value rebuilt behind the earlier one, which answers until
the new one is swapped in."""

from __future__ import annotations

import threading
import time
from typing import Any

from fonds.config import Settings
from fonds.web import pages
from fonds.web.pages import Archive


class Checkpoints:
    """An index whose checkpoint the test moves."""

    def __init__(self) -> None:
        self.checkpoint = 1


class Store:
    thread_safe = True


def archive() -> tuple[Archive, Checkpoints]:
    index = Checkpoints()
    return Archive(Store(), index, Settings()), index  # type: ignore[arg-type]


def spend_cpu(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_quick_value_is_built_again_by_the_first_request_after_a_checkpoint() -> None:
    cache, index = archive()
    assert cache.cached("k", lambda: "one") == "one"
    assert cache.cached("k", lambda: "not built") == "one"
    index.checkpoint = 2
    assert cache.cached("k", lambda: "two") == "two"  # fresh at once: a quick build is not put off


def test_threads_asking_meanwhile_wait_for_one_build() -> None:
    cache, _ = archive()
    builds: list[int] = []
    release = threading.Event()

    def build() -> str:
        builds.append(1)
        release.wait(10)
        return "value"

    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(cache.cached("k", build))) for _ in range(5)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    release.set()
    for thread in threads:
        thread.join(10)
    assert got == ["value"] * 5 and len(builds) == 1


def test_a_slow_value_answers_from_the_earlier_checkpoint_while_the_new_one_builds() -> None:
    cache, index = archive()
    first = cache.cached("names", lambda: (spend_cpu(pages.BACKGROUND_CPU * 2), "old")[1])
    assert first == "old"
    index.checkpoint = 2
    release, started = threading.Event(), threading.Event()

    def rebuild() -> str:
        started.set()
        release.wait(10)
        return "new"

    began = time.monotonic()
    assert cache.cached("names", rebuild) == "old"  # not waiting for the rebuild
    assert started.wait(10) and time.monotonic() - began < 5
    assert cache.cached("names", lambda: "a second build") == "old"  # the one build goes on
    release.set()
    deadline = time.monotonic() + 10
    while cache.cached("names", lambda: "a second build") != "new" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.cached("names", lambda: "a second build") == "new"


def test_a_failed_build_raises_where_it_was_asked_and_is_tried_again() -> None:
    cache, _ = archive()

    def broken() -> Any:
        raise OSError("disk gone")

    try:
        cache.cached("k", broken)
        raise AssertionError("no error")
    except OSError as error:
        assert str(error) == "disk gone"
    assert cache.cached("k", lambda: "mended") == "mended"
