"""Bad inputs of every kind: each is one line naming the file, and the rest of the batch goes on
(issue 17, section 1). The inputs are small files the tests write."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from fonds.importers.authority_files import import_authority
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore

GOOD = {"id": "wcda-1", "title": "A good record", "date": {"text": "1962", "earliest": "1962-01-01", "latest": "1962-12-31"}}


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "fonds.db")


def folder_with_good_record(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "good.json").write_text(json.dumps(GOOD), encoding="utf-8")
    return folder


def problems(report: object) -> list[str]:
    return [str(p) for p in report.rejected]  # type: ignore[attr-defined]


def test_a_fifo_in_a_folder_is_skipped_and_named_never_opened(store: SQLiteStore, tmp_path: Path) -> None:
    folder = folder_with_good_record(tmp_path)
    os.mkfifo(folder / "pipe.json")
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(ingest(store, [folder])), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done, "ingest hung on a FIFO"
    report = done[0]
    assert f"{folder / 'pipe.json'}: not a regular file (a FIFO); it was not read" in problems(report)
    assert store.get("wcda-1").title == "A good record"


def test_a_device_named_directly_is_refused_and_never_read(store: SQLiteStore, tmp_path: Path) -> None:
    report = ingest(store, [Path("/dev/zero"), folder_with_good_record(tmp_path)])
    assert problems(report) == ["/dev/zero: not a regular file (a character device); it was not read"]
    assert report.result.added == 1


def test_an_unreadable_file_is_reported_and_the_batch_goes_on(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_with_good_record(tmp_path)
    locked = folder / "locked.json"
    locked.write_text(json.dumps({**GOOD, "id": "wcda-2"}), encoding="utf-8")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.json":  # as chmod 000 does for anyone but root
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    report = ingest(store, [folder])
    assert problems(report) == [f"{locked}:1: cannot read the file (Permission denied)"]
    assert not report.ok
    assert store.stats().records == 1


def test_an_unreadable_folder_is_reported(store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_with_good_record(tmp_path)
    (folder / "sub").mkdir()
    real_scandir = os.scandir

    def refuse(path: object = ".") -> object:
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    report = ingest(store, [folder])
    assert problems(report) == [f"{folder / 'sub'}: cannot read the folder (Permission denied)"]
    assert report.result.added == 1


def test_a_symlink_loop_is_one_line(store: SQLiteStore, tmp_path: Path) -> None:
    folder = folder_with_good_record(tmp_path)
    (folder / "a.json").symlink_to(folder / "b.json")
    (folder / "b.json").symlink_to(folder / "a.json")
    (folder / "self").symlink_to(folder, target_is_directory=True)
    report = ingest(store, [folder, folder / "a.json"])
    assert f"{folder / 'a.json'}: a symbolic link that loops or points nowhere; it was not read" in problems(report)
    assert store.stats().records == 1


def test_a_utf16_file_says_save_as_utf8(store: SQLiteStore, tmp_path: Path) -> None:
    folder = folder_with_good_record(tmp_path)
    (folder / "wide.txt").write_bytes("August 14, 1962\nTitle\n\nCitation:\nx\n".encode("utf-16"))
    (folder / "wide-be.json").write_bytes(json.dumps({**GOOD, "id": "wcda-3"}).encode("utf-16-be"))
    report = ingest(store, [folder])
    assert sorted(problems(report)) == [
        f"{folder / 'wide-be.json'}:1: the file is UTF-16: save it as UTF-8 and ingest it again",
        f"{folder / 'wide.txt'}:1: the file is UTF-16: save it as UTF-8 and ingest it again",
    ]
    assert report.result.added == 1


def test_a_nul_byte_anywhere_is_one_line_with_its_place(store: SQLiteStore, tmp_path: Path) -> None:
    folder = folder_with_good_record(tmp_path)
    text = "August 14, 1962\nA title\n\nCitation:\n" + "words " * 3000 + "\n\x00 more\n"
    (folder / "late-nul.txt").write_text(text, encoding="utf-8")
    (folder / "nul.json").write_bytes(json.dumps({**GOOD, "id": "wcda-4"}).encode()[:-1] + b"\x00}")
    report = ingest(store, [folder])
    found = sorted(problems(report))
    assert found[0].startswith(f"{folder / 'late-nul.txt'}:6: the file holds a NUL byte (offset ")
    assert found[1].startswith(f"{folder / 'nul.json'}:1: the file holds a NUL byte")
    assert report.result.added == 1


@pytest.mark.parametrize(
    "raw",
    [
        b'{"id": "wcda-5", "title": "x", "summary": "\\ud800"}',  # an escaped lone surrogate
        b'{"id": "wcda-5", "title": "x\\u0000"}',  # an escaped NUL
        b'{"id": "wcda-5", "title": "x", "subjects": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><idno type="frus">frus1</idno></teiHeader><text><body>' + b"<div>" * 10_000 + b"</div>" * 10_000 + b"</body></text></TEI>",
    ],
    ids=["surrogate", "nul", "deep-json", "deep-xml"],
)
def test_hostile_content_is_one_line_and_the_batch_goes_on(store: SQLiteStore, tmp_path: Path, raw: bytes) -> None:
    folder = folder_with_good_record(tmp_path)
    bad = folder / ("bad.xml" if raw.startswith(b"<") else "bad.json")
    bad.write_bytes(raw)
    report = ingest(store, [bad, folder])
    [problem] = problems(report)
    assert problem.startswith(str(bad)) and "\n" not in problem and len(problem) < 400
    assert report.result.added == 1


def person(folder: Path, number: str, name: str, file: str | None = None) -> None:
    (folder / (file or f"{number}.xml")).write_text(
        f"<person><id>{number}</id><names><preferred><name>{name}</name></preferred><originals/></names></person>",
        encoding="utf-8",
    )


def test_authority_import_refuses_a_nameless_person_and_two_files_claiming_one_id(
    store: SQLiteStore, tmp_path: Path
) -> None:
    folder = tmp_path / "hsg-people"
    folder.mkdir()
    person(folder, "1", "Rusk, Dean")
    person(folder, "2", "  ")
    person(folder, "1", "Rusk, David Dean", file="9-copy.xml")
    result = import_authority(store, folder)
    assert [str(p) for p in result.problems] == [
        f"{folder / '2.xml'}: the person has no name; give <names><preferred><name>",
        f"{folder / '9-copy.xml'}: authority id 'hsg:1' is also claimed by {folder / '1.xml'}; this file was not read",
    ]
    assert [e.preferred for e in store.iter_entities()] == ["Rusk, Dean"]


def test_authority_import_reports_an_unreadable_file(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "hsg-people"
    folder.mkdir()
    person(folder, "1", "Rusk, Dean")
    person(folder, "2", "Bohlen, Charles")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "2.xml":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    result = import_authority(store, folder)
    assert [str(p) for p in result.problems] == [f"{folder / '2.xml'}: cannot read the file (Permission denied)"]
    assert [e.preferred for e in store.iter_entities()] == ["Rusk, Dean"]
