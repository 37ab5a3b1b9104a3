"""The archive's names kept per authority state (fonds.naming_cache): read back instead of built,
never stale after the authority changes, rebuilt from a damaged file."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fonds import naming_cache
from fonds.authority import Entity, Variant
from fonds.naming import Names
from fonds.store.sqlite import SQLiteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "fonds.db")
    opened.put_entities([Entity(id="p-moskovsky", preferred="Moskovsky, Vasily",
                                variants=(Variant("Vasily Moskovsky", "variant", "test"),))])
    yield opened
    opened.close()


def new_process(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Forget what this process remembers, and count the builds from now on."""
    monkeypatch.setattr(naming_cache, "_MEMO", {})
    built: list[int] = []
    real = Names.build

    def counting(live: list[Entity]) -> Names:
        built.append(len(live))
        return real(live)

    monkeypatch.setattr(Names, "build", counting)
    return built


def test_names_are_read_back_from_beside_the_index(store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    expected = Names.of(store)
    built = new_process(monkeypatch)
    first = naming_cache.names(store, folder)
    assert first == expected and built == [1] and (folder / naming_cache.FILE).is_file()
    assert naming_cache.names(store, folder) is first  # the same process: remembered
    built = new_process(monkeypatch)  # a restarted server
    again = naming_cache.names(store, folder)
    assert built == [] and again == expected
    assert [variant for variant, _why in again.resolve("Moskovsky")] == [variant for variant, _why in expected.resolve("Moskovsky")]


def test_a_changed_authority_is_never_answered_from_the_old_file(store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    new_process(monkeypatch)
    naming_cache.names(store, folder)
    store.put_entities([Entity(id="p-gromyko", preferred="Gromyko, Andrei")])
    built = new_process(monkeypatch)
    names = naming_cache.names(store, folder)
    assert built == [2] and names.entity("p-gromyko") is not None
    changed = Entity(id="p-gromyko", preferred="Gromyko, Andrei", variants=(Variant("Andrey Gromyko", "variant", "test"),))
    store.put_entities([changed])  # the same entries, one with a new variant
    built = new_process(monkeypatch)
    names = naming_cache.names(store, folder)
    assert built == [2] and "Andrey Gromyko" in names.entity("p-gromyko").names  # type: ignore[union-attr]


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]"])
def test_a_damaged_file_is_rebuilt(store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    folder = tmp_path / "index"
    new_process(monkeypatch)
    naming_cache.names(store, folder)
    (folder / naming_cache.FILE).write_text(damage)
    expected = Names.of(store)
    built = new_process(monkeypatch)
    assert naming_cache.names(store, folder) == expected and built == [1]


def test_an_unchanged_authority_is_not_read_again_and_a_changed_one_is(store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    new_process(monkeypatch)
    first = naming_cache.names(store, folder)
    reads: list[str | None] = []
    real = SQLiteStore.iter_entities

    def counting(self: SQLiteStore, kind: str | None = None) -> object:
        reads.append(kind)
        return real(self, kind)

    monkeypatch.setattr(SQLiteStore, "iter_entities", counting)
    assert naming_cache.names(store, folder) is first and reads == []  # e.g. at an index change: no entry read
    store.put_entities([Entity(id="p-moskovsky", preferred="Moskovsky, Vasily",
                               variants=(Variant("V. Moskovskii", "variant", "test"),))])  # the same process sees it
    changed = naming_cache.names(store, folder)
    assert reads and "V. Moskovskii" in changed.entity("p-moskovsky").names  # type: ignore[union-attr]
    store.put_entities([Entity(id="p-gromyko", preferred="Gromyko, Andrei")])
    store.delete_entities(["p-gromyko"])  # back to the authority `changed` was built from
    assert naming_cache.names(store, folder) == changed
