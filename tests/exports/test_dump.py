from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from fonds.errors import ExportError
from fonds.exports import dump
from fonds.collection import Collection
from fonds.record import PersonLink, Record


def test_jsonl_reads_back_as_the_same_records(wilson_record: Record, frus_like_record: Record) -> None:
    out = io.StringIO()
    assert dump.write_all([wilson_record, frus_like_record], "jsonl", out) == 2
    lines = out.getvalue().splitlines()
    assert [Record.from_dict(json.loads(line)) for line in lines] == [wilson_record, frus_like_record]


def test_csv_has_fonds_columns_and_one_row_per_record(wilson_record: Record, hostile_record: Record) -> None:
    out = io.StringIO()
    assert dump.write_all([wilson_record, hostile_record], "csv", out) == 2
    rows = [dict(zip(dump.CSV_HEADER, row)) for row in list(csv.reader(io.StringIO(out.getvalue())))[1:]]
    assert list(csv.reader(io.StringIO(out.getvalue())))[0] == list(dump.CSV_HEADER)
    first = rows[0]
    assert (first["identifier"], first["date"], first["original_language"], first["translator"]) == (
        "wcda-110485", "August 14, 1962", "ru", "Sergey Radchenko",
    )
    assert first["repository"] == "Archive of the Foreign Policy of the Russian Federation"
    assert first["reference"] == "fond 0102, opis 18, papka 93, delo 5, listy 3-9"
    assert (first["collection"], first["kind"]) == ("NKIDP", "record")
    assert Record.from_dict(json.loads(first["json"])) == wilson_record
    assert rows[1]["title"] == hostile_record.title
    assert len(rows) == 2


def test_the_tei_corpus_keeps_xml_ids_unique_when_records_share_persons(
    tmp_path: Path, jing: Callable[[list[Path]], list[str]], wilson_record: Record
) -> None:
    shared = PersonLink(id="kim-il-sung", name="Kim Il Sung", role="participant")
    records = [replace(wilson_record, id=f"wcda-{n}", persons=(shared,)) for n in range(3)]
    path = tmp_path / "corpus.xml"
    with open(path, "w", encoding="utf-8") as out:
        dump.write_all(records, "tei", out, collections=[Collection("NKIDP", "North Korea International Documentation Project")])
    ids = etree.parse(str(path)).xpath("//@xml:id")
    assert len(ids) == len(set(ids)) == 3
    assert jing([path]) == []


def test_tei_corpus_validates(
    tmp_path: Path,
    jing: Callable[[list[Path]], list[str]],
    wilson_record: Record,
    frus_like_record: Record,
    hostile_record: Record,
) -> None:
    path = tmp_path / "corpus.xml"
    with open(path, "w", encoding="utf-8") as out:
        assert dump.write_all([wilson_record, frus_like_record, hostile_record], "tei", out) == 3
    assert jing([path]) == []


@pytest.mark.parametrize("fmt", dump.FORMATS)
def test_dumps_stream_one_record_at_a_time(fmt: str, frus_records: list[Record]) -> None:
    """Record n is written before record n+1 is even read."""
    pulled = 0
    written_at: list[int] = []

    def records() -> Iterator[Record]:
        nonlocal pulled
        for record in frus_records[:5]:
            pulled += 1
            yield record

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            done = len(written_at)
            if done < 5 and frus_records[done].id in text:
                written_at.append(pulled)
            return super().write(text)

    assert dump.write_all(records(), fmt, Out()) == 5
    assert written_at == [1, 2, 3, 4, 5]


def test_empty_tei_dump_is_refused_before_writing() -> None:
    out = io.StringIO()
    with pytest.raises(ExportError) as raised:
        dump.write_all([], "tei", out)
    assert str(raised.value) == "there are no records to dump; a TEI corpus must hold at least one"
    assert out.getvalue() == ""


def test_unknown_format_is_refused_by_name() -> None:
    with pytest.raises(ExportError) as raised:
        dump.write_all([], "xlsx", io.StringIO())
    assert str(raised.value) == "dump format 'xlsx' is not one we write; use one of jsonl, tei, csv"
