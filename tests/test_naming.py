"""Names.link: the persons a memo's title names are linked even when the text never names them."""

from __future__ import annotations

from pathlib import Path

from fonds.ingest import ingest
from fonds.record import Record, Rendition
from fonds.store.sqlite import SQLiteStore


def test_the_shared_record_links_the_ambassador_its_title_names(empty_store: SQLiteStore, corpus: Path) -> None:
    ingest(empty_store, [corpus / "wilson-center" / "110485.txt"])
    people = {p.name: p.roles for p in empty_store.get("wcda-110485").people()}
    assert people["Vasily Moskovsky"] == ("participant",)
    assert people["Kim Il Sung"] == ("participant",)


def test_a_title_participant_is_linked_once_without_a_span(empty_store: SQLiteStore) -> None:
    from fonds.naming import Names

    record = Record(
        id="t-1",
        title="Record of Conversation between Ambassador Moskovsky and Kim Il Sung",
        type="Record of Conversation",
        renditions=(Rendition("translation", "en", "I paid a visit to comrade Kim Il Sung."),),
    )
    linked = Names.of(empty_store).link(record)
    moskovsky = [p for p in linked.persons if p.id == "fonds:moskovsky"]
    assert len(moskovsky) == 1 and moskovsky[0].role == "participant" and moskovsky[0].start is None
    # A letter's title names no participants: nothing is added from it.
    letter = Names.of(empty_store).link(Record(id="t-2", title="Letter to Ambassador Moskovsky", type="Letter"))
    assert letter.persons == ()


def test_a_person_has_every_variant_in_every_script(empty_store: SQLiteStore) -> None:
    from fonds.naming import Names

    kim = Names.of(empty_store).entity("fonds:kim-il-sung")
    assert kim is not None
    assert {"김일성", "金日成", "Ким Ир Сен", "Kim Il-sung"} <= {v.name for v in kim.variants}
    assert "Kim II Sung" not in {v.name for v in kim.variants}  # generated OCR slips only on request
    generated = Names.of(empty_store).entity("fonds:kim-il-sung", generated=True)
    assert generated is not None and "Kim II Sung" in {v.name for v in generated.variants}
    assert Names.of(empty_store).entity("fonds:nobody") is None


def test_names_of_equal_entries_are_built_once() -> None:
    from dataclasses import replace

    from fonds.authority import Entity, Variant
    from fonds.naming import Names

    live = [Entity("p-gromyko", "Andrei Gromyko", variants=(Variant("Громыко", "original script", "test"),))]
    first = Names.build(live)
    again = Names.build([replace(entry) for entry in live])  # equal entries, other objects
    assert again is first
    other = Names.build([replace(live[0], preferred="Andrei Andreyevich Gromyko")])
    assert other is not first
    assert "Andrei Andreyevich Gromyko" in other.entity("p-gromyko").names  # type: ignore[union-attr]
    assert Names.build(live) is not other and Names.build(live).entities == first.entities
