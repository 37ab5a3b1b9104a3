"""A FRUS volume's printed order as a serving process keeps it (web/volume_order.py): one bytes key
per document in the order of the table of contents, patched with what the change log names since,
never read whole again for one change, and always the same as a fresh read."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore
from fonds.web.collections import volume_items
from fonds.web.pages import Archive, natural_key
from fonds.web.volume_order import id_of, number_of, print_key, volume_order

VOLUME = "frus1961-63v06"


@pytest.fixture
def archive(tmp_path: Path, corpus: Path) -> Iterator[Archive]:
    store = SQLiteStore(tmp_path / "fonds.db")
    assert ingest(store, [corpus / "frus" / f"{VOLUME}.xml"]).ok
    index = Index(tmp_path / "index")
    index.update(store)
    yield Archive(store, index, Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "index")))
    store.close()


def fresh(archive: Archive) -> list[str]:
    return volume_order(Archive(archive.store, archive.index, archive.settings), VOLUME).ids()


def after_id(archive: Archive, record_id: str) -> str | None:
    key = volume_order(archive, VOLUME).neighbours(record_id)[1]
    return id_of(key) if key else None


def test_the_order_is_the_table_of_contents(archive: Archive) -> None:
    order = volume_order(archive, VOLUME)
    assert order.ids() == [item.id for item in volume_items(archive, VOLUME)]
    assert len(order.ids()) == 120
    first, second = order.keys[0], order.keys[1]
    assert order.neighbours(id_of(second)) == (first, order.keys[2])
    assert order.neighbours(id_of(first))[0] is None and order.neighbours(id_of(order.keys[-1]))[1] is None
    assert order.neighbours("no-such-record") == (None, None)
    record = archive.store.get(f"{VOLUME}-d66")
    key = print_key(record.number, record.date.earliest, record.id)
    assert order.neighbours(record.id, key) == order.neighbours(record.id)  # found by binary search, the same
    assert number_of(key) == "66" and id_of(key) == record.id


def test_the_order_is_patched_as_records_change(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    store = archive.store
    before = volume_order(archive, VOLUME)
    assert after_id(archive, f"{VOLUME}-d66") == f"{VOLUME}-d67"

    reads: list[str] = []
    real = store.list_stored
    monkeypatch.setattr(store, "list_stored", lambda **options: reads.append("whole") or real(**options))
    store.delete(f"{VOLUME}-d67")  # gone: d66 is followed by d68
    moved = store.get(f"{VOLUME}-d12")
    store.add([replace(moved, number="66a")])  # renumbered: now printed after d66
    newcomer = replace(store.get(f"{VOLUME}-d1"), id="serve-test-new", number="200")
    store.add([newcomer])  # a new document at the end
    archive.index.update(store)

    after = volume_order(archive, VOLUME)
    assert reads == []  # patched, not read whole again
    assert after_id(archive, f"{VOLUME}-d66") == f"{VOLUME}-d12"
    assert after_id(archive, f"{VOLUME}-d12") == f"{VOLUME}-d68"
    assert f"{VOLUME}-d67" not in after.ids() and after.ids()[-1] == "serve-test-new"
    assert len(after.keys) == len(before.keys)  # one gone, one new
    assert id_of(before.neighbours(f"{VOLUME}-d66")[1] or b"") == f"{VOLUME}-d67"  # a reader's copy stays whole
    monkeypatch.undo()
    assert after.ids() == fresh(archive) == [item.id for item in volume_items(archive, VOLUME)]
    assert volume_order(archive, VOLUME) is after  # the same checkpoint: the same order


def _tuple_key(number: str | None, earliest: str | None, record_id: str) -> Any:
    return (natural_key(number), earliest or "9999", natural_key(record_id))


def test_print_keys_sort_as_the_tables_of_contents_sort_key() -> None:
    rng = random.Random(18)
    pieces = ["", "7", "07", "66", "66a", "66b", "9", "10", "100", "a", "A", "ab", "b", "-", " ", "é", "Ж", "2.1", "x10y2"]

    def text() -> str | None:
        return None if rng.random() < 0.1 else "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))

    docs = [(text(), rng.choice([None, "1961-01-02", "1961-01-10", "1960-12-31"]), f"d{rng.choice(pieces)}{n}")
            for n in range(600)]
    by_tuple = sorted(docs, key=lambda d: (_tuple_key(*d), d[2]))
    by_bytes = sorted(docs, key=lambda d: print_key(*d))
    assert [_tuple_key(*d) for d in by_bytes] == [_tuple_key(*d) for d in by_tuple]
    assert all(id_of(print_key(*d)) == d[2] and number_of(print_key(*d)) == (d[0] or None) for d in docs)


def test_a_volume_being_read_does_not_hold_up_the_pages_of_another(tmp_path: Path, corpus: Path) -> None:
    import threading

    other = "frus1958-60v18"
    store = SQLiteStore(tmp_path / "two.db")
    try:
        assert ingest(store, [corpus / "frus" / f"{VOLUME}.xml", corpus / "frus" / f"{other}.xml"]).ok
        index = Index(tmp_path / "two.index")
        index.update(store)
        archive = Archive(store, index, Settings(db=str(tmp_path / "two.db"), index=str(tmp_path / "two.index")))
        known = volume_order(archive, other).ids()  # read before
        reading, release = threading.Event(), threading.Event()
        real = store.record_summaries

        def slow(collection: str) -> Any:
            reading.set()
            release.wait(20)  # a large volume read from disk
            return real(collection)

        store.record_summaries = slow  # type: ignore[method-assign]
        first = threading.Thread(target=volume_order, args=(archive, VOLUME))
        first.start()
        assert reading.wait(10)
        finished: list[list[str]] = []
        second = threading.Thread(target=lambda: finished.append(volume_order(archive, other).ids()))
        second.start()
        second.join(5)
        held_up = not finished
        release.set()
        first.join(20)
        assert not held_up and finished == [known]
    finally:
        store.close()
