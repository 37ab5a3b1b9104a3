"""The `fonds` command as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fonds.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    db = str(tmp_path / "fonds.db")

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, ["--db", db, *args], catch_exceptions=False)

    return invoke


def test_ingest_reports_and_is_idempotent(run, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    first = run("ingest", str(corpus / "wilson-center"), str(ROOT / "examples"))
    assert first.exit_code == 0
    assert "8 added, 0 updated, 0 unchanged, 0 rejected" in first.output
    again = run("ingest", str(corpus / "wilson-center"))
    assert again.exit_code == 0
    assert "0 added, 0 updated, 1 unchanged, 0 rejected; nothing changed" in again.output


def test_rejected_files_are_listed_and_exit_1(run, data: Path, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("ingest", str(data / "text_cut_off.txt"), str(corpus / "wilson-center"))
    assert result.exit_code == 1
    assert (
        f"rejected: {data / 'text_cut_off.txt'}:3: the record ends before its 'Citation', 'Original Language' and 'Contents' blocks; "
        "the file may be cut off: export it again"
    ) in result.output
    assert "1 added, 0 updated, 0 unchanged, 1 rejected" in result.output


def test_search_json_has_the_design_shape(run, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(corpus / "wilson-center"))
    result = run("search", "date:1962-08 lang:ru", "--json")
    data = json.loads(result.output)
    assert set(data) == {"total", "hits", "facets"}
    assert data["total"] == 1
    assert set(data["hits"][0]) == {"id", "title", "date", "snippet", "matched"}
    assert data["hits"][0]["id"] == "wcda-110485"


def test_search_text_output_and_bad_query(run, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(corpus / "wilson-center"))
    result = run("search", '"air defense"')
    assert "1 record matches" in result.output and "wcda-110485" in result.output
    bad = run("search", 'title:"kim')
    assert bad.exit_code == 1
    assert bad.output.strip() == 'fonds: unclosed quote at position 7: title:▸"kim; add the closing " or remove the opening one'


def test_show_json_round_trips_the_record(run, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(corpus / "wilson-center"))
    data = json.loads(run("show", "wcda-110485", "--json").output)
    assert data["source"]["reference"]["listy"] == "3-9"
    text = run("show", "wcda-110485").output
    assert "reference: fond 0102, opis 18, papka 93, delo 5, listy 3-9" in text
    missing = run("show", "wcda-1")
    assert missing.exit_code == 1 and missing.output.strip() == "fonds: no record with id 'wcda-1'"


def test_stats_and_reindex(run, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(corpus / "wilson-center"), str(ROOT / "examples"))
    stats = json.loads(run("stats", "--json").output)
    assert stats["records"] == 8 and stats["collections"] == 2
    assert run("reindex").output.strip() == "index rebuilt: 8 records searchable"


def test_bad_setting_names_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FONDS_PAGE_SIZE", "ten")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "stats"])
    assert result.exit_code == 1
    assert result.output.strip() == "fonds: FONDS_PAGE_SIZE='ten' is not a whole number"


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are notes, not a database" * 100)
    result = CliRunner().invoke(main, ["--db", str(bogus), "stats"])
    assert result.exit_code == 1
    assert result.output.startswith(f"fonds: {bogus}: cannot open as a fonds database")


def test_authority_import_and_show(run, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(corpus / "frus" / "frus1961-63v06.xml"))
    imported = run("authority", "import", str(corpus / "authority" / "hsg-people"))
    assert imported.exit_code == 0
    assert "283 authority entries read" in imported.output
    shown = run("authority", "show", "hsg:107127")
    assert shown.output.startswith("Khrushchev, Nikita Sergeyevich  [hsg:107127]  person")
    assert "frus1961-63v06-d1  Message From Chairman Khrushchev to President-elect Kennedy" in shown.output
    missing = run("authority", "show", "hsg:0")
    assert missing.exit_code == 1 and missing.output.strip() == "fonds: no authority entry with id 'hsg:0'"


def test_search_words_starting_with_a_minus_are_not_and_one_record_is_singular(run, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", str(corpus / "wilson-center"), str(ROOT / "examples"))
    without = run("search", "-Moskovsky", "--json")
    assert without.exit_code == 0, without.output
    found = {hit["id"] for hit in json.loads(without.output)["hits"]}
    assert found and "wcda-110485" not in found
    two_words = run("search", "Kim", "-Moskovsky")  # several arguments are one search
    assert two_words.exit_code == 0 and "wcda-110485" not in two_words.output
    single = run("search", "Moskovsky")
    assert single.output.splitlines()[0] == "1 record matches 'Moskovsky'"
    lines = single.output.splitlines()
    assert lines[4].startswith("   ") and len(lines) == 5 + sum(line.startswith("   matched:") for line in lines)
    assert lines[4].strip() != lines[2].split("  [")[0].split(". ", 1)[1]  # the snippet does not repeat the title
    empty = run("search", "?!")
    assert empty.exit_code != 0 and "punctuation alone is not searched" in empty.output
