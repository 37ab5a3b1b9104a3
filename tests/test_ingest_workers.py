"""Ingest in worker processes: the same archive, byte for byte, as one process makes; files in
order; rejections, warnings and claims reported as before; the workers really run elsewhere."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from process_watch import outliving

from fonds.exports.dump import write_all
from fonds.ingest import ingest
from fonds.store.base import Store
from fonds.store.sqlite import SQLiteStore

SENTENCES = [
    "Khrushchev told Ambassador Thompson that Berlin could not wait.",
    "Kennedy and Khrushchev met in Vienna; Gromyko took notes.",
    "Zorinsky, the new counsellor, spoke to Mikoyan about Cuba.",
    "Kim Il Sung asked Mao Zedong for wheat and for patience.",
    "Rusk cabled that Zorinsky had seen Dobrynin twice.",
]
ZORINSKY = {"entity": {"id": "test:zorinsky", "kind": "person", "preferred": "Zorinsky, Quentin",
                       "variants": [], "sources": []}}


def write_files(folder: Path, files: int = 6, per_file: int = 15, entities_in: int = 2) -> list[Path]:
    """JSON Lines files of records whose texts name persons; file `entities_in` also brings an
    authority entry the others' texts name (so the authority changes part-way)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(files):
        lines = [json.dumps(ZORINSKY)] if number == entities_in else []
        for row in range(per_file):
            n = number * per_file + row
            text = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3))
            lines.append(json.dumps({
                "id": f"w-{n:04d}", "title": f"Memorandum {n}", "type": "Memorandum of Conversation",
                "date": {"text": "1961", "earliest": "1961-01-01", "latest": "1961-12-31", "edtf": "1961"},
                "renditions": [{"kind": "original", "language": "en", "text": text}],
            }))
        path = folder / f"part-{number:02d}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def dump(store: Store) -> str:
    """What `fonds dump --format jsonl` writes."""
    out = io.StringIO()
    write_all(store.iter_records(), "jsonl", out)
    return out.getvalue()


def test_workers_make_the_archive_one_process_makes(tmp_path: Path) -> None:
    paths = write_files(tmp_path / "in")
    with SQLiteStore(tmp_path / "one.db") as one, SQLiteStore(tmp_path / "two.db") as two:
        first = ingest(one, paths, workers=1)
        second = ingest(two, paths, workers=2)
        assert (first.summary(), second.summary()) == ("90 added, 0 updated, 0 unchanged, 0 rejected",) * 2
        assert dump(two) == dump(one)
        assert [e.to_dict() for e in two.iter_entities()] == [e.to_dict() for e in one.iter_entities()]
        # the entry brought by the third file links records of every file, the first included
        linking = {r.id for r in two.records_linking(["test:zorinsky"], limit=1000)}
        assert {"w-0002", "w-0089"} <= linking
        again = ingest(two, paths, workers=2)
        assert again.summary() == "0 added, 0 updated, 90 unchanged, 0 rejected; nothing changed"


PREPARE = """
import json, os, sys
from pathlib import Path
from fonds.ingest_workers import FileStep, prepared_files
from fonds.repositories import Repositories
from fonds.store.sqlite import SQLiteStore

with SQLiteStore(sys.argv[1]) as store:
    step = FileStep(store=store, link_names=False, dry_run=False, options=None,
                    repositories=Repositories.of(store), enrich=None)
    done = list(prepared_files(step, [Path(p) for p in sys.argv[2:]], workers=2))
print(json.dumps({"me": os.getpid(), "files": [[str(p.path), len(p.records), len(p.entities), p.worker] for p in done]}))
"""


def test_the_files_are_prepared_in_other_processes_in_order(tmp_path: Path) -> None:
    # In a process of its own: a thread another test left running makes ingest read in-process.
    paths = write_files(tmp_path / "in", files=7, per_file=2)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", PREPARE, str(tmp_path / "a.db"), *map(str, paths)],
                         capture_output=True, text=True, env=env, check=True).stdout
    done = json.loads(out)
    assert [path for path, *_ in done["files"]] == [str(p) for p in paths]
    assert [(records, entities) for _, records, entities, _ in done["files"]] == [(2, 0), (2, 0), (2, 1)] + [(2, 0)] * 4
    assert {worker for *_, worker in done["files"]} - {done["me"]}, "no file was prepared in a worker process"


def test_rejections_and_claims_are_reported_as_with_one_process(tmp_path: Path) -> None:
    paths = write_files(tmp_path / "in", files=4, per_file=3)
    bad = tmp_path / "in" / "part-01.jsonl"
    bad.write_text(bad.read_text(encoding="utf-8") + '{"id": "w-bad"}\n', encoding="utf-8")
    twice = tmp_path / "in" / "part-04.jsonl"
    twice.write_text(json.dumps({"id": "w-0000", "title": "Claimed again"}) + "\n", encoding="utf-8")
    reports = []
    for workers in (1, 2):
        with SQLiteStore(tmp_path / f"w{workers}.db") as store:
            report = ingest(store, [tmp_path / "in"], workers=workers)
            reports.append(([str(p) for p in report.rejected], report.summary(), dump(store)))
    assert reports[0] == reports[1]
    rejected, summary, _ = reports[1]
    assert rejected[0] == f"{bad}:4: a record needs a non-empty 'title'"
    assert rejected[1].startswith(f"{twice}:1: record id 'w-0000' is also claimed by {paths[0]}")
    assert summary.startswith("9 added, 0 updated, 0 unchanged, 2 rejected")


@pytest.mark.parametrize("workers", [1, 2])
def test_strict_stops_at_the_first_rejected_file(tmp_path: Path, workers: int) -> None:
    paths = write_files(tmp_path / "in", files=5, per_file=2)
    paths[1].write_text("not json\n", encoding="utf-8")
    with SQLiteStore(tmp_path / "s.db") as store:
        report = ingest(store, paths, strict=True, workers=workers)
        assert len(report.rejected) == 1 and report.files == 1
        assert store.stats().records == 2


def test_files_after_an_authority_change_are_linked_once(tmp_path: Path) -> None:
    """The file bringing an entry makes the linker be built again: the files after it are linked
    against the new authority once, and the relinking at the end leaves them alone; the archive
    is the one that ingesting the files one by one makes."""
    paths = write_files(tmp_path / "in")
    with SQLiteStore(tmp_path / "together.db") as together, SQLiteStore(tmp_path / "apart.db") as apart:
        ingest(together, paths, workers=2)
        for path in paths:
            ingest(apart, [path], workers=1)
        assert dump(together) == dump(apart)
        writes = Counter(change.record_id for change in together.changes_since(0, limit=10_000))
        assert {writes[f"w-{n:04d}"] for n in range(45, 90)} == {1}  # the files after the entry's
        assert {writes[f"w-{n:04d}"] for n in range(0, 45)} == {2}  # relinked: each names Zorinsky


HOLD = """
import os, sys, time
from pathlib import Path
from fonds.ingest_workers import FileStep, prepared_files
from fonds.repositories import Repositories
from fonds.store.sqlite import SQLiteStore

store = SQLiteStore(sys.argv[1])
step = FileStep(store=store, link_names=False, dry_run=False, options=None,
                repositories=Repositories.of(store), enrich=None)
files = prepared_files(step, [Path(p) for p in sys.argv[2:]], workers=2)
next(files)  # the pool is up and working
print(" ".join(Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()), flush=True)
time.sleep(600)
"""


def test_workers_end_when_the_ingest_is_killed(tmp_path: Path) -> None:
    """kill -9 of an ingest leaves no worker process behind (each would wait for work for ever)."""
    paths = write_files(tmp_path / "in", files=7, per_file=2)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "a.db"), *map(str, paths)],
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None
        workers = [int(pid) for pid in holder.stdout.readline().split()]
        assert len(workers) >= 2, "the ingest did not start its worker processes"
        holder.kill()
        holder.wait()
        assert outliving(workers) == [], "worker processes outlived the killed ingest"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


STALE = """
import sys, time
from pathlib import Path
from fonds import ingest_workers
from fonds.ingest_workers import FileStep, prepared_files
from fonds.repositories import Repositories
from fonds.store.sqlite import SQLiteStore

class Slow(FileStep):
    def run(self, path):
        if not path.name.endswith("00.jsonl"):  # a long step, made of short ones like FileStep's
            for _ in range(1200):
                if ingest_workers._cancelled():
                    break
                time.sleep(0.1)
        return super().run(path)

store = SQLiteStore(sys.argv[1])
step = Slow(store=store, link_names=False, dry_run=False, options=None, repositories=Repositories.of(store), enrich=None)
files = prepared_files(step, [Path(p) for p in sys.argv[2:]], workers=2)
first = next(files)
assert first.worker != __import__("os").getpid(), "the file was not prepared in a worker"
started = time.monotonic()
files.close()
print(f"{time.monotonic() - started:.1f}", flush=True)
"""


def test_stopping_part_way_ends_the_workers_without_waiting_for_their_files(tmp_path: Path) -> None:
    """When the authority changes part-way, the files the workers are preparing are thrown away:
    closing the files there tells the workers to drop them instead of waiting for them to finish."""
    paths = write_files(tmp_path / "in", files=4, per_file=2)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", STALE, str(tmp_path / "a.db"), *map(str, paths)],
                          capture_output=True, text=True, env=env, timeout=100)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.split()[-1]) < 30  # the workers' files would take 120 s each


@pytest.mark.parametrize("refused", ["read", "store"])
def test_a_refused_file_bringing_entries_changes_nothing_after_it(tmp_path: Path, refused: str) -> None:
    """A file that brings an authority entry stops the workers (the files after it would be
    linked again); if that file is rejected, the files after it are still read, linked with the
    authority as it was, the same with 1 and 2 workers."""
    paths = write_files(tmp_path / "in", files=5, per_file=3, entities_in=1)
    broken = {"read": '{"id": "w-bad"}', "store": json.dumps({"id": "w-sur", "title": "\ud800"})}[refused]
    paths[1].write_text(paths[1].read_text(encoding="utf-8") + broken + "\n", encoding="utf-8")
    dumps = []
    for workers in (1, 2):
        with SQLiteStore(tmp_path / f"{refused}{workers}.db") as store:
            report = ingest(store, paths, workers=workers)
            assert [str(p).split(":")[0] for p in report.rejected] == [str(paths[1])]
            assert store.stats().records == 12
            assert not list(store.records_linking(["test:zorinsky"], limit=10))
            dumps.append(dump(store))
    assert dumps[0] == dumps[1]
