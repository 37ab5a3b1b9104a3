"""The Record model: JSON round trip and reference order."""

from __future__ import annotations

from fonds.record import Record, Source, format_reference


def test_reference_parts_come_back_in_archival_order() -> None:
    record = Record(id="r", title="t", source=Source(reference={"delo": "5", "fond": "0102", "listy": "3-9", "opis": "18"}))
    again = Record.from_dict(record.to_dict())
    assert list(again.source.reference) == ["fond", "opis", "delo", "listy"]
    assert format_reference({"listy": "3-9", "fond": "0102"}) == "fond 0102, listy 3-9"
    assert format_reference({"text": "B 136/59748"}) == "B 136/59748"


def test_edition_and_date_details_round_trip_and_are_absent_when_unset() -> None:
    from fonds.dates import parse_date
    from fonds.record import Edition

    volume = Edition(title="Kennedy-Khrushchev Exchanges", series="Foreign Relations of the United States",
                         subseries="1961–1963", volume="Volume VI", editors=("Charles S. Sampson",),
                         publisher="United States Government Printing Office", place="Washington", year="1996")
    record = Record(id="frus1961-63v06-d66", title="Letter", date=parse_date("[January 23, 1968, 2121Z]"),
                    edition=volume)
    data = record.to_dict()
    assert data["edition"]["editors"] == ["Charles S. Sampson"]
    assert data["date"]["time"] == "1968-01-23T21:21Z" and data["date"]["supplied"] is True
    assert Record.from_dict(data) == record
    plain = Record(id="x", title="Plain").to_dict()
    assert "edition" not in plain and set(plain["date"]) == {"text", "earliest", "latest", "edtf"}


def test_staff_fields_round_trip_and_stay_out_of_public_json() -> None:
    from fonds.errors import Problem
    from fonds.store.base import record_hash, record_json

    warning = Problem("/home/archivist/v97.xml:7", "document d72A has an empty <head>")
    record = Record(id="r", title="[Untitled document 72A]", number="72A", chapter="Berlin",
                    origin="/home/archivist/v97.xml#d72A", warnings=(warning,))
    again = Record.from_dict(record.to_dict())
    assert again == record
    public = record.public_dict()
    assert "origin" not in public and "warnings" not in public
    assert (public["number"], public["chapter"]) == ("72A", "Berlin")
    assert "/home/archivist" not in str(public)
    # The same file read from another folder is the same content.
    moved = Record.from_dict({**record.to_dict(), "origin": "/mnt/v97.xml#d72A",
                              "warnings": [{"origin": "/mnt/v97.xml:7", "message": warning.message}]})
    assert record_hash(moved.to_dict()) == record_hash(record.to_dict())
    text, _ = record_json(record.to_dict())
    assert Record.from_dict(__import__("json").loads(text)) == record


def test_people_lists_each_person_once_with_every_role() -> None:
    from fonds.record import PersonLink

    record = Record(id="r", title="t", persons=(
        PersonLink("p:kim", "Kim Il Sung", "participant"),
        PersonLink("p:kim", "Kim Il Sung", "mentioned", text="Kim II Sung", start=10, end=21),
        PersonLink("p:kns", "Khrushchev", "recipient"),
        PersonLink("p:kim", "Kim Il Sung", "mentioned", text="Kim", start=40, end=43),
        PersonLink("p:kns", "Nikita Khrushchev", "mentioned", text="Khrushchev", start=50, end=60),
        PersonLink("p:kns", "Khrushchev", "author"),
        PersonLink("p:pak", "Pak Seong-cheol", "mentioned", text="Pak", start=70, end=73),
    ))
    assert [(p.id, p.name, p.roles, p.mentions) for p in record.people()] == [
        ("p:kim", "Kim Il Sung", ("participant",), 2),
        ("p:kns", "Nikita Khrushchev", ("author", "recipient"), 1),
        ("p:pak", "Pak Seong-cheol", ("mentioned",), 1),
    ]


def test_links_read_back_are_the_links_written() -> None:
    from dataclasses import fields

    import pytest

    from fonds.record import PersonLink

    links = (
        PersonLink("p1", "Nikita Khrushchev"),
        PersonLink("p2", "Kim Il Sung", role="participant", source="fonds", confidence=0.75, rule="full-name",
                   text="Kim Il-sung", start=10, end=21, rendition=0),
    )
    record = Record(id="r1", title="Talk", persons=links)
    back = Record.from_dict(record.to_dict())
    assert back == record and back.persons == links
    for read, written in zip(back.persons, links):  # the same fields, in the same order, as __init__ gives
        assert list(read.__dict__.items()) == list(written.__dict__.items())
        assert hash(read) == hash(written) and [f.name for f in fields(read)] == list(read.__dict__)
    with pytest.raises(TypeError):  # a key PersonLink has no field for, as before
        Record.from_dict({**record.to_dict(), "persons": [{"id": "p1", "name": "N", "colour": "red"}]})
    with pytest.raises(TypeError):  # a link without its name
        Record.from_dict({**record.to_dict(), "persons": [{"id": "p1"}]})


def test_copied_is_replace_without_init() -> None:
    """`copied` (with_persons, with_fingerprint) gives what dataclasses.replace gives: equal,
    fields in the same order, the original untouched; an unknown field raises."""
    from dataclasses import replace

    import pytest

    from fonds.record import PersonLink, copied

    link = PersonLink(id="p1", name="Nikita Khrushchev", confidence=0.95, start=0, end=10)
    record = Record(id="x-1", title="Memorandum", source=Source(repository="NARA"), persons=(link,))
    for made, expected in (
        (record.with_fingerprint("abc"), replace(record, fingerprint="abc")),
        (record.with_persons(()), replace(record, persons=())),
        (copied(link, role="participant", text=None), replace(link, role="participant", text=None)),
    ):
        assert made == expected and repr(made) == repr(expected)
        assert list(made.__dict__) == list(expected.__dict__)
        assert type(made) is type(expected)
    assert record.fingerprint is None and record.persons == (link,)
    with pytest.raises(TypeError):
        copied(record, nothing=1)


def test_person_link_is_the_dataclass() -> None:
    from fonds.record import PersonLink, person_link

    made = person_link("p1", "Walt Rostow", "mentioned", "linked by fonds", 0.6, "given name", "Walt", 3, 7, 0)
    expected = PersonLink(id="p1", name="Walt Rostow", role="mentioned", source="linked by fonds", confidence=0.6,
                          rule="given name", text="Walt", start=3, end=7, rendition=0)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert list(made.__dict__) == list(expected.__dict__)
