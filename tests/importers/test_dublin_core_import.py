"""Dublin Core XML in: oai_dc records, simple DC, OAI-PMH responses (deleted headers yield nothing)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fonds.errors import Problem, RecordError
from fonds.importers import detect, dublin_core
from fonds.ingest import ingest
from fonds.record import Record
from fonds.store.sqlite import SQLiteStore


def read(data: bytes) -> list[object]:
    return list(dublin_core.read(io.BytesIO(data), origin="dc.xml"))


def test_the_recorded_erasmus_response_gives_its_sixteen_records(empty_store: SQLiteStore, corpus: Path) -> None:
    path = corpus / "oai" / "pyoai_erasmus_ListRecords_oai_dc.xml"
    assert detect(path.read_bytes()[:65536]) == "dc"
    report = ingest(empty_store, [path], link_names=False)
    assert report.ok and report.result.added == 16
    record = empty_store.get("hdl:1765:308")
    assert record.title == "Kijken in het brein: Over de mogelijkheden van neuromarketing"
    assert record.url == "http://hdl.handle.net/1765/308"
    assert record.date.earliest == "2003-04-15"
    assert [c.name for c in record.credits] == ["Smidts, A."]


def test_a_deleted_header_yields_nothing(corpus: Path) -> None:
    records = [r for r in read((corpus / "oai" / "sickle_ListRecords.xml").read_bytes()) if isinstance(r, Record)]
    assert [r.id for r in records] == ["oai:test.example.com:1585322"]
    (record,) = records
    assert (record.title, record.original_languages, record.source.repository) == ("Sample Title", ("en",), "Sample Publisher")
    assert [c.name for c in record.credits] == ["John Doe"]


def test_a_simple_dc_record_with_an_odd_date_and_no_title() -> None:
    data = (
        b'<record xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier>MfS-9</dc:identifier>'
        b"<dc:date>sometime in 1962</dc:date><dc:subject>Berlin</dc:subject><dc:language>de</dc:language></record>"
    )
    (record,) = read(data)
    assert isinstance(record, Record)
    assert (record.id, record.title, record.subjects, record.original_languages) == ("MfS-9", "[Untitled record MfS-9]", ("Berlin",), ("de",))
    assert record.date.text == "sometime in 1962" and not record.date.is_dated
    assert [w.message for w in record.warnings][0].startswith("no dc:title")
    assert all(isinstance(w, Problem) for w in record.warnings)


def test_no_identifier_and_broken_xml_are_errors() -> None:
    with pytest.raises(RecordError, match="dc.xml:1: the record has no dc:identifier"):
        read(b'<record xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>x</dc:title></record>')
    with pytest.raises(RecordError, match="not well-formed XML"):
        read(b'<record xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>x</dc:title>')
