from __future__ import annotations

import re

from fonds.exports import ris
from fonds.record import Record

LINE = re.compile(r"^([A-Z][A-Z0-9])  - (.*)$")


def _parse(text: str) -> list[tuple[str, str]]:
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    parsed = []
    for line in lines:
        found = LINE.match(line)
        assert found, f"not a RIS line: {line!r}"
        parsed.append((found.group(1), found.group(2)))
    return parsed


def test_the_shared_record_field_by_field(wilson_record: Record) -> None:
    lines = _parse(ris.write(wilson_record))
    assert lines[0] == ("TY", "MANSCPT")
    assert lines[-1] == ("ER", "")
    tags: dict[str, list[str]] = {}
    for tag, value in lines[1:-1]:
        tags.setdefault(tag, []).append(value)
    assert tags == {
        "TI": [wilson_record.title],
        "A4": ["Radchenko, Sergey"],
        "PY": ["1962"],
        "DA": ["1962/08/14/"],
        "M3": ["Memorandum of Conversation"],
        "DB": ["Archive of the Foreign Policy of the Russian Federation"],
        "AN": ["fond 0102, opis 18, papka 93, delo 5, listy 3-9"],
        "CY": ["Moscow"],  # where the archive is, not where the memorandum was written
        "LA": ["en"],
        "AB": [wilson_record.summary],
        "UR": ["https://digitalarchive.wilsoncenter.org/document/110485"],
        "ID": ["wcda-110485"],
        "N1": [
            "Collection: North Korea International Documentation Project",
            "Original language: Russian",
            "Obtained and translated for NKIDP by Sergey Radchenko",
        ],
    }


def test_every_value_stays_on_its_line(hostile_record: Record) -> None:
    lines = _parse(ris.write(hostile_record))
    values = dict(lines)
    assert values["DA"] == "1962///c. 1962"
    assert [v for t, v in lines if t == "A4"] == ["Jane <O'Brien> & Sons", "Petrov, Ivan"]
