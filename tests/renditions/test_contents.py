"""Files a text record's `Contents:` block names beside it (renditions/contents.py): attached at
ingest as renditions; a missing file, a path out of the record's folder or a bad file rejects the
record with file:line and stores nothing of it; re-ingest changes nothing and renders nothing again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fonds.cli import main
from fonds.errors import NotFound
from fonds.ingest import ingest
from fonds.renditions import pdf
from fonds.renditions.contents import Attacher
from fonds.renditions.files import FileStore
from fonds.store.sqlite import SQLiteStore

MEMO = "scans/176-10036-10027_ocr.pdf"
RECORD_ID = "test-contents-1963"


def record_text(*contents: str, body: str = "") -> str:
    lines = "\n".join(contents)
    return (
        "April 23, 1963\n\nFidel Castro's Coming Visit to Moscow and Algiers\n\nCitation:\n\n"
        '"Fidel Castro\'s Coming Visit", April 23, 1963, CIA OCI memorandum No. 1427/63.\n\n'
        f"Identifier:\n\n{RECORD_ID}\n\nOriginal Language:\n\nEnglish\n\nContents:\n\n{lines}\n"
        + (f"\n{body}\n" if body else "")
    )


@pytest.fixture
def folder(tmp_path: Path, corpus: Path) -> Path:
    here = tmp_path / "records"
    here.mkdir()
    shutil.copyfile(corpus / MEMO, here / "scan.pdf")
    (here / "transcript.txt").write_text("Fidel Castro is to visit Moscow.\n\nHe will then go to Algiers.", encoding="utf-8")
    (here / "notes").mkdir()
    (here / "notes" / "russian.md").write_text("Фидель Кастро посетит Москву.", encoding="utf-8")
    return here


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = SQLiteStore(tmp_path / "fonds.db")
    yield store
    store.close()


def attacher(tmp_path: Path) -> Attacher:
    return Attacher(FileStore(tmp_path / "fonds.db.files"))


def test_named_files_become_renditions_and_are_not_reported_as_strays(store: SQLiteStore, folder: Path, tmp_path: Path) -> None:
    (folder / "record.txt").write_text(record_text(
        "Original Scan - scan.pdf", "Transcript - English - transcript.txt", "Translation - Russian - notes/russian.md",
    ), encoding="utf-8")
    report = ingest(store, [folder], attacher=attacher(tmp_path), link_names=False, strict=True)
    assert report.ok and report.skipped == [] and report.result.added == 1, (report.rejected, report.skipped)
    record = store.get(RECORD_ID)
    kinds = [(r.kind, r.language, r.source.name if r.source else None) for r in record.renditions]
    assert ("scan", "en", "scan.pdf") in kinds and ("transcript", "en", "transcript.txt") in kinds
    assert ("translation", "ru", "russian.md") in kinds
    scan = next(r for r in record.renditions if r.kind == "scan")
    assert len(scan.images) == 2 and all(FileStore(tmp_path / "fonds.db.files").has(i.sha256) for i in scan.images)
    assert not any(r.source is None and not r.text for r in record.renditions)  # every placeholder was filled


def test_reingest_changes_nothing_and_renders_nothing_again(store: SQLiteStore, folder: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "record.txt").write_text(record_text("Original Scan - scan.pdf", body="Summary text of the memo."), encoding="utf-8")
    assert ingest(store, [folder], attacher=attacher(tmp_path), link_names=False).ok
    first = store.get(RECORD_ID)
    assert next(r for r in first.renditions if r.kind == "translation").text == "Summary text of the memo."

    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError("re-ingest rendered the PDF again")

    monkeypatch.setattr(pdf, "render", no_render)
    again = ingest(store, [folder], attacher=attacher(tmp_path), link_names=False)
    assert again.ok and again.result.changed == 0 and again.result.unchanged == 1
    assert store.get(RECORD_ID) == first and len(store.versions(RECORD_ID)) == 1


@pytest.mark.parametrize(("line", "expected"), [
    ("Original Scan - missing.pdf", "the file 'missing.pdf' is not beside the record"),
    ("Original Scan - ../../etc/passwd.pdf", "lies outside the record's folder ('..')"),
    ("Transcript - English - /etc/hostname.txt", "is an absolute path"),
    ("Original Scan - outside.pdf", "leads outside the record's folder (a symbolic link"),
    ("Original Scan - broken.pdf", "broken.pdf: the PDF is damaged and cannot be read"),
    ("Translation - English - empty.md", "empty.md: the file is empty (0 bytes)"),
    ("Original Scan - notes", "'notes/' is not a regular file"),
])
def test_a_bad_named_file_rejects_the_record_with_file_and_line(store: SQLiteStore, folder: Path, tmp_path: Path,
                                                                corpus: Path, line: str, expected: str) -> None:
    (folder / "broken.pdf").write_bytes((corpus / MEMO).read_bytes()[:2500])
    (folder / "empty.md").write_bytes(b"")
    outside = tmp_path / "elsewhere.pdf"
    shutil.copyfile(corpus / MEMO, outside)
    os.symlink(outside, folder / "outside.pdf")
    if line.endswith("notes"):
        line = "Original Scan - notes/"  # a folder
    record = folder / "record.txt"
    record.write_text(record_text("Translation - English - transcript.txt", line), encoding="utf-8")
    report = ingest(store, [record], attacher=attacher(tmp_path), link_names=False)
    assert not report.ok and len(report.rejected) == 1
    problem = report.rejected[0]
    assert problem.origin == f"{record}:20" and expected in problem.message, problem
    with pytest.raises(NotFound):
        store.get(RECORD_ID)  # nothing of the record, not even the good transcript


def test_a_bad_file_on_reingest_keeps_the_stored_record(store: SQLiteStore, folder: Path, tmp_path: Path) -> None:
    record = folder / "record.txt"
    record.write_text(record_text("Transcript - English - transcript.txt"), encoding="utf-8")
    assert ingest(store, [record], attacher=attacher(tmp_path), link_names=False).ok
    before = store.get(RECORD_ID)
    record.write_text(record_text("Transcript - English - transcript.txt", "Original Scan - gone.pdf"), encoding="utf-8")
    report = ingest(store, [record], attacher=attacher(tmp_path), link_names=False)
    assert not report.ok and store.get(RECORD_ID) == before


def test_without_an_attacher_the_record_is_refused_and_the_cli_attaches(folder: Path, tmp_path: Path) -> None:
    (folder / "record.txt").write_text(record_text("Transcript - English - transcript.txt"), encoding="utf-8")
    plain = SQLiteStore(tmp_path / "plain.db")
    try:
        report = ingest(plain, [folder / "record.txt"], link_names=False)
        assert "names files beside it; ingest it with `fonds ingest`" in report.rejected[0].message
    finally:
        plain.close()
    (folder / "record.txt").write_text(record_text(
        "Original Scan - scan.pdf", "Transcript - English - transcript.txt", "Translation - Russian - notes/russian.md",
    ), encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "cli.db"), "ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.output and "1 added" in result.output
    assert (tmp_path / "cli.db.files").is_dir()
