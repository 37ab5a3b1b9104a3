"""Romanization tables: Korean, Chinese, Russian, OCR confusions and the comparison key."""

from __future__ import annotations

import pytest

from fonds.romanize import (
    fold,
    korean_readings,
    korean_surname,
    ocr_fold,
    ocr_slips,
    pinyin_name,
    romanize_korean,
    split_pinyin,
    transliterate_russian,
    wade_giles_name,
    wade_giles_to_pinyin,
)


@pytest.mark.parametrize(
    ("hangul", "system", "expected"),
    [
        ("일성", "rr", "Il-seong"),
        ("일성", "mr", "Il-sŏng"),
        ("일성", "mr-u", "Il-sung"),
        ("성철", "rr", "Seong-cheol"),
        ("성철", "mr-plain", "Song-chol"),
        ("용건", "mr", "Yong-gŏn"),
        ("정희", "mr", "Chŏng-hŭi"),
        ("정희", "rr", "Jeong-hui"),
    ],
)
def test_korean_given_names(hangul: str, system: str, expected: str) -> None:
    assert romanize_korean(hangul, system) == expected


def test_korean_family_names_keep_customary_spellings() -> None:
    assert korean_surname("박") == ("Bak", "Pak", ("Park", "Pak", "Bak"))
    assert "Rhee" in korean_surname("이")[2]


def test_korean_syllables_read_back() -> None:
    assert {"성", "송"} <= korean_readings("song")
    assert "철" in korean_readings("chol")


@pytest.mark.parametrize(
    ("pinyin", "wade_giles"),
    [
        ("Mao Zedong", "Mao Tse-tung"),
        ("Zhou Enlai", "Chou En-lai"),
        ("Deng Xiaoping", "Teng Hsiao-p'ing"),
        ("Liu Shaoqi", "Liu Shao-ch'i"),
        ("Zhu De", "Chu Te"),
        ("Lin Biao", "Lin Piao"),
        ("Jiang Jieshi", "Chiang Chieh-shih"),
    ],
)
def test_pinyin_to_wade_giles(pinyin: str, wade_giles: str) -> None:
    assert wade_giles_name(pinyin) == wade_giles


def test_wade_giles_back_to_pinyin() -> None:
    assert wade_giles_to_pinyin("tse") == ("ze", "ce")  # without the apostrophe, tse and ts'e meet
    assert "zhou" in wade_giles_to_pinyin("chou")
    assert split_pinyin("Xiaoping") == ["xiao", "ping"]
    assert pinyin_name("Mao Ze-dong") == "Mao Zedong"


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("bgn", "Nikita Sergeyevich Khrushchëv"),
        ("loc", "Nikita Sergeevich Khrushchëv"),
        ("duden", "Nikita Sergejewitsch Chruschtschow"),
        ("french", "Nikita Sergeievitch Khrouchtchov"),
        ("phonetic", "Nikita Sergeyevich Khrushchov"),
    ],
)
def test_russian_schemes(scheme: str, expected: str) -> None:
    assert transliterate_russian("Никита Сергеевич Хрущёв", scheme) == expected


def test_russian_endings() -> None:
    assert transliterate_russian("Анатолий", "phonetic") == "Anatoly"
    assert transliterate_russian("Анатолий", "bgn") == "Anatoliy"
    assert transliterate_russian("Ким Ир Сен", "bgn") == "Kim Ir Sen"


def test_ocr_slips_and_key() -> None:
    assert ("Kim II Sung", "lower-case L for capital i") in ocr_slips("Kim Il Sung")
    assert ocr_fold(fold("Kim II Sung")) == ocr_fold(fold("Kim Il Sung"))
    assert ocr_fold(fold("Kirn")) == ocr_fold(fold("Kim"))


def test_fold_merges_case_hyphens_spaces_and_scripts() -> None:
    assert fold("Kim Il-sung") == fold("KIM IL SUNG") == fold("Kimilsung") == "kimilsung"
    assert fold("김일성") == "gimilseong"  # through our Revised Romanization table
    assert fold("Satō") == fold("Sato")
    assert fold("Kim Chong-p'il") == fold("Kim Chong Pil")


def test_korean_in_cyrillic_by_kontsevich() -> None:
    from fonds.romanize import cyrillize_korean

    assert cyrillize_korean("박성철") == ["Пак", "Сон", "Чхоль"]
    assert cyrillize_korean("김일성") == ["Ким", "Иль", "Сон"]
    assert cyrillize_korean("최용건") == ["Чхве", "Ён", "Кон"]  # syllables apart: no voicing
