"""A FRUS volume's printed order on its pages: the record page's previous and next documents come
from the store's print order (store/print_order.py) and follow the table of contents exactly, after
deletes, renumbering and additions, with the neighbours' titles from the index; the table of
contents is read from the store once per state of the index, a chapter's page reading its own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.print_order import id_of
from fonds.store.sqlite import SQLiteStore
from fonds.web import pages
from fonds.web.collections import collection_page, volume_items
from fonds.web.pages import Archive
from fonds.web.records import volume_neighbours

VOLUME = "frus1961-63v06"


@pytest.fixture
def archive(tmp_path: Path, corpus: Path) -> Iterator[Archive]:
    store = SQLiteStore(tmp_path / "fonds.db")
    assert ingest(store, [corpus / "frus" / f"{VOLUME}.xml"]).ok
    index = Index(tmp_path / "index")
    index.update(store)
    yield Archive(store, index, Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "index")))
    store.close()


def printed(archive: Archive) -> list[str]:
    return [id_of(key) for key in archive.store.print_keys(VOLUME, limit=10_000)]


def chain(archive: Archive) -> list[str]:
    """The volume read the way a reader clicks through it: the first document, then "next" until none."""
    record = archive.store.get(printed(archive)[0])
    found = [record.id]
    while (following := volume_neighbours(archive, record)[1]) is not None:
        found.append(following.id)
        record = archive.store.get(following.id)
    return found


def test_the_record_pages_follow_the_table_of_contents(archive: Archive) -> None:
    contents = [item.id for item in volume_items(archive, VOLUME)]
    assert len(contents) == 120
    assert printed(archive) == contents == chain(archive)
    before, after = volume_neighbours(archive, archive.store.get(f"{VOLUME}-d66"))
    assert before is not None and after is not None
    assert (before.id, before.label, after.id, after.label) == (f"{VOLUME}-d65", "Document 65", f"{VOLUME}-d67", "Document 67")
    assert after.title == archive.store.get(f"{VOLUME}-d67").title and after.href.endswith(f"{VOLUME}-d67")
    first, last = archive.store.get(contents[0]), archive.store.get(contents[-1])
    assert volume_neighbours(archive, first)[0] is None and volume_neighbours(archive, last)[1] is None


def test_the_record_pages_follow_changes(archive: Archive) -> None:
    store = archive.store
    store.delete(f"{VOLUME}-d67")  # gone: d66 is followed by d68
    moved = store.get(f"{VOLUME}-d12")
    store.add([replace(moved, number="66a")])  # renumbered: now printed after d66
    store.add([replace(store.get(f"{VOLUME}-d1"), id="serve-test-new", number="200")])  # a new last document
    archive.index.update(store)

    after = volume_neighbours(archive, store.get(f"{VOLUME}-d66"))[1]
    assert after is not None and (after.id, after.label) == (f"{VOLUME}-d12", "Document 66a")
    after = volume_neighbours(archive, store.get(f"{VOLUME}-d12"))[1]
    assert after is not None and after.id == f"{VOLUME}-d68"
    contents = [item.id for item in volume_items(archive, VOLUME)]
    assert f"{VOLUME}-d67" not in contents and contents[-1] == "serve-test-new" and len(contents) == 120
    assert printed(archive) == contents == chain(archive)


def reads(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The collections whose documents the pages read from the store, in order."""
    asked: list[str] = []
    real = archive.store.record_summaries

    def counted(collection: str) -> Any:
        asked.append(collection)
        return real(collection)

    monkeypatch.setattr(archive.store, "record_summaries", counted)
    return asked


def test_a_table_of_contents_is_read_once_per_state_of_the_index(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = reads(archive, monkeypatch)
    first = collection_page(archive, VOLUME)
    (compilation,) = first.sections
    assert collection_page(archive, VOLUME) == first and asked == [VOLUME]
    chapter = collection_page(archive, compilation.id)
    assert asked == [VOLUME, compilation.id], "a chapter's page reads the chapter's documents, not the volume's"
    assert chapter.items == compilation.items and chapter.records == compilation.records == 120

    archive.store.delete(f"{VOLUME}-d67")
    assert collection_page(archive, VOLUME) == first, "the page follows the index, as its counts do"
    archive.index.update(archive.store)
    (after,) = collection_page(archive, VOLUME).sections
    assert asked == [VOLUME, compilation.id, VOLUME]
    assert f"{VOLUME}-d67" not in [item.id for item in after.items] and after.records == 119


def test_the_tables_of_contents_kept_are_bounded(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "LIST_BUDGET", 150)  # less than the volume and its compilation (120 each)
    asked = reads(archive, monkeypatch)
    (compilation,) = collection_page(archive, VOLUME).sections
    collection_page(archive, compilation.id)  # kept; the volume, asked longer ago, dropped
    collection_page(archive, compilation.id)
    collection_page(archive, VOLUME)
    assert asked == [VOLUME, compilation.id, VOLUME]
