"""hsg-people records become authority entries; FRUS persons-list entries merge into them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.authority import Entity, Variant
from fonds.errors import RecordError
from fonds.importers import authority_files, frus, hsg_people
from fonds.ingest import ingest
from fonds.collection import Collection
from fonds.record import Record
from fonds.store.sqlite import SQLiteStore

SOURCE = hsg_people.SOURCE


def read_one(path: Path) -> Entity:
    with path.open("rb") as file:
        (entity,) = hsg_people.read(file, origin=str(path))
    return entity


def test_person_record(data: Path) -> None:
    entity = read_one(data / "hsg_person.xml")
    assert entity.id == "hsg:900001"
    assert entity.preferred == "Menshikov, Mikhail Alekseyevich"
    assert entity.description == "Soviet Ambassador to the United States"
    assert entity.dates == "1902–1976"
    url = "https://history.state.gov/historicaldocuments/frus1961-63v99/persons#p_MMA1"
    assert entity.variants == (
        Variant("Men'shikov, Mikhail", "variant", SOURCE),
        Variant("Menshikov, Mikhail A.", "printed form", url),
    )
    assert hsg_people.volume_persons(entity) == [
        "frus:frus1961-63v99#p_MMA1",
        "frus:frus1958-60v02#p_MMA1",
    ]


def test_khrushchev_from_the_shared_database(corpus: Path) -> None:
    entity = read_one(corpus / "authority" / "hsg-people" / "107127.xml")
    assert entity.preferred == "Khrushchev, Nikita Sergeyevich"
    assert "frus:frus1961-63v06#p_KNS2" in hsg_people.volume_persons(entity)
    assert "frus:frus1961-63v05#p_KNS1" in hsg_people.volume_persons(entity)
    assert "Khrushchev, Nikita S." in entity.names


def test_not_a_person_record(data: Path) -> None:
    with pytest.raises(RecordError, match=r"not an Office of the Historian people record"):
        read_one(data / "not_frus.xml")


def ingest_frus(store: SQLiteStore, path: Path) -> None:
    with path.open("rb") as file:
        items = list(frus.read(file, origin=str(path)))
    store.add(
        [i for i in items if isinstance(i, Record)],
        collections=[i for i in items if isinstance(i, Collection)],
        entities=[i for i in items if isinstance(i, Entity)],
    )


def state(store: SQLiteStore) -> tuple[list[str], dict[str, list[str]]]:
    persons = [e.id for e in store.iter_entities(kind="person")]
    links = {r.id: sorted(p.id for p in r.persons) for r in store.iter_records()}
    return persons, links


def test_either_order_ends_with_one_entry_per_person(corpus: Path, tmp_path: Path) -> None:
    volumes = [corpus / "frus" / "frus1961-63v06.xml", corpus / "frus" / "frus1961-63v05.xml"]
    people = corpus / "authority" / "hsg-people"
    states = []
    for authority_first in (True, False):
        store = SQLiteStore(tmp_path / f"fonds-{authority_first}.db")
        if authority_first:
            authority_files.import_authority(store, people)
        for volume in volumes:
            ingest(store, [volume])  # links names, then reconciles (fonds.convergence)
        if not authority_first:
            result = authority_files.import_authority(store, people)
            assert result.merged >= 168 and result.relinked > 400  # 168 persons-list entries, and curated persons
        persons, links = state(store)
        assert not [p for p in persons if p.startswith("frus:")]
        assert len([p for p in persons if p.startswith("hsg:")]) == 283
        khrushchev = store.records_of_entity("hsg:107127")
        assert {r.id for r in khrushchev} >= {"frus1961-63v06-d1", "frus1961-63v05-d2"}
        assert store.records_of_entity("frus:frus1961-63v06#p_KNS2") == []
        (link,) = [p for p in store.get("frus1961-63v05-d21").persons if p.id == "hsg:113144"] or [None]
        assert link is None or link.role == "participant"
        assert authority_files.reconcile(store).relinked == 0  # idempotent
        assert state(store) == (persons, links)
        assert store.dangling_links() == [] and store.pending() == {}
        states.append((persons, links))
        store.close()
    (persons_first, links_first), (persons_after, links_after) = states
    assert [p for p in persons_first if p.startswith("hsg:")] == [p for p in persons_after if p.startswith("hsg:")]
    assert links_first.keys() == links_after.keys()
