"""The benchmark corpus: the same seed gives the same records, and fonds ingests them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives beside src/, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks import corpus as bench_corpus  # noqa: E402
from benchmarks import raw  # noqa: E402
from benchmarks.queries import MIX  # noqa: E402
from fonds.index import Index  # noqa: E402
from fonds.ingest import ingest  # noqa: E402
from fonds.query import parse  # noqa: E402
from fonds.store.sqlite import SQLiteStore  # noqa: E402


@pytest.fixture(scope="module")
def pool(corpus: Path) -> list[dict[str, Any]]:
    return bench_corpus.load_pool(corpus / "frus")


def test_same_seed_gives_the_same_records(pool: list[dict[str, Any]]) -> None:
    first = list(bench_corpus.generate(60, seed=3, pool=pool))
    again = list(bench_corpus.generate(60, seed=3, pool=pool))
    other = list(bench_corpus.generate(60, seed=4, pool=pool))
    assert first == again
    assert first != other
    assert [r["id"] for r in first] == [f"bench-{n:07d}" for n in range(60)]


def test_records_keep_the_real_spread(pool: list[dict[str, Any]]) -> None:
    records = list(bench_corpus.generate(400, seed=1, pool=pool))
    volumes = {r["collections"][0] for r in records}
    assert len(volumes) == 4
    assert any(r["original_languages"] == ["ru"] for r in records)
    dated = [r for r in records if r["date"]["earliest"]]
    assert all("1955" < r["date"]["earliest"] < "1970" for r in dated)
    assert len({r["renditions"][0]["text"] for r in records}) > 0.95 * len(records)  # short notes may repeat


def test_the_written_corpus_ingests(tmp_path: Path, pool: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_corpus, "load_pool", lambda folder=None: pool)
    files = bench_corpus.write(120, seed=5, per_file=50, folder=tmp_path / "corpus")
    assert [f.name for f in files] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert bench_corpus.write(120, seed=5, per_file=50, folder=tmp_path / "corpus") == files  # reused
    store = SQLiteStore(tmp_path / "fonds.db")
    try:
        report = ingest(store, files)
        assert report.ok, report.rejected
        assert report.result.added == 120
        index = Index(tmp_path / "fonds.db.index")
        assert index.update(store) >= 120  # and the relinking's updates, when the authority changed
        assert index.count() == 120
        assert index.search(parse("soviet OR korea OR japan")).total > 0
    finally:
        store.close()


def test_the_raw_stack_indexes_the_same_records(tmp_path: Path, pool: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_corpus, "load_pool", lambda folder=None: pool)
    files = bench_corpus.write(80, seed=5, per_file=40, folder=tmp_path / "corpus")
    times = raw.ingest(files, tmp_path / "raw.db", tmp_path / "raw.index")
    assert times.records == 80
    searcher = raw.Searcher(tmp_path / "raw.index")
    for search in MIX:  # every search of the mix is valid Tantivy syntax
        searcher.search(search.raw, offset=search.offset, facets=True, snippets=True)
        parse(search.fonds)
