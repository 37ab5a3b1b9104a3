"""Store.record_summaries on each backend: the records of a collection and of those below it, live
only, each field as the whole record has it, the same as the default that decodes every record."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from fonds.collection import Collection
from fonds.record import Record
from fonds.store.base import RecordSummary, Store


def test_summaries_of_a_collection_and_its_children(store: Store, make_record: Callable[..., Record]) -> None:
    volume = Collection("V", "A volume", kind="volume")
    chapter = Collection("V-c1", "A chapter", parent="V", kind="chapter")
    other = Collection("W", "Another volume", kind="volume")
    in_volume = replace(make_record("r-1"), collections=("V",), number="7")
    in_chapter = replace(make_record("r-2"), collections=("V", "V-c1"), number="12", type=None)
    elsewhere = replace(make_record("r-3"), collections=("W",))
    gone = replace(make_record("r-4"), collections=("V-c1",))
    store.add([in_volume, in_chapter, elsewhere, gone], collections=[volume, chapter, other])
    store.delete("r-4")

    found = store.record_summaries("V")
    assert found == [RecordSummary.of(in_volume), RecordSummary.of(in_chapter)]
    assert found[1].number == "12" and found[1].type is None and found[1].collections == ("V", "V-c1")
    assert found[0].date_text == in_volume.date.text and found[0].earliest == in_volume.date.earliest
    assert found == Store.record_summaries(store, "V")  # the backend's SQL agrees with decoding each record
    assert store.record_summaries("V-c1") == [RecordSummary.of(in_chapter)]
    assert store.record_summaries("nowhere") == []
