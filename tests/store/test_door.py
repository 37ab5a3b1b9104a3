"""The store's last check at the door: ids break the identifier rule, or text no store can keep."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import pytest

from fonds.authority import Entity
from fonds.errors import RecordError
from fonds.collection import Collection
from fonds.record import PersonLink, Record
from fonds.store.base import Store

MakeRecord = Callable[..., Record]


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"id": "wcda-1\x00"}, "id 'wcda-1\\x00': the identifier holds a control character (U+0000)"),
        ({"id": "x" * 201}, "at most 200"),
        ({"collections": ("nkidp", "bad\tone")}, "collections[1] 'bad\\tone'"),
        ({"persons": (PersonLink(id="kim il sung", name="Kim"),)}, "persons[0].id 'kim il sung'"),
        ({"summary": "half a pair \udc80"}, "lone surrogate (U+DC80)"),
    ],
)
def test_the_store_refuses_what_it_cannot_carry_and_keeps_nothing(
    store: Store, make_record: MakeRecord, changes: dict[str, object], said: str
) -> None:
    good = make_record("wcda-2")
    bad = replace(make_record("wcda-1"), **changes)
    with pytest.raises(RecordError) as error:
        store.add([good, bad])
    assert str(error.value).startswith("corpus/wcda-1.txt:1: ")
    assert said in str(error.value)
    assert store.stats().records == 0
    assert store.last_seq() == 0


def test_the_store_refuses_a_bad_collection_or_authority_id(store: Store) -> None:
    with pytest.raises(RecordError, match="collection 'Volume': id 'v 1'"):
        store.add([], collections=[Collection(id="v 1", title="Volume")])
    with pytest.raises(RecordError, match="authority entry 'Kim': id 'kim\\\\x00'"):
        store.put_entities([Entity(id="kim\x00", preferred="Kim")])
    assert store.collections() == []
    assert list(store.iter_entities()) == []
