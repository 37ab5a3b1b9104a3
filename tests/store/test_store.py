"""The store contract, checked the same way on every backend (the `store` fixture)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

import pytest

from fonds.authority import Entity
from fonds.dates import HistoricalDate, parse_date
from fonds.errors import NotFound, RecordError, StoreError
from fonds.collection import Collection, sorted_collections
from fonds.record import PersonLink, Record
from fonds.store.base import AddResult, Stats, Store

MakeRecord = Callable[..., Record]
MakeEntity = Callable[..., Entity]
KIM = PersonLink(id="kim-il-sung", name="Kim Il Sung", role="participant", confidence=0.95)  # store its entry first


class ExplodingRecord(Record):
    """A record that fails while being written, to prove that nothing of its batch stays."""

    def to_dict(self) -> dict[str, Any]:
        raise RuntimeError("the disk caught fire")


# -- records ---------------------------------------------------------------------------------


def test_an_empty_store_has_no_changes(store: Store) -> None:
    assert store.last_seq() == 0
    assert store.changes_since(0) == []
    assert store.stats() == Stats(records=0, persons=0, collections=0, changes=0)
    assert list(store.iter_records()) == []


def test_a_record_comes_back_as_it_was_added(store: Store, make_record: MakeRecord) -> None:
    record = make_record("wcda-110485")
    assert store.add([record]) == AddResult(added=1)
    assert store.get("wcda-110485") == record


def test_an_unknown_record_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound) as raised:
        store.get("nope")
    assert str(raised.value) == "no record with id 'nope'"
    with pytest.raises(NotFound):
        store.get_stored("nope")


def test_adding_the_same_records_again_writes_nothing(store: Store, make_record: MakeRecord) -> None:
    records = [make_record(f"r{i}") for i in range(3)]
    store.add(records, collections=[Collection("NKIDP", "North Korea International Documentation Project")])
    seq, changes = store.last_seq(), store.changes_since(0)

    assert store.add(records) == AddResult(unchanged=3)
    assert store.last_seq() == seq
    assert store.changes_since(0) == changes
    assert store.get_stored("r0").seq == changes[0].seq


def test_a_changed_record_is_updated_and_logged(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record("a"), make_record("b")])
    changed = make_record("a", generation=1)

    assert store.add([changed, make_record("b")]) == AddResult(updated=1, unchanged=1)
    assert store.get("a") == changed
    changes = store.changes_since(0)
    assert [(c.record_id, c.op) for c in changes] == [("a", "upsert"), ("b", "upsert"), ("a", "upsert")]
    assert store.get_stored("a").seq == changes[-1].seq


def test_a_record_given_twice_in_one_batch_counts_once_then_as_unchanged(
    store: Store, make_record: MakeRecord
) -> None:
    first, second = make_record("a"), make_record("a", generation=1)
    assert store.add([first, first, second]) == AddResult(added=1, unchanged=1, updated=1)
    assert store.get("a") == second


def test_a_record_read_from_another_path_is_unchanged(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record("a", origin="first/a.txt:1")])
    assert store.add([make_record("a", origin="second/a.txt:7")]) == AddResult(unchanged=1)
    assert store.get("a").origin == "first/a.txt:1"


def test_a_record_given_twice_in_one_batch_keeps_the_links_of_the_later(
    store: Store, make_record: MakeRecord, make_entity: MakeEntity
) -> None:
    store.add([make_record("old")], entities=[make_entity("p1", "One"), make_entity("p2", "Two")])
    first = make_record("a", collections=("NKIDP",), persons=(PersonLink(id="p1", name="One"),))
    moved = make_record("old", generation=1, collections=("CWIHP",), persons=())
    second = make_record("a", generation=1, collections=("CWIHP",), persons=(PersonLink(id="p2", name="Two"),))

    assert store.add([first, moved, second]) == AddResult(added=1, updated=2)
    assert store.get("a") == second
    assert store.collection_counts() == {"CWIHP": 2}
    assert store.records_of_entity("p1") == []
    assert [r.id for r in store.records_of_entity("p2")] == ["a"]
    assert store.records_of_entity("kim-il-sung") == []
    changes = store.changes_since(0)
    assert [c.record_id for c in changes] == ["old", "a", "old", "a"]
    assert store.get_stored("old").seq == changes[2].seq
    assert store.get_stored("a").seq == changes[3].seq


def test_a_large_batch_is_compared_and_logged_record_by_record(store: Store, make_record: MakeRecord) -> None:
    records = [make_record(f"r{i:04d}") for i in range(1200)]
    assert store.add(records) == AddResult(added=1200)
    seq = store.last_seq()
    changed = [make_record(r.id, generation=1) if i % 100 == 99 else r for i, r in enumerate(records)]

    assert store.add(changed) == AddResult(updated=12, unchanged=1188)
    changes = store.changes_since(seq)
    assert [c.record_id for c in changes] == [f"r{i:04d}" for i in range(99, 1200, 100)]
    assert [store.get_stored(c.record_id).seq for c in changes] == [c.seq for c in changes]
    assert store.get("r0099") == changed[99]
    assert store.collection_counts() == {"NKIDP": 1200}


def test_a_deleted_record_is_logged_and_still_known(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record("a"), make_record("b")])

    assert store.delete("a") is True
    with pytest.raises(NotFound) as raised:
        store.get("a")
    assert str(raised.value) == "record 'a' was deleted"
    stored = store.get_stored("a")
    assert (stored.id, stored.is_deleted, stored.record) == ("a", True, None)
    assert stored.seq == store.last_seq()
    assert store.changes_since(2) == [store.changes_since(0)[-1]]
    assert store.changes_since(2)[0].op == "delete"
    assert [s.id for s in store.list_stored()] == ["b", "a"]
    assert [s.id for s in store.list_stored(include_deleted=False)] == ["b"]
    assert store.stats().records == 1
    assert [r.id for r in store.iter_records()] == ["b"]


def test_deleting_twice_or_deleting_nothing_changes_nothing(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record("a")])
    store.delete("a")
    seq = store.last_seq()
    assert store.delete("a") is False
    assert store.delete("never-was") is False
    assert store.last_seq() == seq


def test_a_deleted_record_added_again_comes_back(store: Store, make_record: MakeRecord) -> None:
    record = make_record("a")
    store.add([record])
    store.delete("a")
    assert store.add([record]) == AddResult(updated=1)
    assert store.get("a") == record
    assert [c.op for c in store.changes_since(0)] == ["upsert", "delete", "upsert"]


def test_changes_come_oldest_first_and_limit_pages_them(store: Store, make_record: MakeRecord) -> None:
    for i in range(7):
        store.add([make_record(f"r{i}")])
    store.delete("r3")
    changes = store.changes_since(0)
    seqs = [c.seq for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 8
    assert [c.record_id for c in changes] == [f"r{i}" for i in range(7)] + ["r3"]
    assert all(c.at.endswith("Z") and len(c.at) == 20 for c in changes)

    assert store.changes_since(0, limit=3) == changes[:3]
    assert store.changes_since(changes[2].seq, limit=3) == changes[3:6]
    assert store.changes_since(changes[-1].seq) == []
    assert store.last_seq() == changes[-1].seq


# -- listing ---------------------------------------------------------------------------------


def test_list_stored_orders_by_last_change_and_pages(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record(f"r{i}") for i in range(5)])
    store.add([make_record("r1", generation=1)])
    listed = store.list_stored()
    assert [s.id for s in listed] == ["r0", "r2", "r3", "r4", "r1"]
    assert listed[-1].record == make_record("r1", generation=1)

    first = store.list_stored(limit=2)
    rest = store.list_stored(after_seq=first[-1].seq, limit=10)
    assert [s.id for s in first + rest] == [s.id for s in listed]


def test_list_stored_leaves_unwanted_records_undecoded(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record(f"r{i}") for i in range(4)])
    listed = store.list_stored(after_id="", include_deleted=False)
    unwanted = {listed[1].seq, listed[2].seq}
    page = store.list_stored(after_id="", include_deleted=False, unwanted=unwanted.__contains__)
    assert [(s.id, s.seq, s.is_deleted) for s in page] == [(s.id, s.seq, s.is_deleted) for s in listed]
    assert [s.record for s in page] == [listed[0].record, None, None, listed[3].record]
    assert page[0].record == make_record("r0")


def test_list_stored_filters_by_date_of_change(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record("a"), make_record("b")])
    at = store.get_stored("a").at

    assert len(store.list_stored(since=at)) == 2
    assert len(store.list_stored(until=at)) == 2
    assert store.list_stored(since="2999-01-01T00:00:00Z") == []
    assert store.list_stored(until="1999-01-01T00:00:00Z") == []
    assert store.list_stored(since="1999-01-01", until="2999-12-31") == store.list_stored()
    assert store.count_stored(since="2999-01-01T00:00:00Z") == 0
    assert store.count_stored(since=at, until=at) == 2


def test_list_stored_filters_by_collection_and_its_children(store: Store, make_record: MakeRecord) -> None:
    store.add(
        [
            make_record("a", collections=("frus1961-63v05",)),
            make_record("b", collections=("frus1961-63v05-ch1",)),
            make_record("c", collections=("NKIDP",)),
            make_record("d", collections=("frus1961-63v05-ch1-s1",)),
        ],
        collections=[
            Collection("frus1961-63v05", "FRUS 1961-1963, volume V", kind="volume"),
            Collection("frus1961-63v05-ch1", "Chapter 1", parent="frus1961-63v05", kind="chapter"),
            Collection("frus1961-63v05-ch1-s1", "Section 1", parent="frus1961-63v05-ch1", kind="chapter"),
            Collection("NKIDP", "North Korea International Documentation Project"),
        ],
    )
    assert [s.id for s in store.list_stored(collection="frus1961-63v05")] == ["a", "b", "d"]
    assert [s.id for s in store.list_stored(collection="frus1961-63v05-ch1")] == ["b", "d"]
    assert store.count_stored(collection="frus1961-63v05") == 3
    assert store.count_stored(collection="nothing") == 0
    assert store.count_stored() == 4


def test_list_stored_by_id_keeps_positions_when_records_change(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record(i) for i in ("a", "b", "c", "d")])
    first = store.list_stored(after_id="", limit=2)
    assert [s.id for s in first] == ["a", "b"]
    store.add([replace(make_record("a"), title="changed"), replace(make_record("c"), title="changed")])
    assert [s.id for s in store.list_stored(after_id=first[-1].id, limit=10)] == ["c", "d"]
    assert [s.id for s in store.list_stored(limit=10)] == ["b", "d", "a", "c"]  # change order


def test_count_stored_counts_deleted_records_too(store: Store, make_record: MakeRecord) -> None:
    store.add([make_record("a"), make_record("b")])
    store.delete("a")
    assert store.count_stored() == len(store.list_stored()) == 2


def test_iter_records_streams_live_records_in_id_order(store: Store, make_record: MakeRecord) -> None:
    ids = ["b", "B", "a-1", "a_1", "a.1", "é", "z", "Z", "10", "9", "ж", "김"]
    store.add([make_record(i) for i in ids])
    store.delete("z")
    expected = sorted(i for i in ids if i != "z")  # code point order: the byte order of UTF-8
    assert [r.id for r in store.iter_records(batch=2)] == expected
    assert [r.id for r in store.iter_records()] == expected
    assert next(store.iter_records()) == make_record(expected[0])


# -- collections and authority ---------------------------------------------------------------


def test_collections_are_listed_by_id_with_live_counts(store: Store, make_record: MakeRecord) -> None:
    store.add(
        [make_record("a"), make_record("b", collections=("NKIDP", "CWIHP")), make_record("c", collections=())],
        collections=[Collection("NKIDP", "NKIDP"), Collection("CWIHP", "Cold War International History Project")],
    )
    store.add([], collections=[Collection("NKIDP", "North Korea International Documentation Project")])
    assert store.collections() == [
        Collection("CWIHP", "Cold War International History Project"),
        Collection("NKIDP", "North Korea International Documentation Project"),
    ]
    assert store.collection_counts() == {"NKIDP": 2, "CWIHP": 1}

    store.delete("b")
    assert store.collection_counts() == {"NKIDP": 1}
    store.add([make_record("a", collections=("CWIHP",))])
    assert store.collection_counts() == {"CWIHP": 1}


def test_entities_are_put_got_and_listed(store: Store, make_entity: MakeEntity) -> None:
    kim = make_entity("kim-il-sung", "Kim Il Sung")
    wpk = make_entity("wpk", "Workers' Party of Korea", kind="organization")
    assert store.put_entities([kim, wpk]) == 2
    assert store.put_entities([kim, wpk]) == 0
    renamed = replace(kim, description="Premier of the DPRK")
    assert store.put_entities([renamed]) == 1
    assert store.put_entities([kim, renamed]) == 2  # the later of two in one batch wins

    assert store.get_entity("kim-il-sung") == renamed
    assert list(store.iter_entities()) == [renamed, wpk]
    assert list(store.iter_entities("organization")) == [wpk]
    assert list(store.iter_entities("place")) == []
    with pytest.raises(NotFound) as raised:
        store.get_entity("nobody")
    assert str(raised.value) == "no authority entry with id 'nobody'"


def test_entities_are_deleted(store: Store, make_entity: MakeEntity) -> None:
    store.put_entities([make_entity("a", "Kim Il Sung"), make_entity("b", "Kim Il-sung")])
    assert store.delete_entities(["b", "nobody"]) == 1
    assert [e.id for e in store.iter_entities()] == ["a"]
    with pytest.raises(NotFound):
        store.get_entity("b")


def test_entities_come_in_with_records(store: Store, make_record: MakeRecord, make_entity: MakeEntity) -> None:
    kim = make_entity("kim-il-sung", "Kim Il Sung")
    store.add([make_record("a", persons=(KIM,))], entities=[kim])
    assert store.get_entity("kim-il-sung") == kim
    assert store.get("a").persons == (KIM,)
    assert store.stats().persons == 1


def test_a_link_to_a_person_the_store_lacks_is_refused(store: Store, make_record: MakeRecord) -> None:
    with pytest.raises(RecordError, match=r"persons\[0\] links to 'kim-il-sung' \(Kim Il Sung\), which is not in the authority"):
        store.add([make_record("a"), make_record("b", persons=(KIM,))])
    assert store.stats().records == 0


def test_an_entry_records_link_to_cannot_be_deleted(
    store: Store, make_record: MakeRecord, make_entity: MakeEntity
) -> None:
    store.add([make_record("a", persons=(KIM,))], entities=[make_entity("kim-il-sung", "Kim Il Sung")])
    with pytest.raises(StoreError, match="records still link to authority entry 'kim-il-sung'"):
        store.delete_entities(["kim-il-sung"])
    assert store.get_entity("kim-il-sung").preferred == "Kim Il Sung"
    assert store.dangling_links() == []
    store.add([make_record("a", persons=())])
    assert store.delete_entities(["kim-il-sung"]) == 1


def test_records_linking_pages_through_every_record_of_several_entries(
    store: Store, make_record: MakeRecord, make_entity: MakeEntity
) -> None:
    other = PersonLink(id="khrushchev", name="Khrushchev")
    store.add(
        [make_record(f"r{n:02}", persons=(KIM,) if n % 2 else (other,)) for n in range(12)] + [make_record("none")],
        entities=[make_entity("kim-il-sung", "Kim Il Sung"), make_entity("khrushchev", "Khrushchev")],
    )
    pages, after = [], ""
    while page := store.records_linking(["kim-il-sung", "khrushchev"], after_id=after, limit=5):
        pages.append([r.id for r in page])
        after = page[-1].id
    assert pages == [[f"r{n:02}" for n in range(0, 5)], [f"r{n:02}" for n in range(5, 10)], ["r10", "r11"]]
    store.delete("r11")
    assert [r.id for r in store.records_linking(["kim-il-sung"], after_id="r08")] == ["r09"]


def test_pending_work_is_kept_until_cleared(store: Store) -> None:
    assert store.pending() == {}
    store.set_pending("reconcile")
    store.set_pending("relink", "wcda-5")
    assert store.pending() == {"reconcile": "", "relink": "wcda-5"}
    store.clear_pending("reconcile")
    assert store.pending() == {"relink": "wcda-5"}


def test_records_of_an_entity_come_oldest_first(
    store: Store, make_record: MakeRecord, make_entity: MakeEntity
) -> None:
    def dated(record_id: str, day: str | None) -> Record:
        date = HistoricalDate(text=day, earliest=day, latest=day) if day else HistoricalDate.undated("n.d.")
        return make_record(record_id, date=date, persons=(KIM,))

    store.put_entities([make_entity("kim-il-sung", "Kim Il Sung"), make_entity("khrushchev", "Khrushchev")])
    store.add([dated("c", "1962-08-14"), dated("a", "1963-01-01"), dated("b", None), dated("d", "1962-08-14")])
    store.add([make_record("other", persons=(PersonLink(id="khrushchev", name="N.S. Khrushchev"),))])
    assert [r.id for r in store.records_of_entity("kim-il-sung")] == ["c", "d", "a", "b"]
    assert [r.id for r in store.records_of_entity("khrushchev")] == ["other"]
    assert [r.id for r in store.records_of_entity("kim-il-sung", limit=2)] == ["c", "d"]

    store.delete("c")
    assert [r.id for r in store.records_of_entity("kim-il-sung")] == ["d", "a", "b"]
    store.add([make_record("a", persons=())])
    assert [r.id for r in store.records_of_entity("kim-il-sung")] == ["d", "b"]
    assert store.records_of_entity("nobody") == []


def test_stats_count_live_records_persons_collections_and_changes(
    store: Store, make_record: MakeRecord, make_entity: MakeEntity
) -> None:
    store.add(
        [make_record("a"), make_record("b")],
        collections=[Collection("NKIDP", "NKIDP")],
        entities=[make_entity("p1", "One"), make_entity("p2", "Two"), make_entity("o1", "Org", kind="organization")],
    )
    store.delete("b")
    assert store.stats() == Stats(records=1, persons=2, collections=1, changes=3)


# -- transactions ----------------------------------------------------------------------------


def test_a_failing_add_leaves_nothing_written(
    store: Store, make_record: MakeRecord, make_entity: MakeEntity
) -> None:
    store.add([make_record("before")])
    seq, stats = store.last_seq(), store.stats()
    broken = ExplodingRecord(id="broken", title="Broken")

    with pytest.raises(RuntimeError, match="the disk caught fire"):
        store.add(
            [make_record("a"), make_record("before", generation=1), broken, make_record("c")],
            collections=[Collection("NKIDP", "NKIDP")],
            entities=[make_entity("p1", "One")],
        )

    assert store.last_seq() == seq
    assert store.stats() == stats
    assert store.get("before") == make_record("before")
    for missing in ("a", "broken", "c"):
        with pytest.raises(NotFound):
            store.get_stored(missing)
    assert store.collections() == []
    assert list(store.iter_entities()) == []
    assert store.add([make_record("a")]) == AddResult(added=1)


def test_a_store_reopened_sees_what_was_written(store_url: str, make_record: MakeRecord) -> None:
    from fonds.store import open_store

    with open_store(store_url) as first:
        first.add([make_record("a")])
        first.delete("a")
        first.add([make_record("b")])
        changes = first.changes_since(0)
    with open_store(store_url) as second:
        assert second.changes_since(0) == changes
        assert second.get("b") == make_record("b")
        assert second.get_stored("a").is_deleted


def test_collections_keep_their_hierarchy_order_and_description(store: Store) -> None:
    fonds_unit = Collection(
        "ead-x",
        "Henry Street Music School records",
        kind="fonds",
        unitid="sw0116",
        date=parse_date("1927/1969"),
        summary="Records of a settlement music school.",
        extent="3 boxes",
        creator="Henry Street Settlement",
        languages=("en",),
        links=("https://example.org/scan/1",),
    )
    second = Collection("ead-x-c2", "Series 2: Programs", parent="ead-x", kind="series", order=1)
    first = Collection("ead-x-c9", "Series 1: Administration", parent="ead-x", kind="series", order=0)
    store.add([], collections=[second, fonds_unit, first])
    stored = {c.id: c for c in store.collections()}
    assert stored["ead-x"] == fonds_unit
    assert stored["ead-x"].date is not None and stored["ead-x"].date.earliest == "1927-01-01"
    assert [c.id for c in sorted_collections(stored.values())] == ["ead-x", "ead-x-c9", "ead-x-c2"]
    store.add([], collections=[replace(second, title="Series 2: Concerts")])
    assert {c.id: c for c in store.collections()}["ead-x-c2"].title == "Series 2: Concerts"


@pytest.mark.parametrize("collection, entity, named", [
    (Collection(id="papers", title="Papers\u202esrepap"), None, "collection 'papers': title holds a bidirectional"),
    (Collection(id="series", title="Series\x0bone"), None, "collection 'series': title holds a control character"),
    (Collection(id="s", title="S", summary="one\u2028two"), None, "collection 's': summary holds a line separator"),
    (None, Entity(id="p-1", preferred="Khrushchev\u200b"), "authority entry 'p-1': preferred holds an invisible"),
])
def test_a_title_or_name_no_export_can_carry_is_refused_and_nothing_is_stored(
    store: Store, make_record: Callable[..., Record], collection: Collection | None, entity: Entity | None, named: str
) -> None:
    """A collection title with U+000B made OAI-PMH ListSets answer 500 for the whole archive."""
    with pytest.raises(RecordError, match=named):
        store.add([make_record("rec-1")], collections=[collection] if collection else [],
                  entities=[entity] if entity else [])
    assert store.stats().records == 0 and store.collections() == []
