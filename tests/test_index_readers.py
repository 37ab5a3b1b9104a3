"""One index, several readers (`serve --workers N`): what one process commits, another finds;
facet counts are computed once per search and index state, and never outlive that state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fonds import facet_counts
from fonds.index import Index
from fonds.ingest import ingest
from fonds.query import parse
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


def test_a_second_index_object_sees_what_the_writer_commits(tmp_path: Path, corpus: Path) -> None:
    store = SQLiteStore(tmp_path / "fonds.db")
    try:
        assert ingest(store, [ROOT / "examples"]).ok
        writer = Index(tmp_path / "index")
        writer.update(store)
        reader = Index(tmp_path / "index")  # as a worker process opens it: never updated through this object
        assert reader.search(parse("Moskovsky")).total == 0
        before = reader.search(None).total

        assert ingest(store, [corpus / "wilson-center"]).ok
        writer.update(store)
        assert [hit.id for hit in reader.search(parse("Moskovsky")).hits] == ["wcda-110485"]
        assert reader.search(None).total == before + 1
    finally:
        store.close()


def test_facet_counts_are_cached_per_search_and_index_state(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore(tmp_path / "fonds.db")
    try:
        assert ingest(store, [ROOT / "examples"]).ok
        index = Index(tmp_path / "index")
        index.update(store)
        computed: list[Any] = []
        real = facet_counts.count

        def counting(searcher: Any, compiled: Any) -> Any:
            computed.append(compiled)
            return real(searcher, compiled)

        monkeypatch.setattr(facet_counts, "count", counting)
        first = index.search(parse("lang:ru"))
        again = index.search(parse("lang:ru"), offset=20)  # page 2 of the same search
        assert again.facets == first.facets and len(computed) == 1
        first.facets["language"].clear()  # a caller changing its copy changes nobody else's
        assert index.search(parse("lang:ru")).facets["language"] != []
        index.search(parse("lang:ko"))
        assert len(computed) == 2  # another search: its own counts
        ru_before = dict(index.search(None).facets["language"]).get("ru", 0)

        assert ingest(store, [corpus / "wilson-center"]).ok  # a Russian record: the counts change
        index.update(store)
        assert dict(index.search(None).facets["language"]).get("ru", 0) == ru_before + 1
    finally:
        store.close()
