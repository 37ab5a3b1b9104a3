from __future__ import annotations

import pytest

from fonds.errors import QueryError
from fonds.query import And, DateRange, Filter, Not, Or, Person, Phrase, Word, names_in, parse


def test_words_are_anded() -> None:
    assert parse("air defense") == And((Word("air"), Word("defense")))


def test_phrases_fields_and_operators() -> None:
    node = parse('"air defense" OR title:Kim -Moscow NOT lang:ru')
    assert node == Or(
        (
            Phrase("air defense"),
            And((Word("Kim", "title"), Not(Word("Moscow")), Not(Filter("lang", "ru")))),
        )
    )


def test_grouping_and_prefix() -> None:
    assert parse("(Kim OR Pak) Khrush*") == And((Or((Word("Kim"), Word("Pak"))), Word("Khrush", prefix=True)))


def test_fields() -> None:
    assert parse('person:"Kim Il Sung"') == Person("Kim Il Sung")
    assert parse("lang:Russian") == Filter("lang", "ru")
    assert parse('repository:"Kennedy Library"') == Filter("repository", "Kennedy Library")
    assert parse("type:Telegram") == Filter("type", "Telegram")
    assert parse("collection:NKIDP") == Filter("collection", "NKIDP")


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("date:1962", "1962-01-01", "1962-12-31"),
        ("date:1962-08", "1962-08-01", "1962-08-31"),
        ("date:1962-08..1962-12", "1962-08-01", "1962-12-31"),
        ("date:..1961", None, "1961-12-31"),
        ("date:1963..", "1963-01-01", None),
    ],
)
def test_dates(text: str, earliest: str | None, latest: str | None) -> None:
    assert parse(text) == DateRange(earliest, latest, text[5:])


def test_empty_search_means_everything() -> None:
    assert parse("   ") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title:"kim', "unclosed quote at position 7: title:▸\"kim; add the closing \" or remove the opening one"),
        ("(Kim OR Pak", "unclosed parenthesis at position 1: ▸(Kim OR Pak; add a ')'"),
        ("Kim)", "unexpected ')' at position 4: Kim▸)"),
        ("Kim OR", "OR at position 5 has nothing after it: Kim ▸OR"),
        ("AND Kim", "AND at position 1 has nothing before it: ▸AND Kim"),
        ("date:1962-13", "date '1962-13' at position 6 is not one we understand; use date:1962, date:1962-08, date:1962-08-14 or a range date:1962-08..1962-12"),
        ("date:1963..1962", "date range '1963..1962' at position 6 ends before it begins"),
        ("lang:klingon", "unknown language 'klingon' at position 6; use an ISO 639-1 code (ru), a name (Russian) "
                         "or a BCP 47 tag with script or region (zh-Hant, sr-Latn, pt-BR)"),
        ('""', "empty quotes at position 1: ▸\"\""),
        ("a*", "'a*': a prefix search needs at least two letters before the *"),
    ],
)
def test_mistakes_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(QueryError) as error:
        parse(text)
    assert str(error.value) == message


def test_unknown_field_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match=r"^unknown field 'foo:' at position 1; use one of title:, person:, date:"):
        parse("foo:bar")


def test_huge_query_is_refused() -> None:
    with pytest.raises(QueryError, match="keep it under 1000"):
        parse("word " * 300)


def test_names_in() -> None:
    assert names_in(parse('person:"Kim Il Sung" "Mao Zedong" air')) == ["Kim Il Sung"]  # a quoted phrase is not a name


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(QueryError, match="^parentheses nest deeper than 32 levels at position 33; simplify the search$"):
        parse("(" * 40 + "Kim" + ")" * 40)


@pytest.mark.parametrize("text", ["?!", "-", "  &  ", "—"])
def test_punctuation_alone_says_there_is_no_word(text: str) -> None:
    with pytest.raises(QueryError, match="has no letters or digits, and punctuation alone is not searched"):
        parse(text)


def test_punctuation_beside_words_is_left_out() -> None:
    assert parse("Kim ?!") == Word("Kim")
    assert parse("Kim - Pak") == And((Word("Kim"), Word("Pak")))
    assert parse("-Berlin") == Not(Word("Berlin"))


@pytest.mark.parametrize(
    ("text", "tag"),
    [("lang:zh-Hant", "zh-Hant"), ("lang:zh-hans", "zh-Hans"), ("lang:SR-latn", "sr-Latn"), ("lang:pt-br", "pt-BR"),
     ("lang:zh-Hant-TW", "zh-Hant-TW"), ("lang:de-Latf", "de-Latf"), ("language:ru", "ru")],
)
def test_a_bcp47_tag_with_script_or_region_is_a_language_filter_in_canonical_case(text: str, tag: str) -> None:
    assert parse(text) == Filter("lang", tag)


@pytest.mark.parametrize("tag", ["zh-", "zh--Hant", "zh-Hantabcde", "xx-Latn", "klingon-Latn", "zh-Ha_nt"])
def test_a_malformed_or_unknown_language_tag_is_refused_with_the_tag_and_its_place(tag: str) -> None:
    with pytest.raises(QueryError) as error:
        parse(f"wheat lang:{tag}")
    assert str(error.value).startswith(f"unknown language {tag!r} at position 12; ")
    assert "BCP 47 tag" in str(error.value)
