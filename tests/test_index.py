"""Search through the Tantivy index, fed from the store's change log."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fonds.errors import QueryError
from fonds.index import FUZZY_BELOW, INDEX_VERSION, SNIPPET_CHARS, Index
from fonds.ingest import ingest
from fonds.query import parse
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def archive(tmp_path: Path, corpus: Path) -> Iterator[tuple[SQLiteStore, Index]]:
    store = SQLiteStore(tmp_path / "fonds.db")
    report = ingest(store, [corpus / "wilson-center", ROOT / "examples"])
    assert report.ok, report.rejected
    index = Index(tmp_path / "fonds.db.index")
    index.update(store)
    yield store, index
    store.close()


def ids(index: Index, text: str, **options: object) -> list[str]:
    return [hit.id for hit in index.search(parse(text), **options).hits]  # type: ignore[arg-type]


def test_acceptance_searches_find_the_shared_record_with_highlights(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    for text in ("Moskovsky", '"air defense"', "date:1962-08 lang:ru"):
        assert ids(index, text) == ["wcda-110485"], text
    hit = index.search(parse('"air defense"')).hits[0]
    assert "<b>air defense</b>" in hit.snippet  # a phrase is highlighted whole
    only_in_title = index.search(parse("Moskovsky")).hits[0]  # the text says "I", never his name
    assert only_in_title.snippet.startswith("The Soviet Ambassador to Pyongyang reports")  # the summary, not the title again
    assert index.search(parse("Moskovsky Kim")).hits[0].snippet.startswith("…[I] paid a visit to comrade <b>Kim</b>")


def test_boolean_and_negation(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    linked_in_other_scripts = {"wcda-900004", "wcda-900005", "wcda-900006"}  # 金日成, 김일성, Ким Ир Сен: Kim Il Sung
    expected = {"wcda-110485", "wcda-900001", "wcda-900002", "wcda-900003", *linked_in_other_scripts}
    assert set(ids(index, "Kim OR delegation")) == expected
    assert set(ids(index, "Kim AND (Pyongyang OR Ministry)")) == {"wcda-110485", "wcda-900001", "wcda-900004", "wcda-900005"}
    assert "wcda-110485" not in ids(index, "Kim -Moskovsky")
    assert ids(index, "Kim NOT Moskovsky") == ids(index, "Kim -Moskovsky")
    assert ids(index, "Moskovsky AND delegation") == []


def test_prefix_and_fuzzy(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    assert ids(index, "Moskov*") == ["wcda-110485"]
    assert ids(index, "Moskovksy") == ["wcda-110485"]  # a misspelling still finds it


def test_exact_outranks_fuzzy(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    hits = index.search(parse("delegation")).hits
    assert hits[0].id in {"wcda-900002", "wcda-900003"}


def test_fields_and_filters(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    assert ids(index, "title:Moskovsky") == ["wcda-110485"]
    assert ids(index, "title:Ambassador summary:Pyongyang") == ["wcda-110485"]
    assert ids(index, "type:telegram") == ["wcda-900002"]
    assert ids(index, "repository:AVPRF") == ["wcda-110485", "wcda-900006"]  # with the Russian example
    assert ids(index, 'repository:"Russian State Archive of Contemporary History"') == ["wcda-900002"]
    assert ids(index, "collection:CWIHP") == ["wcda-900003"]
    assert ids(index, "lang:de") == ["wcda-900003"]


def test_date_ranges_match_uncertain_dates_by_overlap(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    in_1962 = {"wcda-900004", "wcda-900005", "wcda-900006"}  # the Chinese, Korean and Russian examples
    assert set(ids(index, "date:1962")) == {"wcda-110485", "wcda-900001", *in_1962}
    assert set(ids(index, "date:1961")) == {"wcda-900001"}  # c. 1962 spans 1961-1963
    assert set(ids(index, "date:1963-08..1963-12")) == {"wcda-900001", "wcda-900003"}
    assert "wcda-900002" not in ids(index, "date:..2100")  # n.d. matches no date range


def test_facets_count_the_hits(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    result = index.search(None)
    assert result.total == 8
    facets = result.facets
    assert ("ru", 3) in facets["language"]
    assert ("NKIDP", 1) in facets["collection"]
    assert ("Memorandum of Conversation", 1) in facets["type"]
    assert [year for year, _ in facets["year"]] == ["1961", "1962", "1963"]
    assert dict(facets["year"])["1963"] == 3


def test_sort_by_date_puts_undated_last(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    assert ids(index, "", sort="date") == [
        "wcda-900001", "wcda-110485", "wcda-900004", "wcda-900005", "wcda-900006", "wcda-900007", "wcda-900003",
        "wcda-900002",
    ]


def test_pagination(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    everything = ids(index, "", sort="date")
    assert ids(index, "", sort="date", limit=2, offset=2) == everything[2:4]


def test_snippets_escape_hostile_text(tmp_path: Path, data: Path) -> None:
    store = SQLiteStore(tmp_path / "fonds.db")
    assert ingest(store, [data / "text_hostile.txt"]).ok
    index = Index(tmp_path / "index")
    index.update(store)
    hit = index.search(parse("script")).hits[0]
    bare = hit.snippet.replace("<b>", "").replace("</b>", "")
    assert "<" not in bare and "&lt;script&gt;document.title=&quot;pwned&quot;" in bare
    store.close()


def test_index_follows_updates_and_deletes(archive: tuple[SQLiteStore, Index]) -> None:
    store, index = archive
    store.delete("wcda-110485")
    assert index.update(store) == 1
    assert ids(index, "Moskovsky") == []
    assert index.update(store) == 0


def test_rebuild_gives_the_same_results(archive: tuple[SQLiteStore, Index], tmp_path: Path) -> None:
    store, index = archive
    before = ids(index, "Kim OR delegation")
    assert index.rebuild(store) == 8
    assert ids(index, "Kim OR delegation") == before


def test_catches_up_after_losing_its_checkpoint(archive: tuple[SQLiteStore, Index]) -> None:
    store, index = archive
    (index.path / "fonds-index.json").unlink()  # as if the process died before saving it
    reopened = Index(index.path)
    assert reopened.update(store) == store.last_seq()
    assert reopened.search(None).total == store.stats().records == 8  # replaying changes twice adds nothing twice


def test_bad_sort_is_a_query_error(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    with pytest.raises(QueryError, match="sort 'size' is not one we know"):
        index.search(None, sort="size")


def test_neighbours_reads_the_records_around_one_in_a_search(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    order = ids(index, "", sort="date")  # wcda-900001, wcda-110485, wcda-900003, wcda-900002
    before, after = index.neighbours(None, order[1], sort="date") or (None, None)
    assert before is not None and after is not None
    assert (before.id, after.id) == (order[0], order[2])
    assert before.title and "<b>" not in before.snippet
    assert index.neighbours(None, order[0], sort="date") == (None, index.neighbours(None, order[0])[1])  # type: ignore[index]
    assert index.neighbours(None, order[-1], sort="date")[1] is None  # type: ignore[index]
    assert index.neighbours(parse("lang:de"), "wcda-110485") is None  # not in that search
    assert index.neighbours(None, "no-such-record") is None


def test_snippets_false_and_searches_without_words_highlight_nothing(archive: tuple[SQLiteStore, Index]) -> None:
    _, index = archive
    plain = index.search(parse("Moskovsky"), snippets=False).hits[0]
    assert plain.id == "wcda-110485" and "<b>" not in plain.snippet and plain.snippet
    for text in ("lang:ru", "date:1962", ""):
        assert all("<b>" not in hit.snippet and hit.snippet for hit in index.search(parse(text)).hits), text


def test_fuzzy_matching_is_a_fallback_for_rare_words(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "fonds.db")
    records = {990001: "The wheat harvest failed.", 990002: "Wheat prices rose.", 990003: "Wheat was shipped.",
               990004: "What did he say about it?"}
    assert ingest(store, [_text_record(tmp_path, number, "Harvest", body) for number, body in records.items()]).ok
    index = Index(tmp_path / "index")
    index.update(store)
    wheat = ["wcda-990001", "wcda-990002", "wcda-990003"]
    assert FUZZY_BELOW <= 3
    assert sorted(ids(index, "wheat")) == wheat  # found exactly often enough: not widened to "what"
    assert sorted(ids(index, "wheet")) == wheat  # found nowhere: fuzzy
    assert "<b>" not in index.search(parse("wheet")).hits[0].snippet  # Tantivy highlights no fuzzy match
    assert ids(index, "harvest -wheet") == ids(index, "harvest")  # never fuzzy after NOT
    store.close()


def test_snippets_in_long_texts_come_from_the_stored_start(tmp_path: Path) -> None:
    filler = "Routine matters of the embassy were discussed at length. " * 600  # about 34,000 characters
    near = SNIPPET_CHARS - 2_000
    texts = {
        990003: filler[:near] + " The zeppelin appeared over the harbour. " + filler[near:],  # deep, within the bound
        990004: filler + " The zeppelin appeared over the harbour. ",  # beyond it
    }
    store = SQLiteStore(tmp_path / "fonds.db")
    assert ingest(store, [_text_record(tmp_path, number, "Report", body) for number, body in texts.items()]).ok
    index = Index(tmp_path / "index")
    index.update(store)
    hits = {hit.id: hit for hit in index.search(parse("zeppelin")).hits}
    assert set(hits) == {"wcda-990003", "wcda-990004"}  # the whole text is indexed
    assert "<b>zeppelin</b> appeared over the harbour" in hits["wcda-990003"].snippet  # within SNIPPET_CHARS
    assert "<b>" not in hits["wcda-990004"].snippet  # beyond it: found, but shown by its start, unhighlighted
    assert hits["wcda-990004"].snippet.startswith("Routine matters")
    store.close()


def test_the_stored_text_reads_back_as_text_and_gives_no_term(tmp_path: Path) -> None:
    """`snippet_text` is a stored text field whose analyzer drops every token: its text (Cyrillic, CJK,
    markup) comes back whole for snippets, and no search term is made from it."""
    import tantivy

    from fonds.index import _stored_text

    body = "Переговоры о Корее. 朝鲜代表团到达。 <script>alert(1)</script> The zeppelin landed."
    store = SQLiteStore(tmp_path / "fonds.db")
    assert ingest(store, [_text_record(tmp_path, 990005, "Report", body)]).ok
    index = Index(tmp_path / "index")
    index.update(store)
    searcher = index.index.searcher()
    address = searcher.search(tantivy.Query.all_query(), limit=1).hits[0][1]
    assert body in _stored_text(searcher.doc(address))
    for term in ("zeppelin", "the", body.lower(), body):
        assert searcher.search(tantivy.Query.term_query(index.schema, "snippet_text", term), limit=1).count == 0
    hit = index.search(parse("zeppelin")).hits[0]
    assert "<b>zeppelin</b>" in hit.snippet and "&lt;script&gt;" in hit.snippet and "<script>" not in hit.snippet
    store.close()


def test_a_new_index_version_rebuilds_from_the_change_log(archive: tuple[SQLiteStore, Index]) -> None:
    store, index = archive
    meta = index.path / "fonds-index.json"
    meta.write_text(meta.read_text().replace(f'"version": {INDEX_VERSION}', '"version": 1'))
    reopened = Index(index.path)
    assert reopened.checkpoint == 0
    assert reopened.update(store) == store.last_seq()
    assert ids(reopened, "Moskovsky") == ["wcda-110485"]
    assert reopened.search(None).total == store.stats().records == 8


def _text_record(folder: Path, number: int, title: str, body: str) -> Path:
    """A record in the text format, whose id is wcda-NUMBER."""
    path = folder / f"{number}.txt"
    path.write_text(
        f"1962\n\n{title}\n\nCitation:\n\n\"{title}\", 1962, Wilson Center Digital Archive, AVPRF, fond 1, opis 2. "
        f"https://digitalarchive.wilsoncenter.org/document/{number}\n\nOriginal Language:\n\nRussian\n\n"
        f"Contents:\n\nTranslation - English\n\n{body}\n",
        encoding="utf-8",
    )
    return path
