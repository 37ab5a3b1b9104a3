"""A FRUS volume's contents (record pages' previous/next, its table of contents) follow the index:
patched with what the change log names since, never read whole again for one change, and always
the same as a fresh read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore
from fonds.web.collections import volume_contents
from fonds.web.pages import Archive

VOLUME = "frus1961-63v06"


@pytest.fixture
def archive(tmp_path: Path, corpus: Path) -> Iterator[Archive]:
    store = SQLiteStore(tmp_path / "fonds.db")
    assert ingest(store, [corpus / "frus" / f"{VOLUME}.xml"]).ok
    index = Index(tmp_path / "index")
    index.update(store)
    yield Archive(store, index, Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "index")))
    store.close()


def fresh(archive: Archive) -> list[Any]:
    return list(volume_contents(Archive(archive.store, archive.index, archive.settings), VOLUME).items)


def test_the_contents_are_patched_as_records_change(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    store = archive.store
    before = volume_contents(archive, VOLUME)
    assert before.neighbours(f"{VOLUME}-d66")[1].id == f"{VOLUME}-d67"  # type: ignore[union-attr]

    reads: list[str] = []
    real = store.list_stored
    monkeypatch.setattr(store, "list_stored", lambda **options: reads.append("whole") or real(**options))
    store.delete(f"{VOLUME}-d67")  # gone: d66 is followed by d68
    moved = store.get(f"{VOLUME}-d12")
    store.add([replace(moved, number="66a")])  # renumbered: now printed after d66
    newcomer = replace(store.get(f"{VOLUME}-d1"), id="serve-test-new", number="200")
    store.add([newcomer])  # a new document at the end
    archive.index.update(store)

    after = volume_contents(archive, VOLUME)
    assert reads == []  # patched, not read whole again
    assert after.neighbours(f"{VOLUME}-d66")[1].id == f"{VOLUME}-d12"  # type: ignore[union-attr]
    assert after.neighbours(f"{VOLUME}-d12")[1].id == f"{VOLUME}-d68"  # type: ignore[union-attr]
    assert f"{VOLUME}-d67" not in after.members and after.items[-1].id == "serve-test-new"
    assert len(after.items) == len(before.items)  # one gone, one new
    assert before.neighbours(f"{VOLUME}-d66")[1].id == f"{VOLUME}-d67"  # type: ignore[union-attr]  # a reader's copy stays whole
    assert list(after.items) == fresh(archive)
    assert volume_contents(archive, VOLUME) is after  # the same checkpoint: the same contents
