"""copy_store: an archive moves between backends without losing a field."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from fonds.authority import Entity
from fonds.collection import Collection
from fonds.record import Record
from fonds.store import open_store
from fonds.store.base import AddResult, Store
from fonds.store.copy import copy_store
from fonds.store.sqlite import SQLiteStore

MakeRecord = Callable[..., Record]
MakeEntity = Callable[..., Entity]


def assert_same_archive(source: Store, target: Store) -> None:
    """Every record, collection and authority entry of `source` is in `target`, equal."""
    assert target.collections() == source.collections()
    assert list(target.iter_entities()) == list(source.iter_entities())
    copied = {record.id: record for record in target.iter_records()}
    originals = list(source.iter_records())
    assert sorted(copied) == [record.id for record in originals]
    for record in originals:
        assert copied[record.id] == record, record.id
        assert copied[record.id].to_dict() == record.to_dict(), record.id
    assert target.collection_counts() == source.collection_counts()
    assert target.stats().records == source.stats().records


@pytest.fixture
def source(tmp_path: Path, make_record: MakeRecord, make_entity: MakeEntity) -> Iterator[SQLiteStore]:
    """A SQLite archive with collections, authority, updated and deleted records."""
    store = SQLiteStore(tmp_path / "source.db")
    store.add(
        [make_record(f"r{i:02d}", collections=("NKIDP", "frus-ch1") if i % 2 else ("NKIDP",)) for i in range(12)],
        collections=[
            Collection("NKIDP", "North Korea International Documentation Project"),
            Collection("frus", "FRUS", kind="volume"),
            Collection("frus-ch1", "Chapter 1", parent="frus", kind="chapter"),
        ],
        entities=[make_entity("kim-il-sung", "Kim Il Sung"), make_entity("wpk", "WPK", kind="organization")],
    )
    store.add([make_record("r03", generation=2)])
    store.delete("r05")
    store.delete("r07")
    yield store
    store.close()


def test_copy_moves_everything_live_into_each_backend(source: SQLiteStore, store: Store) -> None:
    calls: list[tuple[int, int]] = []
    result = copy_store(source, store, progress=lambda done, total: calls.append((done, total)), batch=4)

    assert_same_archive(source, store)
    assert result.records == AddResult(added=10)
    assert (result.collections, result.entities, result.deleted_skipped, result.copied) == (3, 2, 2, 10)
    assert calls[-1] == (10, 10)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    # The target's log keeps the order of the source's: r03 was changed last.
    assert [c.record_id for c in store.changes_since(0)][-1] == "r03"


def test_copying_again_changes_nothing(source: SQLiteStore, store: Store) -> None:
    copy_store(source, store)
    seq = store.last_seq()
    result = copy_store(source, store)
    assert result.records == AddResult(unchanged=10)
    assert result.entities == 0
    assert store.last_seq() == seq


@pytest.mark.postgres
def test_an_archive_goes_to_postgres_and_back_unchanged(
    source: SQLiteStore, postgres_url: str, tmp_path: Path
) -> None:
    with open_store(postgres_url) as middle, SQLiteStore(tmp_path / "back.db") as back:
        copy_store(source, middle)
        assert_same_archive(source, middle)
        copy_store(middle, back)
        assert_same_archive(source, back)


@pytest.fixture(scope="module")
def corpus_store(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    """The shared corpus (the Wilson Center record and the FRUS volumes), ingested into SQLite."""
    from fonds.ingest import ingest

    store = SQLiteStore(tmp_path_factory.mktemp("corpus") / "corpus.db")
    report = ingest(store, [corpus / "wilson-center", *sorted((corpus / "frus").glob("*.xml"))])
    assert report.rejected == []
    yield store
    store.close()


@pytest.mark.postgres
def test_the_shared_corpus_goes_to_postgres_and_back_unchanged(
    corpus_store: SQLiteStore, postgres_url: str, tmp_path: Path
) -> None:
    assert corpus_store.stats().records > 1000
    with open_store(postgres_url) as middle, SQLiteStore(tmp_path / "back.db") as back:
        first = copy_store(corpus_store, middle)
        assert first.copied == corpus_store.stats().records
        copy_store(middle, back)
        assert_same_archive(corpus_store, middle)
        assert_same_archive(corpus_store, back)
