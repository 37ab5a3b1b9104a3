from __future__ import annotations

import re

from fonds.exports import bibtex
from fonds.record import Record


def _parse(entry: str) -> tuple[str, str, dict[str, str]]:
    """A small BibTeX reader: entry type, key, and fields whose braces balance."""
    head = re.match(r"@(\w+)\{([^,]+),\n", entry)
    assert head, entry
    fields: dict[str, str] = {}
    position = head.end()
    pattern = re.compile(r"\s*(\w+) = \{")
    while True:
        found = pattern.match(entry, position)
        if not found:
            break
        depth, index = 1, found.end()
        while depth:
            char = entry[index]
            if char == "\\":
                index += 2
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            index += 1
        fields[found.group(1)] = entry[found.end():index - 1]
        position = index + 1 if entry[index:index + 1] == "," else index
    assert entry[position:].strip() == "}", entry[position:]
    return head.group(1), head.group(2), fields


def test_the_shared_record_field_by_field(wilson_record: Record) -> None:
    kind, key, fields = _parse(bibtex.write(wilson_record))
    assert (kind, key) == ("misc", "wcda-110485")
    assert fields == {
        "title": wilson_record.title,
        "translator": "Radchenko, Sergey",
        "type": "Memorandum of Conversation",
        "date": "1962-08-14",
        "year": "1962",
        "month": "8",
        "archive": "Archive of the Foreign Policy of the Russian Federation",
        "archivelocation": "fond 0102, opis 18, papka 93, delo 5, listy 3-9",
        "location": "Moscow",
        "language": "English",
        "origlanguage": "Russian",
        "series": "North Korea International Documentation Project",
        "number": "110485",
        "abstract": wilson_record.summary,
        "note": "Obtained and translated for NKIDP by Sergey Radchenko",
        "url": "https://digitalarchive.wilsoncenter.org/document/110485",
    }


def test_latex_specials_are_escaped_and_braces_balance(hostile_record: Record) -> None:
    _, key, fields = _parse(bibtex.write(hostile_record))
    assert key == "x-1"
    assert fields["title"] == (
        r'Kim <script>alert("x")</script> \& Co' + "'" + r's \{50\%\} \$\#\_\textasciicircum{}'
        r'\textasciitilde{}\textbackslash{} "quoted"'
    )
    assert fields["translator"] == r"{Jane <O'Brien> \& Sons} and Petrov, Ivan"
    assert fields["url"] == 'https://example.org/doc?a=1&b="2"'
    assert fields["date"] == "1962~"  # EDTF as biblatex reads it: c. 1962


def test_escape() -> None:
    assert bibtex.escape("50% of {x} & y_1") == r"50\% of \{x\} \& y\_1"
