"""Dump then ingest gives the same archive: records (as `fonds show --json` prints them), collections
and authority entries, for JSON Lines, CSV and TEI dumps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fonds.cli import main
from fonds.store import open_store

BOOKKEEPING = ("origin", "fingerprint")  # where and how a record was read in, not the record


def fonds(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def archive(db: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    with open_store(str(db)) as store:
        ids = [r.id for r in store.iter_records()]
        collections = [c.to_dict() for c in store.collections()]
        entities = [e.to_dict() for e in store.iter_entities()]
    records = {}
    for record_id in ids:
        shown = json.loads(fonds(db, "show", record_id, "--json"))
        records[record_id] = {k: v for k, v in shown.items() if k not in BOOKKEEPING}
    return records, collections, entities


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("original")
    db = folder / "a.db"
    holdings = folder / "holdings.csv"
    holdings.write_text(
        "identifier,title,date,creator,persons,collection,text,language of original\n"
        'h-1,"Memo, with a comma",1962-08-14,"Kennan, George F.",Walter Ulbricht,Berlin files > 1962,Kim Il Sung met N.S. Khrushchev.,ru\n'
        "h-2,<script>alert(1)</script>,1963,,,Berlin files,,de\n",
        encoding="utf-8",
    )
    fonds(db, "ingest", str(corpus / "wilson-center"), str(corpus / "frus" / "frus1961-63v06.xml"),
          str(corpus / "ead" / "nlm_alphaomegaalpha.xml"), str(holdings))
    return db, archive(db)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tei"])
def test_a_dump_ingested_again_gives_the_same_archive(fmt: str, original: tuple[Path, Any], tmp_path: Path) -> None:
    db, (records, collections, entities) = original
    dumped = tmp_path / f"dump.{fmt}"
    fonds(db, "dump", "--format", fmt, "-o", str(dumped))
    copy = tmp_path / "copy.db"
    fonds(copy, "ingest", str(dumped))
    again_records, again_collections, again_entities = archive(copy)
    assert len(collections) > 10 and len(entities) > 10 and len(records) > 30
    assert again_collections == collections
    assert again_entities == entities
    assert sorted(again_records) == sorted(records)
    for record_id, shown in records.items():
        assert again_records[record_id] == shown, record_id


def test_a_title_edited_in_the_csv_dump_wins(original: tuple[Path, Any], tmp_path: Path) -> None:
    db, _ = original
    dumped = tmp_path / "dump.csv"
    fonds(db, "dump", "--format", "csv", "-o", str(dumped))
    text = dumped.read_text(encoding="utf-8").replace('"Memo, with a comma"', '"Memo, corrected"', 1)
    dumped.write_text(text, encoding="utf-8")
    copy = tmp_path / "copy.db"
    fonds(copy, "ingest", str(dumped))
    assert json.loads(fonds(copy, "show", "h-1", "--json"))["title"] == "Memo, corrected"
