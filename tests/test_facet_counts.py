"""Facet counts (fonds.facet_counts): exact when given, left for a second request over the bound,
shared between processes reading one index, never another index state's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds import facet_counts
from fonds.index import Index
from fonds.ingest import ingest
from fonds.query import parse
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[SQLiteStore, Index]]:
    store = SQLiteStore(tmp_path / "fonds.db")
    try:
        assert ingest(store, [ROOT / "examples"]).ok
        index = Index(tmp_path / "index")
        index.update(store)
        yield store, index
    finally:
        store.close()


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each time counts are really counted (not found in memory or on disk)."""
    seen: list[Any] = []
    real = facet_counts.count

    def counting(searcher: Any, compiled: Any) -> Any:
        seen.append(compiled)
        return real(searcher, compiled)

    monkeypatch.setattr(facet_counts, "count", counting)
    return seen


def _by_hand(index: Index, query: str | None) -> dict[str, int]:
    """The language counts of a search, from one search per language (no aggregation)."""
    languages = {"en", "ru", "ko", "zh", "ja", "de", "fr"}
    found = {}
    for code in sorted(languages):
        filtered = f"{query} lang:{code}" if query else f"lang:{code}"
        total = index.search(parse(filtered), facets=False).total
        if total:
            found[code] = total
    return found


def result_total(index: Index) -> int:
    return index.search(None, facets=False).total


def test_counts_under_the_bound_are_exact_and_given_at_once(archive: tuple[SQLiteStore, Index]) -> None:
    _store, index = archive
    result = index.search(None, defer_facets_over=result_total(index))
    assert not result.facets_deferred
    assert dict(result.facets["language"]) == _by_hand(index, None)
    assert sum(count for _year, count in result.facets["type"]) == result.total  # one type per example record


def test_over_the_bound_the_first_answer_has_hits_and_no_counts_then_the_second_has_them(
    archive: tuple[SQLiteStore, Index], computed: list[Any]
) -> None:
    _store, index = archive
    total = result_total(index)
    assert total > 2
    first = index.search(None, defer_facets_over=2)
    assert first.facets_deferred and first.facets == {} and len(first.hits) == total and computed == []
    asked = index.search(None)  # the second request: counted now, exactly
    assert not asked.facets_deferred and dict(asked.facets["language"]) == _by_hand(index, None)
    again = index.search(None, defer_facets_over=2)  # counted once: the bounded search has them now
    assert not again.facets_deferred and again.facets == asked.facets and len(computed) == 1
    few = index.search(parse("lang:ru"), defer_facets_over=total)  # few hits: counted at once
    assert not few.facets_deferred and dict(few.facets["language"])["ru"] == few.total


def test_counts_are_shared_between_processes_through_the_index_folder(
    archive: tuple[SQLiteStore, Index], computed: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _store, index = archive
    monkeypatch.setattr(facet_counts, "DISK_OVER", 0)
    counted = index.search(None).facets
    assert len(computed) == 1
    other = Index(index.path)  # another worker: its own memory, the same folder
    shared = other.search(None, defer_facets_over=0)
    assert not shared.facets_deferred and shared.facets == counted and len(computed) == 1
    files = list((index.path / facet_counts.FOLDER).glob("*.json"))
    assert len(files) == 1 and files[0].name.startswith(f"{index.checkpoint}-")


def test_a_shared_count_is_never_served_for_another_index_state(
    archive: tuple[SQLiteStore, Index], corpus: Path, computed: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, index = archive
    monkeypatch.setattr(facet_counts, "DISK_OVER", 0)
    reader = Index(index.path)
    before = dict(reader.search(None).facets["language"])
    old_seq = index.checkpoint
    assert ingest(store, [corpus / "wilson-center"]).ok  # Russian records: the counts change
    index.update(store)
    assert index.checkpoint != old_seq
    fresh = reader.search(None, defer_facets_over=0)  # the reader's old counts are of the old state
    assert fresh.facets_deferred
    after = dict(reader.search(None).facets["language"])
    assert after == _by_hand(reader, None) and after.get("ru", 0) > before.get("ru", 0)
    folder = index.path / facet_counts.FOLDER
    assert all(f.name.startswith(f"{index.checkpoint}-") for f in folder.glob("*.json")), "old states' files go"


def test_a_file_of_another_key_or_state_under_the_right_name_is_not_used(
    archive: tuple[SQLiteStore, Index], computed: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _store, index = archive
    monkeypatch.setattr(facet_counts, "DISK_OVER", 0)
    true = index.search(None).facets
    (path,) = (index.path / facet_counts.FOLDER).glob("*.json")
    data = json.loads(path.read_text())
    forged = {name: [[value, 999] for value, _count in values] for name, values in data["facets"].items()}
    for change in ({"seq": data["seq"] - 1}, {"key": data["key"] + " "}, {"facets": "damaged"}):
        path.write_text(json.dumps({**data, "facets": forged, **change}))
        other = Index(index.path)
        assert other.search(None, defer_facets_over=0).facets_deferred
        assert other.search(None).facets == true
    assert len(computed) == 4


def test_a_rebuild_forgets_every_count(archive: tuple[SQLiteStore, Index], monkeypatch: pytest.MonkeyPatch) -> None:
    store, index = archive
    monkeypatch.setattr(facet_counts, "DISK_OVER", 0)
    index.search(None)
    assert list((index.path / facet_counts.FOLDER).glob("*.json"))
    index.rebuild(store)
    assert not (index.path / facet_counts.FOLDER).exists()
    assert index.search(None, defer_facets_over=0).facets_deferred
