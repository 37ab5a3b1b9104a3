"""Store.authority_state: one digest of the authority, read from the stored content hashes, that a
cache of names is kept under (fonds.naming_cache); Store.authority_version, a mark every change of an
entry replaces, that the index's follower asks at each step; on every backend."""

from __future__ import annotations

from fonds.authority import Entity, Variant
from fonds.store.base import Store


def test_the_state_changes_with_any_entry_and_only_then(store: Store) -> None:
    empty = store.authority_state()
    store.put_entities([Entity(id="p-gromyko", preferred="Gromyko, Andrei"),
                        Entity(id="p-kim", preferred="Kim Il Sung")])
    two = store.authority_state()
    assert two != empty and store.authority_state() == two  # asked again: the same
    store.put_entities([Entity(id="p-kim", preferred="Kim Il Sung")])  # stored again unchanged
    assert store.authority_state() == two
    store.put_entities([Entity(id="p-kim", preferred="Kim Il Sung", variants=(Variant("Kim Ir Sen", "variant", "test"),))])
    varied = store.authority_state()
    assert varied not in (empty, two)
    store.delete_entities(["p-gromyko"])
    assert store.authority_state() not in (empty, two, varied)
    assert Store.authority_state(store) != empty  # the generic form agrees on what changed


def test_the_version_changes_with_any_entry_and_only_then(store: Store) -> None:
    empty = store.authority_version()
    assert empty == ""  # no entry ever written
    store.add([], entities=[Entity(id="p-gromyko", preferred="Gromyko, Andrei")])
    added = store.authority_version()
    assert added != empty and store.authority_version() == added
    store.put_entities([Entity(id="p-gromyko", preferred="Gromyko, Andrei")])  # stored again unchanged
    store.delete_entities(["p-nobody"])  # nothing to remove
    assert store.authority_version() == added
    store.put_entities([Entity(id="p-gromyko", preferred="Gromyko, Andrei Andreyevich")])
    renamed = store.authority_version()
    assert renamed not in (empty, added)
    store.delete_entities(["p-gromyko"])
    assert store.authority_version() not in (empty, added, renamed)
