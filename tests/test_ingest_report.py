"""The ingest report: warnings, skipped files, ids claimed twice in a batch, --strict and --dry-run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fonds.cli import main
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore

UNTITLED = b"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="frus1961-63v97">
  <text><body><div type="chapter" xml:id="ch1"><head>Berlin</head>
    <div type="document" xml:id="d1" n="1"><head>1. Telegram</head><p>One.</p></div>
    <div type="document" xml:id="d2" n="2"><head/><p>Two.</p></div>
  </div></body></text>
</TEI>"""


def test_a_warning_is_listed_in_the_report_and_kept_on_the_record(empty_store: SQLiteStore, tmp_path: Path) -> None:
    volume = tmp_path / "v97.xml"
    volume.write_bytes(UNTITLED)
    report = ingest(empty_store, [volume])
    assert report.ok and report.result.added == 2
    (warning,) = report.warnings
    assert str(warning).startswith(f"{volume}:5: document d2 has an empty <head>; stored with the devised title")
    stored = empty_store.get("frus1961-63v97-d2")
    assert stored.title == "[Untitled document 2]" and stored.warnings == (warning,)
    assert "1 warning" in report.summary()


def test_the_same_id_in_two_files_is_reported_naming_both_and_the_first_is_kept(
    empty_store: SQLiteStore, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "x-1", "title": "First"}) + "\n", encoding="utf-8")
    second.write_text(json.dumps({"id": "x-2", "title": "Other"}) + "\n" + json.dumps({"id": "x-1", "title": "Second"}) + "\n", encoding="utf-8")
    report = ingest(empty_store, [first, second])
    (problem,) = report.rejected
    assert str(first) in problem.message and problem.origin.startswith(str(second))
    assert empty_store.get("x-1").title == "First"
    assert empty_store.stats().records == 1  # the second file stores nothing
    # A later batch may update the record: that is not a clash.
    again = ingest(empty_store, [second])
    assert again.ok and empty_store.get("x-1").title == "Second"


def test_a_folder_lists_each_skipped_file_and_strict_stops_on_them(empty_store: SQLiteStore, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a-notes.md").write_text("# notes\n", encoding="utf-8")
    (folder / "b-photo.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "c.jsonl").write_text(json.dumps({"id": "x-1", "title": "One"}) + "\n", encoding="utf-8")
    report = ingest(empty_store, [folder])
    assert report.skipped == [str(folder / "a-notes.md"), str(folder / "b-photo.bin")]
    assert report.ok and report.result.added == 1
    strict = ingest(empty_store, [folder], strict=True)
    assert not strict.ok and strict.skipped == [str(folder / "a-notes.md")] and strict.files == 0


def test_dry_run_reports_everything_and_stores_nothing(empty_store: SQLiteStore, tmp_path: Path) -> None:
    volume = tmp_path / "v97.xml"
    volume.write_bytes(UNTITLED)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x-9"}) + "\n", encoding="utf-8")
    report = ingest(empty_store, [volume, bad], dry_run=True)
    assert (report.result.added, len(report.warnings), len(report.rejected)) == (2, 1, 1)
    assert report.summary() == (
        "2 would be added, 0 would be updated, 0 unchanged, 1 rejected, 1 warning; dry run: nothing stored"
    )
    assert empty_store.stats().records == 0 and empty_store.last_seq() == 0
    assert list(empty_store.iter_entities()) == []


def test_the_cli_lists_warnings_skipped_files_and_dry_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "v97.xml").write_bytes(UNTITLED)
    (folder / "z-readme.md").write_text("# notes\n", encoding="utf-8")
    db = tmp_path / "fonds.db"
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db), "ingest", "--dry-run", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"warning: {folder / 'v97.xml'}:5: document d2 has an empty <head>" in result.output
    assert f"skipped: {folder / 'z-readme.md'}: not a record format" in result.output
    assert "dry run: nothing stored" in result.output
    result = runner.invoke(main, ["--db", str(db), "ingest", "--strict", str(folder)])
    assert result.exit_code == 1
    store = SQLiteStore(db)
    try:
        assert store.stats().records == 2  # v97.xml comes before z-readme.md, where --strict stops
    finally:
        store.close()


def test_the_shared_corpus_reads_without_a_warning(empty_store: SQLiteStore, corpus: Path) -> None:
    volumes = sorted((corpus / "frus").glob("frus*.xml"))
    assert len(volumes) == 4
    report = ingest(empty_store, [corpus / "wilson-center", *volumes], dry_run=True)
    assert (report.rejected, report.warnings, report.skipped) == ([], [], [])
    assert report.result.added == 1 + 336 + 390 + 120 + 369


def test_dry_run_refuses_what_the_real_ingest_refuses_and_a_refused_file_counts_nothing(
    empty_store: SQLiteStore, tmp_path: Path
) -> None:
    volume = tmp_path / "v.xml"
    volume.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="frus1961-63v97"><text><body>'
        '<div type="chapter" xml:id="ch 1"><head>Berlin</head>\n'
        '<div type="document" xml:id="d1" n="1"><head>1. Letter</head><p>One.</p></div>'
        "</div></body></text></TEI>",
        encoding="utf-8",
    )
    for dry_run in (True, False):
        report = ingest(empty_store, [volume], dry_run=dry_run)
        (problem,) = report.rejected
        assert problem.origin == f"{volume}:1"
        assert "collection 'Berlin': its id 'frus1961-63v97-ch 1': the identifier holds a space" in problem.message
        assert (report.result.added, report.collections) == (0, 0)
    assert empty_store.stats().records == 0
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "f.db"), "ingest", str(volume)])
    assert result.exit_code == 1 and "collections:" not in result.output


def test_a_readme_that_mentions_the_text_headings_is_skipped_not_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "SOURCES.md").write_text(
        "# Sources\n\nA document page: date, title, `Citation:`, `Summary:`, `Original Language:`.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "f.db"), "ingest", "--dry-run", str(folder)])
    assert f"skipped: {folder / 'SOURCES.md'}: not a record format" in result.output
    assert "rejected" not in result.output.replace("0 rejected", "")
