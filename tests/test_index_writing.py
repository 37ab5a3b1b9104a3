"""index_writing.update and the authority: a document holds its persons' variants, so an entry's new
names reach the index; a process following the change log reads the entries and the names file only
when the authority's version changed, not at every step."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds import index_writing
from fonds.authority import Entity, Variant
from fonds.index import Index
from fonds.query import parse
from fonds.record import PersonLink, Record
from fonds.store.sqlite import SQLiteStore

ZORIN = Entity(id="p-zorin", preferred="Zorin, Valerian")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[SQLiteStore, Index]]:
    store = SQLiteStore(tmp_path / "fonds.db")
    store.add([Record(id="r-talk", title="A talk at the embassy", persons=(PersonLink(ZORIN.id, "Zorin"),))],
              entities=[ZORIN])
    index = Index(tmp_path / "index")
    index.update(store)
    yield store, index
    store.close()


def found(index: Index, text: str) -> list[str]:
    return [hit.id for hit in index.search(parse(text)).hits]


def counting(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often an update reads every entry, or compares the names file."""
    calls = {"entries": 0, "names file": 0}
    entries, compare = store.iter_entities, index_writing.stale_entities

    def read_entries(*args: Any, **kwargs: Any) -> Any:
        calls["entries"] += 1
        return entries(*args, **kwargs)

    def read_names_file(*args: Any, **kwargs: Any) -> Any:
        calls["names file"] += 1
        return compare(*args, **kwargs)

    monkeypatch.setattr(store, "iter_entities", read_entries)
    monkeypatch.setattr(store, "authority_state", lambda: pytest.fail("the whole authority digested"))
    monkeypatch.setattr(index_writing, "stale_entities", read_names_file)
    return calls


def test_following_reads_the_authority_only_when_it_changed(
    archive: tuple[SQLiteStore, Index], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, index = archive
    calls = counting(store, monkeypatch)
    for _ in range(3):  # a follower's steps with nothing new, then a record changed
        assert index.update(store) == 0
    store.add([Record(id="r-note", title="A note", persons=(PersonLink(ZORIN.id, "Zorin"),))])
    assert index.update(store) == 1
    assert calls == {"entries": 0, "names file": 0}


def test_a_renamed_entry_still_reaches_the_index(
    archive: tuple[SQLiteStore, Index], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, index = archive
    assert found(index, "Sorin") == []
    calls = counting(store, monkeypatch)
    index.update(store)
    store.put_entities([Entity(id=ZORIN.id, preferred=ZORIN.preferred,
                               variants=(Variant("Sorin, Walerian", "variant", "test"),))])
    index.update(store)  # no record changed: the entry's new name is found by its version
    assert found(index, "Sorin") == ["r-talk"]
    assert calls == {"entries": 1, "names file": 1}
    store.delete_entities(["p-nobody"])  # nothing removed: the version stays, nothing is read
    index.update(store)
    assert calls == {"entries": 1, "names file": 1}


def test_a_new_process_compares_the_names_once(archive: tuple[SQLiteStore, Index], tmp_path: Path) -> None:
    store, index = archive
    store.put_entities([Entity(id=ZORIN.id, preferred="Zorin, Valerian Aleksandrovich")])
    again = Index(tmp_path / "index")  # another process, started after the change
    again.update(store)
    assert found(again, "Aleksandrovich") == ["r-talk"]
