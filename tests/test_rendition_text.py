"""Words restricted to renditions (rendition_text.py): `rendition:K WORD` and `rendition:K lang:L WORD`
match only inside that rendition's text, in its own language analysis; the hit says which rendition."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fonds.errors import QueryError
from fonds.index import Index
from fonds.query import parse
from fonds.record import Record, Rendition
from fonds.store.sqlite import SQLiteStore

RECORDS = [
    Record(id="both-ru-en", title="Agreement", renditions=(
        Rendition("transcript", "ru", "Союз Советских Социалистических Республик прекращает свое существование."),
        Rendition("translation", "en", "The Union of Soviet Socialist Republics ceases to exist."),
    )),
    Record(id="only-en", title="Minutes", renditions=(Rendition("translation", "en", "The union of workers met in Moscow."),)),
    Record(id="only-ru", title="Протокол", renditions=(Rendition("transcript", "ru", "Профсоюзы и союзы рабочих собрались."),)),
    Record(id="both-zh-en", title="Embassy note", renditions=(
        Rendition("transcript", "zh", "苏联大使馆的照会"),
        Rendition("translation", "en", "A note from the Soviet embassy."),
    )),
    Record(id="en-quotes-ru", title="Cable", renditions=(
        Rendition("translation", "en", "He said the word союз twice."),
        Rendition("transcript", "en", "Original English cable text about the treaty."),
    )),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    folder = tmp_path_factory.mktemp("rendition-text")
    store = SQLiteStore(folder / "fonds.db")
    store.add(RECORDS)
    made = Index(folder / "index")
    made.update(store)
    yield made
    store.close()


def ids(index: Index, query: str) -> list[str]:
    return sorted(h.id for h in index.search(parse(query)).hits)


def test_a_word_restricted_to_a_rendition_matches_only_its_text(index: Index) -> None:
    assert ids(index, "union") == ["both-ru-en", "only-en"]
    assert ids(index, "rendition:translation union") == ["both-ru-en", "only-en"]
    assert ids(index, "rendition:transcript union") == []  # the English word is only in translations
    assert ids(index, "союз") == ["both-ru-en", "en-quotes-ru", "only-ru"]
    assert ids(index, "rendition:transcript союз") == ["both-ru-en", "only-ru"]  # not the English text quoting it
    assert ids(index, "rendition:translation союз") == ["en-quotes-ru"]


def test_each_rendition_keeps_its_language_analysis(index: Index) -> None:
    # Russian stemming inside the Russian transcript: союза finds союз and союзы
    assert ids(index, "rendition:transcript союза") == ["both-ru-en", "only-ru"]
    assert ids(index, "rendition:transcript lang:ru существования") == ["both-ru-en"]
    assert ids(index, "rendition:translation lang:en существования") == []
    # lang: alone is the Language facet's filter (records in that language), not a restriction
    assert ids(index, "lang:en существования") == ["both-ru-en"]
    # CJK bigrams inside the Chinese transcript
    assert ids(index, "rendition:transcript 大使") == ["both-zh-en"]
    assert ids(index, "rendition:translation 大使") == []
    assert ids(index, "rendition:transcript lang:zh 苏联大使馆") == ["both-zh-en"]
    assert ids(index, "rendition:transcript lang:en treaty") == ["en-quotes-ru"]
    assert ids(index, "rendition:transcript lang:ru treaty") == []


def test_phrases_and_negation_are_restricted_too(index: Index) -> None:
    assert ids(index, 'rendition:translation "Soviet Socialist"') == ["both-ru-en"]
    assert ids(index, 'rendition:transcript "Soviet Socialist"') == []
    assert ids(index, "rendition:translation NOT union") == ["both-zh-en", "en-quotes-ru"]


def test_the_hit_says_which_rendition_and_language_matched(index: Index) -> None:
    hit = next(h for h in index.search(parse("rendition:transcript союз")).hits if h.id == "both-ru-en")
    assert "in the transcript (ru)" in hit.matched and not any("translation" in m for m in hit.matched)
    assert "<b>Союз</b>" in hit.snippet  # the snippet comes from the transcript
    solo = next(h for h in index.search(parse("rendition:translation union")).hits if h.id == "only-en")
    assert solo.matched == ("in the translation (en)",)


def test_odd_languages_and_renditions(index: Index) -> None:
    assert ids(index, "rendition:translation lang:ko union") == []
    assert ids(index, "rendition:scan union") == []  # a scan has no text of its own
    with pytest.raises(QueryError, match="unknown language"):
        parse("lang:klingon union")
    with pytest.raises(QueryError, match="unknown rendition"):
        parse("rendition:poster union")
    # two renditions or two languages only filter: no restriction to guess
    assert ids(index, "rendition:transcript rendition:translation union") == ["both-ru-en"]


def test_the_index_version_changed(tmp_path: Path) -> None:
    from fonds import index as module

    assert module.INDEX_VERSION >= 6
