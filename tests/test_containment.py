"""Per-record containment (issue 17, "belt and braces"): a record that indexing, a dump, an export
or OAI-PMH cannot handle is one failure (logged, counted, named to staff), never the end of the
whole operation. The store's door refuses broken records, so each test injects a failure for one
record with monkeypatch."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from lxml import etree

from fonds import index_writing as index_module  # documents are built on the write path
from fonds.cli import main
from fonds.config import Settings
from fonds.containment import index_failures
from fonds.exports import EXPORTS, dump as dump_module
from fonds.index import Index
from fonds.ingest import ingest
from fonds.integrity import check
from fonds.record import Record
from fonds.store.sqlite import SQLiteStore
from fonds.web import oai

BAD = "rec-2"


def records(folder: Path) -> Path:
    """Three small Record JSON records."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "records.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"rec-{n}", "title": f"Letter number {n} about wheat", "type": "Letter",
                        "renditions": [{"kind": "translation", "language": "en", "text": f"Text {n} about wheat."}]})
            + "\n"
            for n in (1, 2, 3)
        ),
        encoding="utf-8",
    )
    return path


def fail_for(original, record_id: str = BAD):  # type: ignore[no-untyped-def]
    """`original`, raising for one record (its first argument)."""
    def failing(record: Record, *args, **kwargs):  # type: ignore[no-untyped-def]
        if record.id == record_id:
            raise ValueError("injected failure")
        return original(record, *args, **kwargs)

    return failing


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with SQLiteStore(tmp_path / "fonds.db") as store:
        report = ingest(store, [records(tmp_path / "in")], link_names=False)
        assert report.result.added == 3
        yield store


def test_a_record_the_index_cannot_take_is_left_out_named_and_tried_again(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name, start in (("new", 0), ("following", 1)):  # a new index fills in one pass; an old one follows the log
        index = Index(tmp_path / f"{name}-index")
        if start:
            index.update(store)
            store.add([store.get(f"rec-{n}").with_persons(()) for n in (1, 2, 3)])  # unchanged: no change logged
            store.add([Record.from_dict({**store.get(f"rec-{n}").to_dict(), "summary": "Wheat."}) for n in (1, 2, 3)])
        with monkeypatch.context() as patch:
            patch.setattr(index_module, "document", fail_for(index_module.document))
            with caplog.at_level(logging.ERROR, logger="fonds.containment"):
                index.update(store)
        assert index.failures.ids == [BAD]
        assert "index: record 'rec-2' left out: ValueError: injected failure" in caplog.text
        assert index.count() == 2
        assert sorted(hit.id for hit in index.search(None, limit=10).hits) == ["rec-1", "rec-3"]
        assert index_failures(store) == {BAD: "ValueError: injected failure"}
        assert [str(p) for p in check(store)] == [
            "record 'rec-2': the search index could not take it (ValueError: injected failure); "
            "it is tried again on every index update (see the log)"
        ]
        store.add([Record.from_dict({**store.get("rec-1").to_dict(), "summary": f"Changed {name}."})])
        index.update(store)  # the fault is gone: the next update takes the record in and clears the mark
        assert index.count() == 3 and index.failures.ids == []
        assert index_failures(store) == {} and check(store) == []


@pytest.mark.parametrize("fmt, target, name", [
    ("jsonl", Record, "to_dict"),
    ("csv", dump_module, "csv_row"),
    ("tei", dump_module.tei, "element"),
])
def test_a_dump_leaves_out_a_record_it_cannot_write_and_says_which(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, target: object, name: str
) -> None:
    out = tmp_path / f"dump.{fmt}"
    monkeypatch.setattr(target, name, fail_for(getattr(target, name)))
    result = CliRunner().invoke(main, ["--db", str(store.path), "dump", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 1
    assert "wrote 2 records" in result.output
    assert "fonds: 1 record left out of the dump (the log has the details): 'rec-2'" in result.output
    text = out.read_text(encoding="utf-8")
    assert "rec-1" in text and "rec-3" in text and "rec-2" not in text
    if fmt == "tei":
        etree.fromstring(text.encode())  # still one well-formed corpus
    monkeypatch.undo()
    again = CliRunner().invoke(main, ["--db", str(store.path), "dump", "--format", fmt, "-o", str(out)])
    assert again.exit_code == 0 and "wrote 3 records" in again.output and "left out" not in again.output


def test_an_export_that_fails_is_one_line_and_exit_1(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(EXPORTS, "ris", replace(EXPORTS["ris"], write=fail_for(EXPORTS["ris"].write)))
    runner = CliRunner()
    bad = runner.invoke(main, ["--db", str(store.path), "export", BAD, "--format", "ris"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines()[-1] == (
        "fonds: record 'rec-2': ValueError: injected failure; it cannot be exported as ris (the log has the details)"
    )
    assert "Traceback" not in bad.output
    good = runner.invoke(main, ["--db", str(store.path), "export", "rec-1", "--format", "ris"])
    assert good.exit_code == 0 and "Letter number 1" in good.output


def test_oai_leaves_out_a_record_it_cannot_write_and_counts_it(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    dc = oai.FORMATS["oai_dc"]
    monkeypatch.setitem(oai.FORMATS, "oai_dc", replace(dc, element=fail_for(dc.element)))
    before = oai.FAILURES["records"]
    body = oai.respond(store, Settings(), parse_qs("verb=ListRecords&metadataPrefix=oai_dc"), "http://127.0.0.1/oai")
    root = etree.fromstring(body)
    ids = [e.text for e in root.iter(f"{{{oai.OAI_NS}}}identifier")]
    assert ids == ["oai:fonds:rec-1", "oai:fonds:rec-3"]
    assert oai.FAILURES["records"] == before + 1


def test_a_finding_aid_leaves_out_a_record_it_cannot_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fonds.exports import ead

    path = records(tmp_path / "in")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text(
        json.dumps({"collection": {"id": "letters", "title": "Letters", "parent": None, "kind": "series"}}) + "\n"
        + "".join(json.dumps({**line, "collections": ["letters"]}) + "\n" for line in lines),
        encoding="utf-8",
    )
    with SQLiteStore(tmp_path / "fonds.db") as store:
        assert ingest(store, [path], link_names=False).result.added == 3
    original = ead._Writer.record

    def failing(self: object, parent: etree._Element, record: Record) -> None:
        if record.id == BAD:
            original(self, parent, record)  # type: ignore[arg-type]  # written part-way, then it fails
            raise ValueError("injected failure")
        original(self, parent, record)  # type: ignore[arg-type]

    monkeypatch.setattr(ead._Writer, "record", failing)
    out = tmp_path / "letters.xml"
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "fonds.db"), "export-collection", "letters", "-o", str(out)])
    assert result.exit_code == 1
    assert "fonds: 1 record left out of the finding aid (the log has the details): 'rec-2'" in result.output
    text = out.read_text(encoding="utf-8")
    etree.fromstring(text.encode())
    assert "rec-1" in text and "rec-3" in text and "rec-2" not in text
