"""Record JSON checked field by field at the door (importers/record_schema.py via importers/jsonfile.py)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from fonds.errors import RecordError
from fonds.importers import jsonfile
from fonds.record import Record


def read(data: Any) -> list[Record]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return list(jsonfile.read(io.BytesIO(raw), origin="in.json"))


def good(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "wcda-1",
        "title": "Memorandum",
        "date": {"text": "August 14, 1962", "earliest": "1962-08-14", "latest": "1962-08-14", "edtf": "1962-08-14"},
        "original_languages": ["ru"],
        "collections": ["nkidp"],
        "renditions": [
            {
                "kind": "translation",
                "language": "en",
                "text": "I [and] he",
                "marks": [{"kind": "supplied", "start": 2, "end": 7, "text": "and"}],
                "notes": [{"n": "1", "text": "a note", "offset": 3}],
                "pages": [{"n": "1", "offset": 0}],
            }
        ],
        "persons": [{"id": "fonds:kim-il-sung", "name": "Kim Il Sung", "confidence": 1, "rendition": 0}],
        "credits": [{"role": "translator", "name": "A. Translator"}],
    }
    record.update(changes)
    return record


def refusal(data: Any) -> str:
    with pytest.raises(RecordError) as error:
        read(data)
    return str(error.value)


def test_a_well_formed_record_is_read() -> None:
    [record] = read(good())
    assert record.date.earliest == "1962-08-14"
    assert record.persons[0].confidence == 1.0


def test_a_dumped_record_reads_back_unchanged() -> None:
    [record] = read(good())
    assert read(record.to_dict()) == [record]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "1962"}, "in.json:1: record 'wcda-1': date: expected an object with text/earliest/latest/edtf, got text '1962'"),
        ({"date": {"earliest": "14 August 1962"}}, "date.earliest: '14 August 1962' is not an ISO 8601 day"),
        ({"date": {"earliest": "1962-02-30"}}, "date.earliest: '1962-02-30' is not an ISO 8601 day"),
        ({"date": {"earliest": "1963-01-01", "latest": "1962-01-01"}}, "date: latest 1962-01-01 is before earliest 1963-01-01"),
        ({"collections": "nkidp"}, "collections: expected a list, got text 'nkidp'"),
        ({"collections": ["a b"]}, "collections[0]: the identifier holds a space"),
        ({"original_languages": "ru"}, "original_languages: expected a list"),
        ({"original_languages": [7]}, "original_languages[0]: expected text, got a number 7"),
        ({"original_languages": ["Russian"]}, "original_languages[0]: 'Russian' is not a language code"),
        ({"credits": {"role": "x"}}, "credits: expected a list"),
        ({"credits": [{"role": "translator"}]}, "credits[0].name: is required"),
        ({"source": "AVPRF"}, "source: expected an object with citation/repository/reference"),
        ({"source": {"reference": {"fond": 102}}}, "source.reference.fond: expected text, got a number 102"),
        ({"summary": ["a"]}, "summary: expected text, got a list"),
        ({"title": "Memo\x00randum"}, "title: holds a control character (U+0000) at character 5"),
        ({"summary": "bad \ud800 text"}, "summary: holds a lone surrogate (U+D800)"),
        ({"tittle": "x"}, "unknown field 'tittle'"),
        ({"persons": [{"id": "p 1", "name": "x"}]}, "persons[0].id: the identifier holds a space"),
        ({"persons": [{"id": "p", "name": "x", "rendition": 4}]}, "persons[0] points at rendition 4, but the record has 1"),
        ({"persons": [{"id": "p", "name": "x", "start": 5, "end": 2}]}, "persons[0]: end 2 is before start 5"),
        ({"persons": [{"id": "p", "name": "x", "confidence": 3}]}, "persons[0].confidence: must be at most 1"),
        ({"renditions": [{"kind": "painting"}]}, "renditions[0].kind: 'painting' is not one of"),
        ({"renditions": [{"kind": "scan", "marks": {}}]}, "renditions[0].marks: expected a list"),
        ({"renditions": [{"kind": "scan", "text": "ab", "marks": [{"kind": "gap", "start": 1, "end": 9}]}]},
         "renditions[0]: marks[0] spans 1..9, outside the text's 2 characters"),
        ({"renditions": [{"kind": "scan", "text": "ab", "marks": [{"kind": "gap", "start": "1", "end": 2}]}]},
         "renditions[0].marks[0].start: expected a whole number, got text '1'"),
        ({"renditions": [{"kind": "scan", "text": "ab", "notes": [{"n": "1", "text": "x", "offset": -1}]}]},
         "renditions[0].notes[0].offset: must not be negative"),
    ],
)
def test_a_bad_field_is_refused_naming_the_field(changes: dict[str, Any], message: str) -> None:
    assert message in refusal(good(**changes))


@pytest.mark.parametrize(
    ("record_id", "message"),
    [
        ("wcda-1\x00", "in.json:1: id: the identifier holds a control character (U+0000) at character 7"),
        ("x" * 301, "the identifier is 301 characters long; at most 200"),
        ("wcda\u202e1", "invisible formatting character (U+202E)"),
    ],
)
def test_an_id_the_archive_cannot_carry_is_refused(record_id: str, message: str) -> None:
    assert message in refusal(good(id=record_id))


def test_json_nested_too_deeply_is_one_clear_error() -> None:
    assert "in.json:1: the JSON is nested too deeply" in refusal(b"[" * 100_000 + b"]" * 100_000)


def test_a_json_lines_file_names_the_line_of_the_bad_record() -> None:
    lines = json.dumps(good()) + "\n" + json.dumps(good(id="wcda-2", date=1962)) + "\n"
    assert "in.json:2: record 'wcda-2': date: expected an object" in refusal(lines.encode())


def test_a_date_with_its_time_of_day_and_supplied_flag_is_let_in() -> None:
    date = {"text": "[January 23, 1968, 2121Z]", "earliest": "1968-01-23", "latest": "1968-01-23",
            "edtf": "1968-01-23", "time": "1968-01-23T21:21Z", "supplied": True}
    [record] = read(good(date=date))
    assert (record.date.time, record.date.supplied) == ("1968-01-23T21:21Z", True)


def test_a_time_of_day_that_is_no_time_is_refused() -> None:
    date = {"text": "x", "earliest": "1968-01-23", "latest": "1968-01-23", "time": "9 p.m."}
    with pytest.raises(RecordError, match="date.time"):
        read(good(date=date))


@pytest.mark.parametrize(("date", "field"), [
    ({"earliest": "1962-08-14\n"}, "date.earliest: '1962-08-14\\n' is not an ISO 8601 day"),
    ({"earliest": "1962-08-14", "latest": "1962-08-14 or so"}, "date.latest: '1962-08-14 or so' is not an ISO 8601 day"),
    ({"earliest": "1962-08-14T10:00"}, "date.earliest: '1962-08-14T10:00' is not an ISO 8601 day"),
    ({"earliest": "1968-01-23", "time": "1968-01-23T21:21Z\n"}, "date.time"),
])
def test_a_day_or_time_with_anything_after_it_is_refused(date: dict[str, str], field: str) -> None:
    """Only the first ten characters of a day were checked ("1962-08-14\\n" went in), and it broke
    the record's sort key, so the index never took the record."""
    assert field in refusal(good(date={"text": "x", **date}))


@pytest.mark.parametrize("tag", ["en\n", "ru\n"])
def test_a_language_code_with_a_trailing_line_feed_is_refused(tag: str) -> None:
    assert "original_languages[0]" in refusal(good(original_languages=[tag]))
    assert "renditions[0].language" in refusal(good(renditions=[{"kind": "translation", "language": tag, "text": "x"}]))


def test_a_long_text_is_refused_for_what_a_short_one_is() -> None:
    """The byte look at a long text (record_schema._clean) finds what the expression finds."""
    from hypothesis import given, settings, strategies as st

    from fonds.importers.record_schema import _BAD_CHAR, _text

    pieces = st.sampled_from(["Khrushchev said “no” — ", "Хрущёв ", "毛泽东 ", "\t\n\r", "\x00", "\x1f", "\x0b",
                              "\x7f", "\ud800", "\udfff", "\ufffe", "\uffff", "\ufffd", "\U0001f600", "a" * 70])

    @settings(max_examples=400, deadline=None)
    @given(text=st.lists(pieces, max_size=10).map("".join) | st.text(min_size=60, max_size=200))
    def same(text: str) -> None:
        bad = _BAD_CHAR.search(text)
        if bad is None:
            assert _text(text) == text
        else:
            try:
                _text(text)
            except ValueError as error:
                assert f"U+{ord(bad[0]):04X}) at character {bad.start() + 1}," in str(error)
            else:
                raise AssertionError(f"{text!r} passed")

    same()
