"""The name index: every spelling of one person resolves to one entry, and says why."""

from __future__ import annotations

import pytest

from fonds.authority import load_curated
from fonds.name_lookup import NameIndex, explain, expand, format_matches


@pytest.fixture(scope="module")
def curated_index() -> NameIndex:
    return NameIndex(load_curated())


@pytest.mark.parametrize(
    ("spelling", "entity_id"),
    [
        ("Kim Il Sung", "fonds:kim-il-sung"),
        ("Kim Il-sung", "fonds:kim-il-sung"),
        ("Kim Ir Sen", "fonds:kim-il-sung"),
        ("김일성", "fonds:kim-il-sung"),
        ("Kim II Sung", "fonds:kim-il-sung"),
        ("Kimilsung", "fonds:kim-il-sung"),
        ("Mao Zedong", "fonds:mao-zedong"),
        ("Mao Tse-tung", "fonds:mao-zedong"),
        ("毛泽东", "fonds:mao-zedong"),
        ("Zhou Enlai", "fonds:zhou-enlai"),
        ("Chou En-lai", "fonds:zhou-enlai"),
        ("Teng Hsiao-p'ing", "fonds:deng-xiaoping"),
        ("Liu Shao-ch'i", "fonds:liu-shaoqi"),
        ("Khrushchev", "fonds:khrushchev"),
        ("Khrushchov", "fonds:khrushchev"),
        ("Chruschtschow", "fonds:khrushchev"),
        ("Хрущёв", "fonds:khrushchev"),
        ("N.S. Khrushchev", "fonds:khrushchev"),
        ("N. S. Khrushchev", "fonds:khrushchev"),
        ("Nikita Sergeyevich", "fonds:khrushchev"),
        ("Pak Seong-cheol", "fonds:pak-seong-cheol"),
        ("Pak Song Chol", "fonds:pak-seong-cheol"),
        ("Chairman Mao", "fonds:mao-zedong"),
        ("Premier Zhou", "fonds:zhou-enlai"),
        ("Comrade Kim", "fonds:kim-il-sung"),
        ("Breschnew", "fonds:brezhnev"),
        ("Park Chung Hee", "fonds:park-chung-hee"),
        ("Pak Chŏng-hŭi", "fonds:park-chung-hee"),
        ("Syngman Rhee", "fonds:syngman-rhee"),
        ("Kishi Nobusuke", "fonds:kishi-nobusuke"),
        ("Nobusuke Kishi", "fonds:kishi-nobusuke"),
        ("Eisaku Sato", "fonds:sato-eisaku"),
    ],
)
def test_spelling_names_the_curated_person(curated_index: NameIndex, spelling: str, entity_id: str) -> None:
    assert [m.entity_id for m in explain(spelling, curated_index)] == [entity_id]


def test_explain_says_why(curated_index: NameIndex) -> None:
    (match,) = explain("Kim II Sung", curated_index)
    assert match.why == "OCR slip for Kim Il Sung"
    (match,) = explain("Mao Tse-tung", curated_index)
    assert match.kind == "Wade-Giles"
    (match,) = explain("Nikita Sergeyevich", curated_index)
    assert match.kind == "given name and patronymic"
    lines = format_matches("Kim II Sung", explain("Kim II Sung", curated_index), curated_index)
    assert lines[0] == "Kim II Sung -> Kim Il Sung (fonds:kim-il-sung): OCR slip for Kim Il Sung"
    assert format_matches("Nobody", []) == ["Nobody: no authority entry; a search falls back to fuzzy matching"]


def test_expand_gives_every_spelling(curated_index: NameIndex) -> None:
    spellings = dict(expand("Kim II Sung", curated_index))
    assert spellings["Kim II Sung"] == "Kim II Sung: OCR slip for Kim Il Sung"
    assert {"Kim Il Sung", "Kim Il-sung", "김일성", "Kim Ir Sen"} <= set(spellings)
    assert expand("Nobody Atall", curated_index) == []
