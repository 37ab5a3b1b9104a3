"""Searching every language the archive holds: CJK inside longer runs, Russian cases, names in any script."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fonds.index import Index
from fonds.ingest import ingest
from fonds.naming import Names
from fonds.query import parse
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
CHINESE, KOREAN, RUSSIAN, JAPANESE = "wcda-900004", "wcda-900005", "wcda-900006", "wcda-900007"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[tuple[Index, Names]]:
    folder = tmp_path_factory.mktemp("languages")
    store = SQLiteStore(folder / "fonds.db")
    german = folder / "german.txt"
    german.write_text(
        "1961\n\nProtokoll einer Besprechung, sample\n\nCitation:\n\n\"Protokoll einer Besprechung, sample\", 1961, "
        "Wilson Center Digital Archive, SAPMO-BArch, DY 30. https://digitalarchive.wilsoncenter.org/document/990101"
        "\n\nOriginal Language:\n\nGerman\n\nContents:\n\nTranscript - German\n\n"
        "Die Verhandlungen über den Handelsvertrag wurden fortgesetzt.\n",
        encoding="utf-8",
    )
    assert ingest(store, [corpus / "wilson-center", ROOT / "examples", german]).ok
    index = Index(folder / "index")
    index.update(store)
    yield index, Names.of(store)
    store.close()


def ids(archive: tuple[Index, Names], text: str) -> list[str]:
    index, names = archive
    return [hit.id for hit in index.search(parse(text), limit=50, resolve_names=names.resolve).hits]


@pytest.mark.parametrize(
    ("query", "record"),
    [
        ("毛泽东", CHINESE),  # a word inside a longer run (毛泽东主席的问候)
        ("苏联大使", CHINESE),  # 苏联大使馆 and 苏联大使下周
        ("蘇聯", CHINESE),  # traditional finds simplified
        ("毛沢東", CHINESE),  # Japanese shinjitai finds Chinese
        ("毛泽东", JAPANESE),  # and the other way round
        ("ソ連大使", JAPANESE),  # kana and kanji inside a run
        ("외무상", KOREAN),  # Hangul inside 외무상은
        ("어업협정", KOREAN),
        ('"苏联 大使"', CHINESE),  # a phrase of CJK words
        ("переговоры", RUSSIAN),  # Russian stemmed: переговорах
        ("Хрущёв", RUSSIAN),  # a name in the dative (Хрущёву)
        ("Хрущев", RUSSIAN),  # ё and е
        ("Громыко", RUSSIAN),
        ("Chruschtschow", RUSSIAN),  # a German spelling expands through every variant
        ("Khrouchtchev", RUSSIAN),  # a French one
        ("Verhandlung", "wcda-990101"),  # German stemmed
    ],
)
def test_each_language_finds_its_record(archive: tuple[Index, Names], query: str, record: str) -> None:
    assert record in ids(archive, query), query


def test_a_cjk_word_is_not_found_where_its_characters_are_apart(archive: tuple[Index, Names]) -> None:
    assert CHINESE not in ids(archive, "大联")  # bigrams, in order: not a bag of characters
    assert ids(archive, '"联大使馆 毛泽东"') == []  # a phrase is a phrase


def test_kim_il_sung_in_every_script_finds_the_same_records(archive: tuple[Index, Names]) -> None:
    found = {query: set(ids(archive, query)) for query in ("김일성", "金日成", "Ким Ир Сен", "Kim Il-sung", "Kim Ir Sen")}
    assert found["김일성"] >= {CHINESE, KOREAN, RUSSIAN, "wcda-900001"}
    assert all(hits == found["김일성"] for hits in found.values()), found


def test_one_word_names_say_why_and_highlight_the_variant_whole(archive: tuple[Index, Names]) -> None:
    index, names = archive
    hits = {hit.id: hit for hit in index.search(parse("金日成"), resolve_names=names.resolve).hits}
    assert "<b>Ким Ир Сен</b>" in hits[RUSSIAN].snippet
    assert "<b>김일성</b>" in hits[KOREAN].snippet
    assert "<b>Kim Il-sung</b>" in hits["wcda-900001"].snippet
    assert any(why.startswith("Ким Ир Сен: original script of Kim Il Sung") for why in hits[RUSSIAN].matched)
    russian = index.search(parse("Chruschtschow"), resolve_names=names.resolve).hits
    assert "<b>Хрущёву</b>" in next(hit for hit in russian if hit.id == RUSSIAN).snippet
    assert ids(archive, "Kim") == ids(archive, "Kim")  # a family name alone is not widened (and does not fail)


def test_a_family_name_alone_is_not_widened_to_everyone_bearing_it(archive: tuple[Index, Names]) -> None:
    index, names = archive
    assert all(not hit.matched for hit in index.search(parse("Kim"), resolve_names=names.resolve).hits)


def _record(folder: Path, number: int, body: str) -> Path:
    path = folder / f"{number}.txt"
    path.write_text(
        f"1962\n\nMemo {number}\n\nCitation:\n\n\"Memo {number}\", 1962, Wilson Center Digital Archive, AVPRF, fond 1. "
        f"https://digitalarchive.wilsoncenter.org/document/{number}\n\nOriginal Language:\n\nRussian\n\n"
        f"Contents:\n\nTranslation - English\n\n{body}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def memos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Index, Names]]:
    folder = tmp_path_factory.mktemp("memos")
    store = SQLiteStore(folder / "fonds.db")
    bodies = {
        990201: "The delegation was received by Chairman Kim in the evening.",
        990202: "Kim Il Sung received the delegation. The chairman of the committee, Kim, spoke later.",
        990203: "Premier Kim Il-sung spoke with Ambassador O'Neill about the Il-sung Bridge.",
    }
    assert ingest(store, [_record(folder, number, body) for number, body in bodies.items()]).ok
    index = Index(folder / "index")
    index.update(store)
    yield index, Names.of(store)
    store.close()


def test_a_quoted_phrase_means_that_exact_phrase(memos: tuple[Index, Names]) -> None:
    assert ids(memos, '"Chairman Kim"') == ["wcda-990201"]  # not widened to Kim Il Sung's other names
    assert set(ids(memos, "Chairman Kim")) == {"wcda-990201", "wcda-990202", "wcda-990203"}  # unquoted: the name
    assert set(ids(memos, 'person:"Chairman Kim"')) == {"wcda-990201", "wcda-990202", "wcda-990203"}


def test_prefix_search_on_words_with_apostrophes_and_hyphens(memos: tuple[Index, Names]) -> None:
    assert ids(memos, "O'Nei*") == ["wcda-990203"]
    assert ids(memos, "Il-s*") == ids(memos, "il-su*")
    assert "wcda-990203" in ids(memos, "Il-s*")
    assert ids(memos, "deleg*") != []


def test_punctuation_beside_words_is_left_out(memos: tuple[Index, Names]) -> None:
    assert ids(memos, "delegation ?") == ids(memos, "delegation")


def test_lang_filters_by_a_tag_with_script_or_region(tmp_path: Path) -> None:
    """`lang:zh-Hant` and `lang:pt-br` find the records whose renditions carry those tags (the
    Language facet links them so), and `lang:zh-Hans` does not find the Traditional one."""
    import json

    source = tmp_path / "tags.jsonl"
    source.write_text("".join(json.dumps({
        "id": record_id, "title": f"Letter {record_id}", "type": "Letter",
        "renditions": [{"kind": "translation", "language": "en", "text": "A letter about wheat."},
                       {"kind": "transcript", "language": tag, "text": text}]}) + "\n"
        for record_id, tag, text in (("tag-hant", "zh-Hant", "蘇聯大使"), ("tag-hans", "zh-Hans", "苏联大使"),
                                     ("tag-br", "pt-BR", "Uma carta sobre trigo."))), encoding="utf-8")
    with SQLiteStore(tmp_path / "fonds.db") as store:
        assert ingest(store, [source], link_names=False).ok
        index = Index(tmp_path / "index")
        index.update(store)
        found = {q: sorted(h.id for h in index.search(parse(q), limit=10).hits)
                 for q in ("lang:zh-Hant", "lang:zh-hant wheat", "lang:zh-Hans", "lang:pt-br", "rendition:transcript lang:zh-Hant")}
    assert found == {"lang:zh-Hant": ["tag-hant"], "lang:zh-hant wheat": ["tag-hant"], "lang:zh-Hans": ["tag-hans"],
                     "lang:pt-br": ["tag-br"], "rendition:transcript lang:zh-Hant": ["tag-hant"]}


def test_the_language_facet_names_a_tag_with_script_or_region_by_its_language() -> None:
    from fonds.web.pages import language_label

    assert [language_label(c) for c in ("ru", "zh-Hant", "pt-BR", "xx-Latn")] == [
        "Russian", "Chinese (zh-Hant)", "Portuguese (pt-BR)", "xx-Latn"]
