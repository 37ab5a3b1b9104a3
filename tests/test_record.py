"""The Record model: JSON round trip and reference order."""

from __future__ import annotations

from fonds.record import Record, Source, format_reference


def test_reference_parts_come_back_in_archival_order() -> None:
    record = Record(id="r", title="t", source=Source(reference={"delo": "5", "fond": "0102", "listy": "3-9", "opis": "18"}))
    again = Record.from_dict(record.to_dict())
    assert list(again.source.reference) == ["fond", "opis", "delo", "listy"]
    assert format_reference({"listy": "3-9", "fond": "0102"}) == "fond 0102, listy 3-9"
    assert format_reference({"text": "B 136/59748"}) == "B 136/59748"
