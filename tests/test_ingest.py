"""Ingest: a file is one transaction; bad files store nothing; the batch goes on; crashes lose nothing committed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from fonds.index import Index
from fonds.ingest import ingest
from fonds.record import Record
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
BAD_FILES = ["text_empty.txt", "text_binary.bin", "text_not_utf8.txt", "text_cut_off.txt", "text_no_title.txt"]


def test_bad_files_store_nothing_and_the_batch_goes_on(empty_store: SQLiteStore, data: Path, corpus: Path) -> None:
    paths = [data / name for name in BAD_FILES] + [corpus / "wilson-center" / "110485.txt"]
    report = ingest(empty_store, paths)
    assert report.result.added == 1
    assert [p.origin.split(":")[0] for p in report.rejected] == [str(data / n) for n in BAD_FILES]
    assert str(report.rejected[0]) == f"{data / 'text_empty.txt'}:1: the file is empty"
    assert empty_store.stats().records == 1
    assert not report.ok


def test_same_input_again_changes_nothing_and_says_so(empty_store: SQLiteStore, corpus: Path) -> None:
    first = ingest(empty_store, [corpus / "wilson-center"])
    seq = empty_store.last_seq()
    again = ingest(empty_store, [corpus / "wilson-center" / ".." / "wilson-center"])
    assert (first.result.added, again.result.added, again.result.unchanged) == (1, 0, 1)
    assert empty_store.last_seq() == seq
    assert again.summary() == "0 added, 0 updated, 1 unchanged, 0 rejected; nothing changed"


def test_a_junk_file_of_50_mb_is_one_clear_line(empty_store: SQLiteStore, tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    with junk.open("wb") as out:
        block = os.urandom(1 << 20)
        for _ in range(50):
            out.write(block)
    report = ingest(empty_store, [junk])
    (problem,) = report.rejected
    assert str(problem).startswith(f"{junk}:1: ")
    assert len(str(problem)) < 200
    assert empty_store.stats().records == 0


def test_a_file_with_a_bad_record_stores_none_of_it(empty_store: SQLiteStore, tmp_path: Path) -> None:
    lines = tmp_path / "records.jsonl"
    good = {"id": "a-1", "title": "Good"}
    lines.write_text(json.dumps(good) + "\n" + json.dumps({"id": "a-2"}) + "\n", encoding="utf-8")
    report = ingest(empty_store, [lines])
    assert str(report.rejected[0]) == f"{lines}:2: a record needs a non-empty 'title'"
    assert empty_store.stats().records == 0


def test_folders_skip_files_that_are_not_records(empty_store: SQLiteStore, tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "README.md").write_text("# notes\n", encoding="utf-8")
    (folder / "110485.txt").write_bytes((corpus / "wilson-center" / "110485.txt").read_bytes())
    report = ingest(empty_store, [folder])
    assert report.ok and report.result.added == 1 and report.skipped == [str(folder / "README.md")]


def write_many(folder: Path, files: int, per_file: int) -> None:
    folder.mkdir()
    text = "The conversation concerned air defense and deliveries of grain. " * 40
    for number in range(files):
        with (folder / f"batch-{number:04d}.jsonl").open("w", encoding="utf-8") as out:
            for item in range(per_file):
                record = {"id": f"bulk-{number}-{item}", "title": f"Telegram {number}-{item}", "type": "Telegram",
                          "renditions": [{"kind": "translation", "language": "en", "text": text}]}
                out.write(json.dumps(record) + "\n")


def test_kill_9_mid_ingest_leaves_whole_records_and_an_index_that_catches_up(tmp_path: Path) -> None:
    folder = tmp_path / "bulk"
    write_many(folder, files=400, per_file=50)
    db = tmp_path / "fonds.db"
    fonds = [sys.executable, "-c", "from fonds.cli import main; main()"]
    process = subprocess.Popen([*fonds, "--db", str(db), "ingest", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and committed < 2000:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as probe:
                    committed = probe.execute("SELECT COUNT(*) FROM records").fetchone()[0]
            except sqlite3.OperationalError:
                continue
    assert process.poll() is None, "the ingest finished before it could be killed: make the input larger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    store = SQLiteStore(db)
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = store.stats().records
        assert 2000 <= count < 20000
        assert count % 50 == 0  # whole files only: one transaction per file
        assert sum(1 for _ in store.iter_records()) == count
        assert all(isinstance(r, Record) and r.renditions for r in store.iter_records())
        index = Index(tmp_path / "fonds.db.index")
        index.update(store)
        assert index.count() == count
        rerun = ingest(store, [folder])
        assert rerun.result.unchanged == count and rerun.result.added == 20000 - count
    finally:
        store.close()


def test_same_input_after_an_authority_import_is_still_unchanged(empty_store: SQLiteStore, corpus: Path) -> None:
    from fonds.importers.authority_files import import_authority

    first = ingest(empty_store, [corpus / "wilson-center", ROOT / "examples"])
    import_authority(empty_store, corpus / "authority" / "hsg-people")  # relinks Kim Il Sung to hsg:107176
    assert {p.id for p in empty_store.get("wcda-110485").persons} >= {"hsg:107176"}
    seq = empty_store.last_seq()
    again = ingest(empty_store, [corpus / "wilson-center", ROOT / "examples"])
    assert (first.result.added, again.result.changed, again.result.unchanged) == (8, 0, 8)
    assert empty_store.last_seq() == seq


def test_a_changed_input_is_linked_and_updated(empty_store: SQLiteStore, corpus: Path, tmp_path: Path) -> None:
    record = tmp_path / "110485.txt"
    record.write_text((corpus / "wilson-center" / "110485.txt").read_text(encoding="utf-8"), encoding="utf-8")
    ingest(empty_store, [record])
    record.write_text(record.read_text(encoding="utf-8").replace("air defense", "air defence"), encoding="utf-8")
    report = ingest(empty_store, [record])
    assert (report.result.updated, report.result.unchanged) == (1, 0)
    stored = empty_store.get("wcda-110485")
    assert "air defence" in stored.renditions[0].text
    assert any(p.role == "participant" and p.name == "Kim Il Sung" for p in stored.persons)


def test_curated_persons_fold_into_the_volume_entry_and_keep_every_mention(empty_store: SQLiteStore, corpus: Path) -> None:
    report = ingest(empty_store, [corpus / "wilson-center", corpus / "frus" / "frus1961-63v06.xml"])
    assert report.ok and report.merged > 0
    persons = empty_store.get("wcda-110485").persons
    khrushchev = {p.text for p in persons if p.id == "frus:frus1961-63v06#p_KNS2"}
    assert {"N.S. Khrushchev", "Nikita Sergeyevich"} <= khrushchev  # one entry, every mention kept
    assert {p.text for p in persons if p.id == "fonds:pak-seong-cheol"} == {"Pak Seong-cheol", "Pak Song Chol"}
    ids = [e.id for e in empty_store.iter_entities()]
    assert "fonds:khrushchev" not in ids and "fonds:kim-il-sung" in ids


def test_a_folder_with_one_broken_file_of_each_kind_under_workers_stores_the_rest(tmp_path: Path, corpus: Path) -> None:
    """A JSON Lines file broken at its 4th line, one in Latin-1 and a TEI file cut short, among good
    files, ingested by two worker processes: each bad file is named at its line and stores nothing;
    every good file is stored; the same folder again changes nothing."""
    folder = tmp_path / "in"
    folder.mkdir()
    for f in range(1, 5):
        lines = [json.dumps({"id": f"f{f}-{n}", "title": f"Letter {f}.{n}", "type": "Letter"}) for n in range(1, 6)]
        if f == 3:
            lines[3] = '{"id": "f3-4", "title": broken'
        (folder / f"part{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "latin.jsonl").write_bytes(json.dumps({"id": "lat-1", "title": "Café"}, ensure_ascii=False).encode("latin-1"))
    volume = (corpus / "frus" / "frus1961-63v05.xml").read_bytes()
    (folder / "cut.xml").write_bytes(volume[:len(volume) // 3])
    with SQLiteStore(tmp_path / "fonds.db") as store:
        report = ingest(store, [folder], workers=2)
        rejected = sorted(str(p) for p in report.rejected)
        assert len(rejected) == 3
        assert rejected[0].startswith(f"{folder / 'cut.xml'}:") and "not well-formed XML" in rejected[0]
        assert rejected[1].startswith(f"{folder / 'latin.jsonl'}:1: the file is not UTF-8")
        assert rejected[2].startswith(f"{folder / 'part3.jsonl'}:4:25: not valid JSON")
        ids = {record.id for record in store.iter_records()}
        assert ids == {f"f{f}-{n}" for f in (1, 2, 4) for n in range(1, 6)}
        assert store.stats().records == 15
        again = ingest(store, [folder], workers=2)
        assert again.result.changed == 0 and len(again.rejected) == 3
