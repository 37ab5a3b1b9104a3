"""Per-language analysis: which fields a text feeds, and the terms a search word gives in each."""

from __future__ import annotations

from fonds.analysis import Analysis, bigrams, cjk_field_text, fold_han, language_fields


def test_cjk_runs_become_overlapping_bigrams_folded_to_simplified() -> None:
    assert bigrams("苏联大使馆") == ["苏联", "联大", "大使", "使馆"]
    assert bigrams("中") == ["中"]
    assert cjk_field_text("蘇聯大使, Kim 김일성 수상") == "苏联 联大 大使 김일 일성 수상"
    assert fold_han("毛沢東") == fold_han("毛澤東") == "毛泽东"  # Japanese, traditional, simplified
    assert cjk_field_text("An English text only.") == ""


def test_each_rendition_feeds_the_field_of_its_language() -> None:
    assert set(language_fields("Переговоры прошли в Москве.", "ru")) == {"text_ru"}
    assert language_fields("Ещё раз", "ru")["text_ru"] == "Еще раз"  # ё as е
    assert set(language_fields("Die Verhandlungen in Berlin", "de")) == {"text_de"}
    assert set(language_fields("Les négociations à Paris", "fr")) == {"text_fr"}
    assert set(language_fields("苏联大使馆", "zh")) == {"text_cjk"}
    assert language_fields("Talks in Berlin", "en") == {}  # English stays in the English fields only
    quoted = language_fields("The letter was signed Хрущёв and 金日成.", "en")
    assert quoted == {"text_cjk": "金日 日成", "text_ru": "Хрущев"}  # other scripts quoted in English
    assert set(language_fields("Переговоры прошли в Москве.", None)) == {"text_ru"}  # no language: by script


def test_search_words_analysed_for_each_field() -> None:
    analysis = Analysis()
    assert analysis.tokens("переговоры", "text_ru") == analysis.tokens("переговорах", "text_ru")
    assert analysis.tokens("Хрущёв", "text_ru") == analysis.tokens("Хрущев", "text_ru")
    assert analysis.tokens("Verhandlungen", "text_de") == analysis.tokens("Verhandlung", "text_de")
    assert analysis.tokens("négociations", "text_fr") == analysis.tokens("negociation", "text_fr")
    assert analysis.tokens("蘇聯大使", "text_cjk") == ["苏联", "联大", "大使"]
    assert analysis.tokens("conversations") == ["convers"]  # English as before
    assert set(analysis.tokens("Хрущёву", "text_ru")) <= set(analysis.name_terms("Хрущёв"))  # a name in any case
    assert analysis.query_fields("苏联") == ["text_cjk"]
    assert analysis.query_fields("Громыко") == ["text_ru"]


# -- the byte looks of has_cjk and has_cyrillic answer as the regular expressions do -----------------

import re  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from fonds.analysis import CJK_RUN, has_cjk, has_cyrillic  # noqa: E402

_PIECES = st.sampled_from([
    "Khrushchev said “no” — twice. ", "Хрущёв ", "毛泽东 ", "김일성", "ｶﾀｶﾅ", "\ufeff", "\u2e80", "Ӿ", "ԁ",
    "\u03ff", "\u0500", "é", "\ud800", "ᄀ", "a" * 70, "\u4dc0",
])
_TEXTS = st.lists(_PIECES, max_size=12).map("".join) | st.text(max_size=200)


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS)
def test_has_cjk_and_has_cyrillic_are_the_plain_searches(text: str) -> None:
    assert has_cjk(text) == (CJK_RUN.search(text) is not None)
    assert has_cyrillic(text) == (re.search(r"[\u0400-\u04ff]", text) is not None)


def test_a_long_english_text_with_one_cyrillic_or_han_word() -> None:
    english = "The Ambassador said “we shall see” — and left. " * 20
    assert not has_cjk(english) and not has_cyrillic(english)
    assert has_cyrillic(english + "Хрущёв") and not has_cjk(english + "Хрущёв")
    assert has_cjk(english + "毛泽东") and not has_cyrillic(english + "毛泽东")
    assert not has_cjk(english + "\ufeff")  # starts with EF, yet no CJK character
