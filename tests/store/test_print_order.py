"""A FRUS volume's printed order kept in the store (store/print_order.py), on each backend: a record's
neighbours are the documents printed just before and after it (number, then date, then id) after
adds, renumbering, deletes, withdrawals, a restore and a change of the collections' tree; nothing is
written by a refused add; an archive from before the print order gets it filled when opened."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import psycopg
import pytest

from fonds.record import PersonLink, Record
from fonds.collection import Collection
from fonds.errors import FondsError
from fonds.store import open_store
from fonds.store.base import Store
from fonds.store.migrations import migrate
from fonds.store.print_order import id_of, natural_key, number_of, print_key, volumes_of_tree
from fonds.store.sqlite import SQLiteStore

MakeRecord = Callable[..., Record]
VOLUME = Collection("V", "A volume", kind="volume")
CHAPTERS = [Collection("V-c1", "Chapter one", parent="V", kind="chapter"),
            Collection("V-c2", "Chapter two", parent="V", kind="chapter")]
OTHER = Collection("W", "Another volume", kind="volume")
PROJECT = Collection("P", "A project", kind="project")
TREE = [VOLUME, *CHAPTERS, OTHER, PROJECT]


def tuple_key(record: Record) -> Any:
    """The table of contents' sort key (web/collections._sort_key), written independently here."""
    return (natural_key(record.number), record.date.earliest or "9999", natural_key(record.id))


def in_print_order(store: Store, volume: str, page: int = 3) -> list[str]:
    """The volume's documents as the store pages through them, `page` keys at a time."""
    found: list[str] = []
    after = None
    while keys := store.print_keys(volume, after=after, limit=page):
        found += [id_of(key) for key in keys]
        after = keys[-1]
    return found


def check_neighbours(store: Store, volume: str, expected: list[str]) -> None:
    """Every document's neighbours are the ones printed beside it, and the pages list them all."""
    assert in_print_order(store, volume) == expected
    for at, record_id in enumerate(expected):
        found = store.volume_neighbours(volume, record_id)
        assert found is not None, record_id
        before, after = found
        assert (before.id if before else None) == (expected[at - 1] if at else None), record_id
        assert (after.id if after else None) == (expected[at + 1] if at + 1 < len(expected) else None), record_id


def volume_records(make_record: MakeRecord, count: int = 24, seed: int = 7) -> list[Record]:
    """Documents of V in two chapters: numbers that sort differently as text, shared and missing
    numbers (the date decides, then the id), missing dates."""
    rng = random.Random(seed)
    numbers = ["1", "2", "9", "10", "66", "66a", "100", None, "12"]
    records = []
    for n in range(count):
        base = make_record(f"v-{rng.randint(0, 999):03d}-{n}")
        date = replace(base.date, earliest=rng.choice([None, "1961-01-02", "1960-12-31"]))
        records.append(replace(base, number=rng.choice(numbers), date=date,
                               collections=("V", rng.choice(["V-c1", "V-c2"]))))
    return records


def expected_order(records: list[Record]) -> list[str]:
    return [r.id for r in sorted(records, key=tuple_key)]


def test_neighbours_follow_the_printed_order_as_records_change(store: Store, make_record: MakeRecord) -> None:
    records = volume_records(make_record)
    outside = replace(make_record("p-1"), collections=("P",), number="1")
    store.add([*records, outside], collections=TREE)
    check_neighbours(store, "V", expected_order(records))
    assert store.volume_neighbours("V", "p-1") is None  # a project's record has no printed place
    assert store.volume_neighbours("W", records[0].id) is None
    assert store.volume_neighbours("V", "no-such-record") is None

    live = {r.id: r for r in records}
    renumbered = replace(records[3], number="3")  # moves
    redated = replace(records[5], date=replace(records[5].date, earliest="1900-01-01"))
    added = [replace(make_record(f"v-new-{n}"), number=str(n * 5), collections=("V-c2",)) for n in range(4)]
    store.add([renumbered, redated, *added])
    store.delete(records[7].id)
    store.withdraw(records[8].id, "a mistake", agent="staff")
    for record in (renumbered, redated, *added):
        live[record.id] = record
    del live[records[7].id], live[records[8].id]
    check_neighbours(store, "V", expected_order(list(live.values())))
    assert store.volume_neighbours("V", records[7].id) is None

    store.restore(records[8].id, agent="staff")
    live[records[8].id] = records[8]
    check_neighbours(store, "V", expected_order(list(live.values())))
    assert store.volume_neighbours("V", "v-new-1") is not None
    before, _ = store.volume_neighbours("V", "v-new-1") or (None, None)
    assert before is not None and before.number == live[before.id].number


def test_a_record_in_two_volumes_has_a_place_in_each(store: Store, make_record: MakeRecord) -> None:
    both = replace(make_record("both"), collections=("V-c1", "W"), number="5")
    first = replace(make_record("first"), collections=("V",), number="1")
    last = replace(make_record("last"), collections=("W",), number="9")
    store.add([both, first, last], collections=TREE)
    assert in_print_order(store, "V") == ["first", "both"]
    assert in_print_order(store, "W") == ["both", "last"]
    assert store.volume_neighbours("W", "both") is not None
    found = store.volume_neighbours("W", "both")
    assert found is not None and found[0] is None and found[1] is not None and found[1].id == "last"


def test_a_chapter_moved_to_another_volume_takes_its_records(store: Store, make_record: MakeRecord) -> None:
    ones = [replace(make_record(f"one-{n}"), collections=("V-c1",), number=str(n)) for n in range(3)]
    twos = [replace(make_record(f"two-{n}"), collections=("V-c2",), number=str(n)) for n in range(3)]
    store.add([*ones, *twos], collections=TREE)
    assert len(in_print_order(store, "V")) == 6

    store.add([], collections=[replace(CHAPTERS[1], parent="W")])  # the holdings file moved chapter two
    check_neighbours(store, "V", [r.id for r in ones])
    check_neighbours(store, "W", [r.id for r in twos])
    store.add([], collections=[replace(CHAPTERS[0], parent="P")])  # into a project: no printed order
    assert in_print_order(store, "V") == []
    assert store.volume_neighbours("V", "one-1") is None


def test_a_refused_add_writes_no_place(store: Store, make_record: MakeRecord) -> None:
    store.add([], collections=TREE)
    unknown = PersonLink(id="nobody-known", name="Nobody")
    with pytest.raises(FondsError):
        store.add([replace(make_record("r-1"), collections=("V",), persons=(unknown,))])
    assert in_print_order(store, "V") == []


def test_print_keys_sort_as_the_tables_of_contents_sort_key() -> None:
    rng = random.Random(18)
    pieces = ["", "7", "07", "66", "66a", "66b", "9", "10", "100", "a", "A", "ab", "b", "-", " ", "é", "Ж", "2.1", "x10y2"]

    def text() -> str | None:
        return None if rng.random() < 0.1 else "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))

    def key(d: tuple[str | None, str | None, str]) -> Any:
        return (natural_key(d[0]), d[1] or "9999", natural_key(d[2]))

    docs = [(text(), rng.choice([None, "1961-01-02", "1961-01-10", "1960-12-31"]), f"d{rng.choice(pieces)}{n}")
            for n in range(600)]
    by_tuple = sorted(docs, key=lambda d: (key(d), d[2]))
    by_bytes = sorted(docs, key=lambda d: print_key(*d))
    assert [key(d) for d in by_bytes] == [key(d) for d in by_tuple]
    assert all(id_of(print_key(*d)) == d[2] and number_of(print_key(*d)) == (d[0] or None) for d in docs)


def test_the_volume_of_each_collection() -> None:
    tree = [("V", None, "volume"), ("c", "V", "chapter"), ("s", "c", "section"), ("P", None, "project"),
            ("x", "P", "series"), ("orphan", "missing", "chapter"), ("loop-a", "loop-b", "volume"),
            ("loop-b", "loop-a", "chapter")]
    found = volumes_of_tree(tree)
    assert {k: v for k, v in found.items() if not k.startswith("loop")} == {"V": "V", "c": "V", "s": "V"}


# -- an archive from before the print order ------------------------------------------------------


def test_an_older_sqlite_file_gets_its_print_order_when_opened(tmp_path: Path, make_record: MakeRecord) -> None:
    path = tmp_path / "old.db"
    records = volume_records(make_record, count=30, seed=3)
    with SQLiteStore(path) as store:
        store.add(records, collections=TREE)
        store.delete(records[0].id)
    with sqlite3.connect(path) as db:  # as a fonds of schema 3 left it: no print order
        db.execute("DELETE FROM print_order")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        db.execute("INSERT INTO records (id, data, hash, seq, at) VALUES ('broken', '{not json', 'x', 99, 'now')")
    with SQLiteStore(path) as store:
        check_neighbours(store, "V", expected_order(records[1:]))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("4",)


@pytest.mark.postgres
def test_postgresql_migration_7_fills_the_print_order(postgres_url: str, make_record: MakeRecord) -> None:
    records = volume_records(make_record, count=30, seed=5)
    assert migrate(postgres_url, target=6) == (0, 6)
    with psycopg.connect(postgres_url) as conn:  # records and collections written by a fonds of schema 6
        for c in TREE:
            conn.execute("INSERT INTO collections (id, title, parent, kind) VALUES (%s, %s, %s, %s)",
                         (c.id, c.title, c.parent, c.kind))
        for seq, r in enumerate(records, 1):
            conn.execute("INSERT INTO records (id, data, hash, seq, at, is_deleted) VALUES (%s, %s, 'x', %s, 'now', %s)",
                         (r.id, None if seq == 1 else json.dumps(r.to_dict()), seq, seq == 1))
            conn.cursor().executemany("INSERT INTO record_collections VALUES (%s, %s)", [(r.id, c) for c in r.collections])
        conn.execute("INSERT INTO records (id, data, hash, seq, at) VALUES ('broken', '{not json', 'x', 99, 'now')")
    assert migrate(postgres_url) == (6, 7)
    with open_store(postgres_url) as store:
        check_neighbours(store, "V", expected_order(records[1:]))
