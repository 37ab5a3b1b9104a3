"""The Record model: JSON round trip and reference order."""

from __future__ import annotations

from fonds.record import Record, Source, format_reference


def test_reference_parts_come_back_in_archival_order() -> None:
    record = Record(id="r", title="t", source=Source(reference={"delo": "5", "fond": "0102", "listy": "3-9", "opis": "18"}))
    again = Record.from_dict(record.to_dict())
    assert list(again.source.reference) == ["fond", "opis", "delo", "listy"]
    assert format_reference({"listy": "3-9", "fond": "0102"}) == "fond 0102, listy 3-9"
    assert format_reference({"text": "B 136/59748"}) == "B 136/59748"


def test_publication_and_date_details_round_trip_and_are_absent_when_unset() -> None:
    from fonds.dates import parse_date
    from fonds.record import Publication

    volume = Publication(title="Kennedy-Khrushchev Exchanges", series="Foreign Relations of the United States",
                         subseries="1961–1963", volume="Volume VI", editors=("Charles S. Sampson",),
                         publisher="United States Government Printing Office", place="Washington", year="1996")
    record = Record(id="frus1961-63v06-d66", title="Letter", date=parse_date("[January 23, 1968, 2121Z]"),
                    publication=volume)
    data = record.to_dict()
    assert data["publication"]["editors"] == ["Charles S. Sampson"]
    assert data["date"]["time"] == "1968-01-23T21:21Z" and data["date"]["supplied"] is True
    assert Record.from_dict(data) == record
    plain = Record(id="x", title="Plain").to_dict()
    assert "publication" not in plain and set(plain["date"]) == {"text", "earliest", "latest", "edtf"}
