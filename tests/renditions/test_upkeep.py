"""`fonds files check` and `fonds files gc`: missing and damaged files reported, unreferenced files
listed and deleted, and never a file a record, an old version or a concurrent attach needs."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from click.testing import CliRunner

from fonds.cli import main
from fonds.renditions.attach import Options, attach
from fonds.renditions.files import FileStore
from fonds.renditions.upkeep import check, collect
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
RECORD = "sample-belovezha-1991"


def _attach_text(store: SQLiteStore, files: FileStore, tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = attach(store, files, RECORD, [path], Options("translation", "en"))
    source = done.renditions[0].source
    assert source is not None
    return source.sha256


def _age(files: FileStore, sha: str, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(files.path(sha), (old, old))


def test_gc_lists_and_deletes_only_files_nothing_names(store: SQLiteStore, tmp_path: Path) -> None:
    files = FileStore(tmp_path / "fonds.db.files")
    named = _attach_text(store, files, tmp_path, "en.txt", "The Commonwealth of Independent States.")
    orphan = files.put_bytes(b"left by an attach that failed", "text/plain").sha256
    for sha in (named, orphan):
        _age(files, sha, 7200)
    found = collect(store, files)
    assert [sha for sha, _ in found.unreferenced] == [orphan] and found.deleted == 0
    assert files.has(orphan)  # listing deletes nothing
    found = collect(store, files, delete=True)
    assert found.deleted == 1 and found.freed == len(b"left by an attach that failed")
    assert not files.has(orphan) and files.has(named)
    assert not list((tmp_path / "fonds.db.files").rglob(".gc-*"))


def test_a_file_only_an_old_version_names_is_kept(store: SQLiteStore, tmp_path: Path) -> None:
    files = FileStore(tmp_path / "fonds.db.files")
    sha = _attach_text(store, files, tmp_path, "en.txt", "A translation later removed by an editor.")
    record = store.get(RECORD)
    store.add([replace(record, renditions=tuple(r for r in record.renditions if r.source is None))], agent="user ed")
    _age(files, sha, 7200)
    assert collect(store, files, delete=True).deleted == 0 and files.has(sha)  # restoring version 2 needs it


def test_a_file_a_concurrent_attach_just_stored_is_kept(store: SQLiteStore, tmp_path: Path) -> None:
    files = FileStore(tmp_path / "fonds.db.files")
    sha = files.put_bytes(b"an attach stored me and is about to write its record", "text/plain").sha256
    assert collect(store, files, delete=True).kept_young == 1 and files.has(sha)
    _age(files, sha, 7200)  # an hour later the same bytes are attached again: storing them touches the file
    files.put_bytes(b"an attach stored me and is about to write its record", "text/plain")
    found = collect(store, files, delete=True)
    assert found.deleted == 0 and found.kept_young == 1 and files.has(sha)


def test_check_reports_missing_and_damaged_files_and_fonds_check_fails(store: SQLiteStore, tmp_path: Path) -> None:
    files = FileStore(tmp_path / "fonds.db.files")
    gone = _attach_text(store, files, tmp_path, "en.txt", "English text that will go missing.")
    bad = _attach_text(store, files, tmp_path, "en2.txt", "English text whose file gets damaged.")
    assert check(store, files) == []
    files.path(gone).unlink()
    files.path(bad).write_bytes(b"bit rot")
    problems = {p.sha256: p for p in check(store, files)}
    assert problems[gone].problem == "missing" and problems[bad].problem == "damaged"
    assert problems[gone].records == [RECORD] and RECORD in str(problems[bad])
    assert [p.sha256 for p in check(store, files, verify=False)] == [gone]
    store.close()
    runner = CliRunner()
    db = str(tmp_path / "fonds.db")
    result = runner.invoke(main, ["--db", db, "files", "check"])
    assert result.exit_code == 1 and f"file {gone}: named by {RECORD} but not in the files folder" in result.output
    result = runner.invoke(main, ["--db", db, "check"])
    assert result.exit_code == 1 and f"file {bad}: named by {RECORD} but its bytes no longer hash" in result.output


def test_files_gc_command_lists_then_deletes(store: SQLiteStore, tmp_path: Path) -> None:
    files = FileStore(tmp_path / "fonds.db.files")
    orphan = files.put_bytes(b"orphan bytes", "text/plain").sha256
    store.close()
    runner = CliRunner()
    db = str(tmp_path / "fonds.db")
    result = runner.invoke(main, ["--db", db, "files", "gc"])
    assert result.exit_code == 0 and "1 unreferenced files, 12 bytes; 1 younger than 3600 s kept" in result.output
    result = runner.invoke(main, ["--db", db, "files", "gc", "--delete", "--grace", "0"])
    assert result.exit_code == 0 and f"{orphan}\t12" in result.output and "1 deleted, 12 bytes freed" in result.output
    assert not files.has(orphan)


@pytest.mark.parametrize("grace", ["-5", "nan", "-inf"])
def test_files_gc_refuses_a_grace_below_zero_and_deletes_nothing(store: SQLiteStore, tmp_path: Path, grace: str) -> None:
    """A negative (or nan) grace kept no young file: gc --delete removed the files an attach was
    about to name, breaking the order of operations the module docstring argues for."""
    files = FileStore(tmp_path / "fonds.db.files")
    young = files.put_bytes(b"just stored by an attach", "text/plain").sha256
    store.close()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "fonds.db"), "files", "gc", "--delete", "--grace", grace])
    assert result.exit_code == 2 and "'--grace'" in result.output and "0 or more" in result.output
    assert files.has(young)
