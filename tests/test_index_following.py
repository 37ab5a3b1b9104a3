"""The index filled during an ingest (fonds.index_following) ends as the index filled after it:
same documents, same search results, even when an authority entry's names change after records
linking it were indexed, when convergence relinks records already indexed, and after a kill -9
of the follower or of the whole ingest part-way followed by a run again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from process_watch import outliving
from test_ingest_workers import ZORINSKY, write_files

from fonds import query as q
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore

SEARCHES = ["Zorinsky", "Zorinskii", "Quentin", "Khrushchev", "wheat Cuba", "Vienna -Berlin", "Gromyko OR Dobrynin", ""]


def inputs(folder: Path) -> list[Path]:
    """Six files; the third brings the Zorinsky entry (the authority changes part-way: files
    already stored are relinked by convergence), the fifth brings it again with a variant only
    it has (the names of an entry whose records are already indexed change)."""
    paths = write_files(folder, files=6, per_file=12, entities_in=2)
    renamed = {"entity": {**ZORINSKY["entity"], "variants": [{"name": "Zorinskii, Quentin"}]}}
    fifth = paths[4]
    fifth.write_text(json.dumps(renamed) + "\n" + fifth.read_text(encoding="utf-8"), encoding="utf-8")
    return paths


def answers(index_path: Path) -> dict[str, Any]:
    """What a user sees of an index: every document as a hit, and each search's hits and facets."""
    index = Index(index_path)
    everything = index.search(None, limit=1000, sort="date", facets=True, snippets=False)
    found: dict[str, Any] = {
        "count": index.count(),
        "documents": sorted((h.id, h.title, h.date, h.snippet, h.type) for h in everything.hits),
        "facets": everything.facets,
    }
    for words in SEARCHES:
        node = q.parse(words) if words else None
        result = index.search(node, limit=1000, facets=True)
        found[words] = (result.total, sorted(h.id for h in result.hits), result.facets)
    return found


def filled_after(tmp_path: Path, paths: list[Path]) -> dict[str, Any]:
    with SQLiteStore(tmp_path / "after.db") as store:
        ingest(store, paths, workers=2)
        Index(tmp_path / "after-index").update(store)
    return answers(tmp_path / "after-index")


RUN = """
import json, os, signal, sys, time
from pathlib import Path
from fonds.index import Index
from fonds.index_following import following
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore

db, index_path, kill_follower_at, kill_self_at = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
paths = [Path(p) for p in sys.argv[5:]]
seen = []
with SQLiteStore(db) as store:
    index = Index(index_path)
    with following(store, index_path, batch=1) as follower:  # an update at every change
        assert follower is not None, "no follower: this process runs other threads"

        def on_file(path):
            seen.append(path)
            if len(seen) == kill_follower_at:
                os.kill(follower.process.pid, signal.SIGKILL)
                follower.process.join()
            if len(seen) == kill_self_at:
                print(json.dumps({"follower": follower.process.pid}), flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
            # wait until the follower has indexed every file stored so far: the index fills during the ingest
            deadline = time.monotonic() + 60
            while follower.process.is_alive() and index.checkpoint < store.last_seq() and time.monotonic() < deadline:
                time.sleep(0.05)

        report = ingest(store, paths, workers=2, on_file=on_file)
    during = index.checkpoint  # the follower has ended: where it left the index
    tail = index.update(store)
print(json.dumps({"follower": follower.process.pid, "during": during, "tail": tail, "last": store.last_seq(),
                  "summary": report.summary()}))
"""


def run(tmp_path: Path, paths: list[Path], name: str, *, kill_follower_at: int = 0, kill_self_at: int = 0) -> dict[str, Any]:
    """The ingest with its follower, in a process of its own (a thread another test left running
    would make `following` refuse to fork); the figures it prints last."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path / f"{name}.db"), str(tmp_path / f"{name}-index"),
         str(kill_follower_at), str(kill_self_at), *map(str, paths)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["returncode"] = done.returncode
    return figures


def test_the_index_filled_during_the_ingest_is_the_index_filled_after_it(tmp_path: Path) -> None:
    paths = inputs(tmp_path / "in")
    after = filled_after(tmp_path, paths)
    figures = run(tmp_path, paths, "during")
    assert figures["returncode"] == 0
    assert figures["summary"] == "72 added, 0 updated, 0 unchanged, 0 rejected"
    # the follower applied the change log during the ingest; the update after it only the tail
    assert figures["during"] == figures["last"]
    assert figures["tail"] == 0
    during = answers(tmp_path / "during-index")
    assert during == after
    assert after["count"] == 72
    assert after["Zorinskii"][0] > 12  # the variant only the fifth file brings finds records of the first files
    assert "w-0000" in after["Zorinskii"][1]


def test_a_killed_follower_and_a_killed_ingest_end_in_the_same_index(tmp_path: Path) -> None:
    paths = inputs(tmp_path / "in")
    after = filled_after(tmp_path, paths)
    # the follower killed at the third file: the update after the ingest applies what it left
    figures = run(tmp_path, paths, "follower-killed", kill_follower_at=3)
    assert figures["returncode"] == 0
    assert figures["tail"] > 0
    assert answers(tmp_path / "follower-killed-index") == after
    # the whole ingest killed at the fifth file (its follower had indexed four), then run again
    killed = run(tmp_path, paths, "killed", kill_self_at=5)
    assert killed["returncode"] == -9
    assert outliving([killed["follower"]]) == [], "the follower outlived the ingest it followed"
    again = run(tmp_path, paths, "killed")
    assert again["returncode"] == 0
    assert answers(tmp_path / "killed-index") == after


def test_an_ingest_without_an_index_starts_no_follower(tmp_path: Path) -> None:
    from fonds.index_following import following

    with SQLiteStore(tmp_path / "a.db") as store, following(store, None) as follower:
        assert follower is None


def test_fonds_ingest_index_during_makes_the_index_fonds_ingest_makes(tmp_path: Path) -> None:
    paths = inputs(tmp_path / "in")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    outputs = {}
    for name, options in (("after", []), ("during", ["--index-during"])):
        done = subprocess.run(
            [sys.executable, "-m", "fonds.cli", "--db", str(tmp_path / f"{name}.db"), "--index", str(tmp_path / f"{name}-index"),
             "ingest", *options, *map(str, paths)],
            capture_output=True, text=True, env=env, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        outputs[name] = done.stdout
    assert "72 added, 0 updated, 0 unchanged, 0 rejected" in outputs["during"]
    assert "index: 108 changes applied, 72 records searchable" in outputs["during"]
    assert outputs["during"] == outputs["after"]
    assert answers(tmp_path / "during-index") == answers(tmp_path / "after-index")
