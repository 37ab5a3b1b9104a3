from __future__ import annotations

import pytest

from fonds.errors import ExportError
from fonds.exports import chicago
from fonds.record import Record

URL = "https://digitalarchive.wilsoncenter.org/document/110485"
REFERENCE = "fond 0102, opis 18, papka 93, delo 5, listy 3-9"
ARCHIVE = "Archive of the Foreign Policy of the Russian Federation"


def test_note_cites_by_title_with_translator_reference_and_archive_apart(wilson_record: Record) -> None:
    note = chicago.format_citation(wilson_record, form="note")
    assert note == (
        "“Memorandum of Conversation Between Soviet Ambassador to North Korea Vasily Moskovsky and "
        "Kim II Sung”, trans. Sergey Radchenko (Memorandum of Conversation, August 14, 1962), "
        f"{REFERENCE}, {ARCHIVE}, Moscow, {URL}."
    )


def test_bibliography_entry(wilson_record: Record) -> None:
    entry = chicago.format_citation(wilson_record, form="bibliography")
    assert entry == (
        "“Memorandum of Conversation Between Soviet Ambassador to North Korea Vasily Moskovsky and "
        "Kim II Sung”. Memorandum of Conversation. Translated by Sergey Radchenko, August 14, 1962. "
        f"Fond 0102, opis 18, papka 93, delo 5, listy 3-9. {ARCHIVE}. Moscow. {URL}."
    )
    assert not entry.startswith("Radchenko")


def test_write_gives_note_then_bibliography(wilson_record: Record) -> None:
    note, entry = chicago.write(wilson_record).splitlines()
    assert note == chicago.format_citation(wilson_record)
    assert entry == chicago.format_citation(wilson_record, form="bibliography")


def test_html_escapes_what_the_record_holds(hostile_record: Record) -> None:
    out = chicago.write_html(hostile_record)
    assert "<script>" not in out and "<O'Brien>" not in out
    assert "&lt;script&gt;" in out


def test_unknown_form_is_refused_by_name(wilson_record: Record) -> None:
    with pytest.raises(ExportError) as raised:
        chicago.format_citation(wilson_record, form="footnote")
    assert str(raised.value) == "citation form 'footnote' is not one we make; use one of note, bibliography"
