"""`fonds serve --workers 2` (web/serving.py) on each backend: a real supervisor with two workers.

A record ingested while the server runs is found through each worker, and killing a
worker (kill -9) never stops the server: the other answers meanwhile and the supervisor
starts a replacement, which also sees what is ingested afterwards. Killing the supervisor
(kill -9) stops its workers too, also while they still start up.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from process_watch import outliving
from test_two_nodes import Node, eventually, finds, run_fonds, write_record

START_SECONDS = 60.0


def workers_of(node: Node) -> list[int]:
    """The pids of the worker processes the node's supervisor runs (not multiprocessing's tracker)."""
    pids = []
    for child in Path(f"/proc/{node.process.pid}/task/{node.process.pid}/children").read_text().split():
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            pids.append(int(child))
    return sorted(pids)


def wait_for_workers(node: Node, count: int, *, not_in: tuple[int, ...] = ()) -> list[int]:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        pids = workers_of(node)
        if len(pids) == count and not set(pids) & set(not_in):
            return pids
        time.sleep(0.1)
    pytest.fail(f"the supervisor does not run {count} new workers: {workers_of(node)}\n{node.output()}")


def all_answer(node: Node, record_id: str, word: str, times: int = 12) -> None:
    """`times` searches and record pages, each on a new connection: every one is 200 and finds the record."""
    for _ in range(times):
        assert finds(record_id, word)(node), node.output()


def test_two_workers_find_what_is_ingested_and_survive_a_killed_worker(store_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "records"
    corpus.mkdir()
    node = Node("workers", store_url, tmp_path / "node", "--workers", "2")
    try:
        node.wait_until_serving()
        first, second = wait_for_workers(node, 2)
        assert "with 2 worker processes" in node.output()

        done = run_fonds("--db", store_url, "--index", str(tmp_path / "ingest-index"), "ingest",
                         str(write_record(corpus, 900001, "quillwort")), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        eventually((node,), finds("wcda-900001", "quillwort"), "the first record is found")

        os.kill(first, signal.SIGKILL)
        all_answer(node, "wcda-900001", "quillwort")  # the other worker answers (and finds it) meanwhile
        _, replacement = wait_for_workers(node, 2, not_in=(first,))

        done = run_fonds("--db", store_url, "--index", str(tmp_path / "ingest-index"), "ingest",
                         str(write_record(corpus, 900002, "bladderwrack")), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        os.kill(second, signal.SIGKILL)  # only the replacement is left: it must see the new commit too
        eventually((node,), finds("wcda-900002", "bladderwrack"), "the second record is found by the replacement")
        all_answer(node, "wcda-900001", "quillwort")
        assert node.process.poll() is None, node.output()
        assert replacement in workers_of(node)
    finally:
        node.stop()


@pytest.mark.parametrize("when", ["serving", "starting"])
def test_workers_stop_when_their_supervisor_is_killed(tmp_path: Path, when: str) -> None:
    """Killed once it serves, or while its workers still open the store and warm up (a worker
    that only then looks for its parent finds init, and must still know it is orphaned)."""
    node = Node("orphans", f"sqlite:///{tmp_path / 'fonds.db'}", tmp_path / "node", "--workers", "2")
    try:
        if when == "serving":
            node.wait_until_serving()
        workers = wait_for_workers(node, 2)
        node.process.kill()  # kill -9: no chance to stop its workers itself
        node.process.wait()
        assert outliving(workers) == [], "workers outlived their supervisor, still holding the port"
    finally:
        node.stop()
