"""Two `fonds serve` nodes on one PostgreSQL database, each with its own index.

Each node is a real process (`python -m fonds.cli serve`) following the change log
every half second. A record ingested by a `fonds ingest` command on either side,
or deleted through the store, must show in (or vanish from) both nodes' search
and record pages within seconds.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fonds.store import open_store

pytestmark = pytest.mark.postgres

DEADLINE_SECONDS = 15.0
START_SECONDS = 60.0

RECORD = """\
{date}

{title}

Citation:

"{title}", {date}, Wilson Center Digital Archive, Test Collection 1. Translated by Test Translator https://digitalarchive.wilsoncenter.org/document/{number}

Summary:

A record written by the two-node test about the {word}.

Original Language:

Russian

Contents:

Translation - English

The ambassador spoke at length about the {word} and its keepers.
"""


def write_record(folder: Path, number: int, word: str) -> Path:
    """A Wilson Center text record with one made-up word to search for; its id is wcda-NUMBER."""
    path = folder / f"{number}.txt"
    title = f"Memorandum on the {word.capitalize()}"
    path.write_text(RECORD.format(date="March 3, 1963", title=title, number=number, word=word), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fonds_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FONDS_")}
    env["FONDS_SYNC_SECONDS"] = "0.5"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_fonds(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fonds.cli", *args],
        cwd=cwd,
        env=fonds_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Node:
    """One `fonds serve` process with its own index folder."""

    def __init__(self, name: str, db: str, folder: Path, *serve_options: str) -> None:
        self.name = name
        self.folder = folder
        self.index = folder / "index"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"
        folder.mkdir(parents=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fonds.cli", "--db", db, "--index", str(self.index), "serve", "--port", str(self.port), *serve_options],
            cwd=folder,
            env=fonds_env(),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: `stop` takes its workers with it
        )

    def get(self, path: str) -> tuple[int, Any]:
        """(status, JSON body) of a GET on this node."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.load(error)

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"node {self.name} exited with {self.process.returncode}:\n{self.output()}")
            try:
                if self.get("/index.json")[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        pytest.fail(f"node {self.name} did not answer within {START_SECONDS:.0f} s:\n{self.output()}")

    def search_ids(self, query: str) -> list[str]:
        status, body = self.get("/search.json?" + urllib.parse.urlencode({"q": query}))
        assert status == 200, body
        return [hit["id"] for hit in body["hits"]]

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:  # whatever the supervisor left (a worker it could not stop in time): never outlive the test
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log_file.close()


@pytest.fixture
def nodes(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    """Two serving nodes on the fresh database; stopped before the database is dropped."""
    started: list[Node] = []
    try:
        for name in ("a", "b"):
            started.append(Node(name, postgres_url, tmp_path / f"node-{name}"))
        for node in started:
            node.wait_until_serving()
        yield started[0], started[1]
    finally:
        for node in started:
            node.stop()


def eventually(nodes: tuple[Node, ...], check: Callable[[Node], bool], what: str) -> None:
    """Wait until `check` holds on every node, or fail naming the nodes where it does not."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        late = [node for node in nodes if not check(node)]
        if not late:
            return
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- node {node.name} ---\n{node.output()}" for node in late)
            pytest.fail(f"after {DEADLINE_SECONDS:.0f} s, {what} is still not true on {[n.name for n in late]}\n{logs}")
        time.sleep(0.2)


def finds(record_id: str, word: str) -> Callable[[Node], bool]:
    def check(node: Node) -> bool:
        status, body = node.get(f"/records/{record_id}.json")
        return record_id in node.search_ids(word) and status == 200 and body["id"] == record_id

    return check


def has_forgotten(record_id: str, word: str) -> Callable[[Node], bool]:
    def check(node: Node) -> bool:
        status, body = node.get(f"/records/{record_id}.json")
        gone = status == 410 and body["ok"] is False  # deleted: Gone, with its tombstone
        return gone and record_id not in node.search_ids(word)

    return check


def test_both_nodes_see_what_either_ingests_and_what_is_deleted(
    nodes: tuple[Node, Node], postgres_url: str, tmp_path: Path
) -> None:
    a, b = nodes
    both = (a, b)
    for node in both:
        assert node.search_ids("quokka") == []

    # Ingested on node A's machine, by a command with an index of its own.
    first = write_record(tmp_path, 910001, "quokka")
    done = run_fonds("--db", postgres_url, "--index", str(tmp_path / "ingest-a"), "ingest", str(first), cwd=a.folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "1 added, 0 updated, 0 unchanged, 0 rejected"
    eventually(both, finds("wcda-910001", "quokka"), "wcda-910001 is found")

    # Ingested on node B's machine.
    second = write_record(tmp_path, 910002, "pangolin")
    done = run_fonds("--db", postgres_url, "--index", str(tmp_path / "ingest-b"), "ingest", str(second), cwd=b.folder)
    assert done.returncode == 0, done.stderr
    eventually(both, finds("wcda-910002", "pangolin"), "wcda-910002 is found")
    for node in both:
        status, body = node.get("/records/wcda-910002.json")
        assert status == 200 and body["title"] == "Memorandum on the Pangolin"

    # Deleted through the store.
    with open_store(postgres_url) as store:
        assert store.delete("wcda-910001")
    eventually(both, has_forgotten("wcda-910001", "quokka"), "wcda-910001 is gone")
    for node in both:  # the other record is still there
        assert node.search_ids("pangolin") == ["wcda-910002"]
        assert node.process.poll() is None, node.output()
