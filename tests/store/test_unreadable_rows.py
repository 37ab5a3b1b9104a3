"""A stored record row that cannot be decoded (hand-edited or damaged Record JSON) is one contained
failure: every reader leaves it out and logs it, `fonds check` names it, a dump names it and exits 1,
and ingesting the record again from its source stores it anew. Runs on both stores."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Callable

import psycopg
import pytest
from click.testing import CliRunner

from fonds.cli import main
from fonds.errors import UnreadableRecord
from fonds.integrity import check
from fonds.record import Record
from fonds.store.base import Store

DAMAGES = ("{broken", '{"id": 5}', "")  # not JSON, JSON that is no record, nothing


def damage(store_url: str, record_id: str, data: str) -> None:
    """Write `data` over the record's stored JSON, behind the store's back."""
    if store_url.startswith("sqlite:///"):
        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as db:
            db.execute("UPDATE records SET data = ? WHERE id = ?", (data, record_id))
    else:
        with psycopg.connect(store_url, autocommit=True) as db:
            db.execute("UPDATE records SET data = %s WHERE id = %s", (data, record_id))


@pytest.mark.parametrize("data", DAMAGES)
def test_an_unreadable_row_is_left_out_of_every_listing_and_named(
    store: Store, store_url: str, make_record: Callable[..., Record], data: str, caplog: pytest.LogCaptureFixture
) -> None:
    store.add([make_record(f"rec-{n}") for n in range(1, 6)])
    damage(store_url, "rec-2", data)
    damage(store_url, "rec-3", data)
    with caplog.at_level(logging.ERROR, logger="fonds.containment"):
        assert [r.id for r in store.iter_records(batch=2)] == ["rec-1", "rec-4", "rec-5"]
        # a page of two that starts on both bad rows is filled from the rows after them
        assert [s.id for s in store.list_stored(after_id="", limit=2)] == ["rec-1", "rec-4"]
        assert [s.id for s in store.list_stored(after_id="rec-1", limit=2)] == ["rec-4", "rec-5"]
        assert [s.id for s in store.list_stored(limit=10)] == ["rec-1", "rec-4", "rec-5"]
    assert "'rec-2'" in caplog.text and "'rec-3'" in caplog.text
    with pytest.raises(UnreadableRecord, match="record 'rec-2': its stored data cannot be read"):
        store.get("rec-2")
    unreadable = [str(p) for p in check(store) if "stored data cannot be read" in str(p)]
    assert len(unreadable) == 2
    assert unreadable[0].startswith("record 'rec-2': its stored data cannot be read (")
    assert unreadable[1].startswith("record 'rec-3': its stored data cannot be read (")


def test_the_cli_names_the_row_and_ingesting_it_again_mends_it(tmp_path: Path) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text("".join(
        json.dumps({"id": f"rec-{n}", "title": f"Letter {n}", "type": "Letter",
                    "renditions": [{"kind": "translation", "language": "en", "text": f"Text {n}."}]}) + "\n"
        for n in (1, 2, 3)), encoding="utf-8")
    db = str(tmp_path / "fonds.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "ingest", str(source)]).exit_code == 0
    damage(f"sqlite:///{db}", "rec-2", "{broken")

    dumped = runner.invoke(main, ["--db", db, "dump", "--format", "jsonl"])
    assert dumped.exit_code == 1
    assert "1 record left out of the dump" in dumped.stderr and "'rec-2'" in dumped.stderr
    assert "Traceback" not in dumped.stderr
    ids = [json.loads(line).get("id") for line in dumped.stdout.splitlines()]
    assert "rec-1" in ids and "rec-3" in ids and "rec-2" not in ids

    checked = runner.invoke(main, ["--db", db, "check"])
    assert checked.exit_code == 1
    assert "record 'rec-2': its stored data cannot be read (JSONDecodeError" in checked.output
    assert "Traceback" not in checked.output

    again = runner.invoke(main, ["--db", db, "ingest", str(source)])
    assert again.exit_code == 0, again.output
    assert "1 updated" in again.output
    assert runner.invoke(main, ["--db", db, "check"]).exit_code == 0


def test_oai_names_an_unreadable_record_as_an_oai_error_and_lists_the_rest(
    store: Store, store_url: str, make_record: Callable[..., Record]
) -> None:
    from lxml import etree

    from fonds.config import Settings
    from fonds.web import oai

    store.add([make_record(f"rec-{n}") for n in range(1, 4)])
    damage(store_url, "rec-2", "{broken")
    ns = {"o": "http://www.openarchives.org/OAI/2.0/"}
    listed = etree.fromstring(oai.respond(store, Settings(), {"verb": ["ListIdentifiers"], "metadataPrefix": ["oai_dc"]},
                                          "http://x/oai"))
    assert [i.text for i in listed.iterfind(".//o:header/o:identifier", ns)] == ["oai:fonds:rec-1", "oai:fonds:rec-3"]
    got = etree.fromstring(oai.respond(store, Settings(), {"verb": ["GetRecord"], "metadataPrefix": ["oai_dc"],
                                                           "identifier": ["oai:fonds:rec-2"]}, "http://x/oai"))
    error = got.find("o:error", ns)
    assert error is not None and error.get("code") == "idDoesNotExist"
    assert "cannot be read from the store" in (error.text or "")


def test_a_copy_leaves_an_unreadable_row_out_names_it_and_copies_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps({"id": f"rec-{n}", "title": f"Letter {n}", "type": "Letter"}) + "\n"
                              for n in (1, 2, 3)), encoding="utf-8")
    db, copy = str(tmp_path / "fonds.db"), str(tmp_path / "copy.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "ingest", str(source)]).exit_code == 0
    damage(f"sqlite:///{db}", "rec-2", "{broken")
    copied = runner.invoke(main, ["copy", "--from", db, "--to", copy])
    assert copied.exit_code == 1
    assert "copied 2 records" in copied.stdout
    assert "1 record left out of the copy" in copied.stderr and "'rec-2'" in copied.stderr
    dumped = runner.invoke(main, ["--db", copy, "dump", "--format", "jsonl"])
    assert [json.loads(line).get("id") for line in dumped.stdout.splitlines() if '"id"' in line][-2:] == ["rec-1", "rec-3"]


@pytest.mark.parametrize("data", DAMAGES)
def test_ingesting_a_damaged_row_again_mends_it_on_both_stores(
    store_url: str, tmp_path: Path, data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged row keeps its hash column, so comparing hashes alone calls it unchanged: the
    store must see that the row cannot be read and write it anew, on SQLite and PostgreSQL alike."""
    monkeypatch.chdir(tmp_path)  # a PostgreSQL archive's index folder is made in the working folder
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps({"id": f"rec-{n}", "title": f"Letter {n}", "type": "Letter"}) + "\n"
                              for n in (1, 2, 3)), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", store_url, "ingest", str(source)]).exit_code == 0
    damage(store_url, "rec-2", data)
    assert runner.invoke(main, ["--db", store_url, "check"]).exit_code == 1

    again = runner.invoke(main, ["--db", store_url, "ingest", str(source)])
    assert again.exit_code == 0, again.output
    assert "1 updated" in again.output and "2 unchanged" in again.output
    checked = runner.invoke(main, ["--db", store_url, "check"])
    assert checked.exit_code == 0, checked.output
    shown = runner.invoke(main, ["--db", store_url, "show", "rec-2"])
    assert shown.exit_code == 0 and "Letter 2" in shown.output
