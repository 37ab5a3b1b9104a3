from __future__ import annotations

import pytest

from fonds.dates import HistoricalDate, parse_bound, parse_date
from fonds.errors import RecordError


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "edtf"),
    [
        ("August 14, 1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("14 August 1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("Aug. 14, 1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("August 1962", "1962-08-01", "1962-08-31", "1962-08"),
        ("1962", "1962-01-01", "1962-12-31", "1962"),
        ("c. 1962", "1961-01-01", "1963-12-31", "1962~"),
        ("circa 1962", "1961-01-01", "1963-12-31", "1962~"),
        ("ca. March 1945", "1945-02-01", "1945-04-30", "1945-03~"),
        ("1962-08-14", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("1962-08?", "1962-08-01", "1962-08-31", "1962-08?"),
        ("August 14-16, 1962", "1962-08-14", "1962-08-16", "1962-08-14/1962-08-16"),
        ("1960s", "1960-01-01", "1969-12-31", "1960/1969"),
        ("14 августа 1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("February 1960", "1960-02-01", "1960-02-29", "1960-02"),
    ],
)
def test_dates_have_bounds_and_keep_their_text(text: str, earliest: str, latest: str, edtf: str) -> None:
    date = parse_date(text)
    assert (date.text, date.earliest, date.latest, date.edtf) == (text, earliest, latest, edtf)


@pytest.mark.parametrize("text", ["n.d.", "N.D.", "undated", "no date"])
def test_undated_has_no_bounds(text: str) -> None:
    date = parse_date(text)
    assert date == HistoricalDate.undated(text)
    assert not date.is_dated and list(date.years) == []


@pytest.mark.parametrize("text", ["blah 1962", "sometime", "44 BC"])
def test_nonsense_is_refused_with_advice(text: str) -> None:
    with pytest.raises(RecordError, match="is not one we understand; use YYYY"):
        parse_date(text)


def test_years_span_the_bounds() -> None:
    assert list(parse_date("c. 1962").years) == [1961, 1962, 1963]


# The forms of issue 11's table, each with its EDTF and bounds.
@pytest.mark.parametrize(
    ("text", "edtf", "earliest", "latest"),
    [
        ("1962-1963", "1962/1963", "1962-01-01", "1963-12-31"),
        ("1962–63", "1962/1963", "1962-01-01", "1963-12-31"),
        ("1962/63", "1962/1963", "1962-01-01", "1963-12-31"),
        ("1969–1971", "1969/1971", "1969-01-01", "1971-12-31"),
        ("1962-12", "1962-12", "1962-12-01", "1962-12-31"),  # a month, not 1962 to 1912
        ("August 14-16, 1962", "1962-08-14/1962-08-16", "1962-08-14", "1962-08-16"),
        ("14–16 August 1962", "1962-08-14/1962-08-16", "1962-08-14", "1962-08-16"),
        ("1962-08-14/15", "1962-08-14/1962-08-15", "1962-08-14", "1962-08-15"),
        ("3-5 March 1953", "1953-03-03/1953-03-05", "1953-03-03", "1953-03-05"),
        ("August 31 - September 2, 1962", "1962-08-31/1962-09-02", "1962-08-31", "1962-09-02"),
        ("August 31–September 2, 1962", "1962-08-31/1962-09-02", "1962-08-31", "1962-09-02"),
        ("December 30, 1962 - January 2, 1963", "1962-12-30/1963-01-02", "1962-12-30", "1963-01-02"),
        ("Spring 1962", "1962-21", "1962-03-01", "1962-05-31"),
        ("Summer 1962", "1962-22", "1962-06-01", "1962-08-31"),
        ("Autumn 1962", "1962-23", "1962-09-01", "1962-11-30"),
        ("Fall 1962", "1962-23", "1962-09-01", "1962-11-30"),
        ("Winter 1962", "1962-24", "1962-12-01", "1963-02-28"),
        ("winter 1963", "1963-24", "1963-12-01", "1964-02-29"),
        ("after 1962", "1962/..", "1962-01-01", None),
        ("before 1962", "../1962", None, "1962-12-31"),
        ("not before 14 August 1962", "1962-08-14/..", "1962-08-14", None),
        ("not after March 1945", "../1945-03", None, "1945-03-31"),
        ("early 1960s", "1960~/1963~", "1960-01-01", "1963-12-31"),
        ("mid-1960s", "1963~/1966~", "1963-01-01", "1966-12-31"),
        ("late 1960s", "1967~/1969~", "1967-01-01", "1969-12-31"),
        ("early 1962", "1962-01~/1962-04~", "1962-01-01", "1962-04-30"),
        ("mid-1962", "1962-05~/1962-08~", "1962-05-01", "1962-08-31"),
        ("late 1962", "1962-09~/1962-12~", "1962-09-01", "1962-12-31"),
        ("early August 1962", "1962-08-01~/1962-08-10~", "1962-08-01", "1962-08-10"),
        ("late August 1962", "1962-08-21~/1962-08-31~", "1962-08-21", "1962-08-31"),
        ("late February 1962", "1962-02-21~/1962-02-28~", "1962-02-21", "1962-02-28"),
        ("14 августа 1962 г.", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("14. August 1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("14. März 1962", "1962-03-14", "1962-03-14", "1962-03-14"),
        ("14 août 1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("1er août 1962", "1962-08-01", "1962-08-01", "1962-08-01"),
        ("март 1953 г.", "1953-03", "1953-03-01", "1953-03-31"),
        ("14–16 августа 1962 г.", "1962-08-14/1962-08-16", "1962-08-14", "1962-08-16"),
        ("14.08.1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("05.04.1962", "1962-04-05", "1962-04-05", "1962-04-05"),  # dotted: always day first
        ("14/08/1962", "1962-08-14", "1962-08-14", "1962-08-14"),  # day first: 14 is no month
        ("08/14/1962", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("probably 1962", "1962?", "1962-01-01", "1962-12-31"),
        ("1962?", "1962?", "1962-01-01", "1962-12-31"),
        ("1962~", "1962~", "1961-01-01", "1963-12-31"),
        ("ca. 1962?", "1962%", "1961-01-01", "1963-12-31"),
        ("after ca. 1962", "1962~/..", "1961-01-01", None),
    ],
)
def test_every_printed_form_has_its_edtf_and_bounds(text: str, edtf: str, earliest: str | None, latest: str | None) -> None:
    date = parse_date(text)
    assert (date.text, date.edtf, date.earliest, date.latest) == (text, edtf, earliest, latest)
    assert date.warning is None


@pytest.mark.parametrize(
    ("text", "plain"),
    [("[1962]", "1962"), ("[ca. 1962]", "ca. 1962"), ("[August 1962]", "August 1962"), ("[14 August 1962]", "14 August 1962")],
)
def test_a_date_in_brackets_is_supplied_with_the_bounds_of_the_plain_one(text: str, plain: str) -> None:
    supplied, printed = parse_date(text), parse_date(plain)
    assert supplied.supplied and not printed.supplied
    assert (supplied.text, supplied.edtf, supplied.earliest, supplied.latest) == (text, printed.edtf, printed.earliest, printed.latest)
    assert supplied.to_dict()["supplied"] is True and "supplied" not in printed.to_dict()


def test_undated_in_brackets_is_supplied_and_undated() -> None:
    date = parse_date("[n.d.]")
    assert date.supplied and not date.is_dated and date.text == "[n.d.]"


def test_open_dates_keep_their_open_side_open() -> None:
    after, before = parse_date("after 1962"), parse_date("before 1962")
    assert after.is_dated and after.is_open and before.is_open
    assert list(after.years) == [1962] and list(before.years) == [1962]
    assert after.sort_key == 196201010000 and before.sort_key == 196212310000
    assert HistoricalDate.from_dict(after.to_dict()) == after


@pytest.mark.parametrize(
    ("text", "day", "time"),
    [
        ("January 23, 1968, 2121Z", "1968-01-23", "1968-01-23T21:21Z"),
        ("January 23, 1968, 21:21", "1968-01-23", "1968-01-23T21:21"),
        ("October 3, 1962, 2121 hours", "1962-10-03", "1962-10-03T21:21"),
        ("October 22, 1962, 7 p.m.", "1962-10-22", "1962-10-22T19:00"),
        ("October 22, 1962, 11:45 a.m.", "1962-10-22", "1962-10-22T11:45"),
        # a zone: stored in UTC, and the printed day is kept even where UTC is the next day
        ("October 22, 1962, 10 p.m. EDT", "1962-10-22", "1962-10-23T02:00Z"),
        ("1962-08-14T10:00-04:00", "1962-08-14", "1962-08-14T14:00Z"),
    ],
)
def test_time_of_day_is_kept_beside_the_day(text: str, day: str, time: str) -> None:
    date = parse_date(text)
    assert (date.earliest, date.latest, date.edtf, date.time) == (day, day, day, time)
    assert HistoricalDate.from_dict(date.to_dict()) == date


def test_sorting_by_date_uses_the_time_of_day() -> None:
    texts = ["January 23, 1968, 2121Z", "January 23, 1968", "January 23, 1968, 0915Z", "January 22, 1968, 2359Z"]
    ordered = sorted(texts, key=lambda t: parse_date(t).sort_key or 0)
    assert ordered == ["January 22, 1968, 2359Z", "January 23, 1968", "January 23, 1968, 0915Z", "January 23, 1968, 2121Z"]


def test_frus_when_with_a_time_keeps_it() -> None:
    date = HistoricalDate.at("January 21, 1961, 6:34 p.m.", "1961-01-21T18:34:00")
    assert (date.earliest, date.time) == ("1961-01-21", "1961-01-21T18:34")


def test_an_ambiguous_numeric_date_warns_naming_both_readings() -> None:
    date = parse_date("05/04/1962")
    assert (date.earliest, date.latest) == ("1962-05-04", "1962-05-04")
    assert date.warning == (
        "date '05/04/1962' is ambiguous: read month first as May 4, 1962; day first it would be "
        "April 5, 1962; write the month as a word (or give the record's language) if that is wrong"
    )
    assert "warning" not in date.to_dict()


def test_a_european_record_reads_slashed_dates_day_first() -> None:
    date = parse_date("05/04/1962", day_first=True)
    assert (date.earliest, date.warning) == ("1962-04-05", None)
    assert parse_date("05/04/1962", day_first=False).warning is None


@pytest.mark.parametrize("text", ["1963-1962", "13/13/1962", "2121 hours", "late 1962-1963", "after 1962-1963"])
def test_impossible_forms_are_refused(text: str) -> None:
    with pytest.raises(RecordError):
        parse_date(text)


def test_search_bounds() -> None:
    assert parse_bound("1962-08") == ("1962-08-01", "1962-08-31")
    with pytest.raises(ValueError):
        parse_bound("1962-13")


@pytest.mark.parametrize(
    "text",
    [
        "August 14, 1962", "August 1962", "1962", "c. 1962", "1962-08?", "August 14-16, 1962", "1960s",
        "ca. March 1945", "February 1960", "1962–63", "Spring 1962", "Autumn 1962", "early 1962",
        "late August 1962", "August 31 - September 2, 1962",
    ],
)
def test_forms_are_valid_edtf_with_the_same_strict_bounds(text: str) -> None:
    from edtf import parse_edtf, struct_time_to_date

    date = parse_date(text)
    assert date.edtf is not None
    parsed = parse_edtf(date.edtf)
    if not date.is_approximate:
        assert struct_time_to_date(parsed.lower_strict()).isoformat() == date.earliest
        assert struct_time_to_date(parsed.upper_strict()).isoformat() == date.latest


# Breaks found by trying what archivists print (break-dates): each kind with its right value.
@pytest.mark.parametrize(
    ("text", "edtf", "earliest", "latest"),
    [
        ("circa 1940s-1950s", "1940~/1959~", "1939-01-01", "1960-12-31"),
        ("1970s to 1980s", "1970/1989", "1970-01-01", "1989-12-31"),
        ("20th century", "1900/1999", "1900-01-01", "1999-12-31"),
        ("the 17th century", "1600/1699", "1600-01-01", "1699-12-31"),
        ("~1962", "1962~", "1961-01-01", "1963-12-31"),
        ("~March 1945", "1945-03~", "1945-02-01", "1945-04-30"),
        ("Mitte August 1962", "1962-08-11~/1962-08-20~", "1962-08-11", "1962-08-20"),
        ("Ende 1962", "1962-09~/1962-12~", "1962-09-01", "1962-12-31"),
        ("1962-08-14 0900 EST", "1962-08-14", "1962-08-14", "1962-08-14"),
        ("1648", "1648", "1648-01-01", "1648-12-31"),
        ("Wednesday, February 29, 1956", "1956-02-29", "1956-02-29", "1956-02-29"),
    ],
)
def test_decades_centuries_tildes_and_german_parts_are_read(text: str, edtf: str, earliest: str, latest: str) -> None:
    date = parse_date(text)
    assert (date.edtf, date.earliest, date.latest, date.text, date.warning) == (edtf, earliest, latest, text, None)


def test_an_iso_day_with_a_time_and_a_us_zone_keeps_the_time_in_utc() -> None:
    assert parse_date("1962-08-14 0900 EST").time == "1962-08-14T14:00Z"


@pytest.mark.parametrize("text", ["б.д.", "б/д", "без даты", "s.a.", "o.J.", "s.f.", "sin fecha", "sans date", "[б.д.]"])
def test_undated_in_other_languages_is_undated(text: str) -> None:
    date = parse_date(text)
    assert (date.is_dated, date.edtf, date.text) == (False, None, text)


@pytest.mark.parametrize(
    ("text", "edtf", "earliest", "latest", "named"),
    [
        ("1939, 1941, 1942", "1939/1942", "1939-01-01", "1942-12-31", "names 3 dates"),
        ("1962 or 1963", "1962/1963", "1962-01-01", "1963-12-31", "names 2 dates"),
        ("1941 and 1939", "1939/1941", "1939-01-01", "1941-12-31", "names 2 dates"),
        ("August 15, 1962 or August 14, 1962", "1962-08-14/1962-08-15", "1962-08-14", "1962-08-15", "names 2 dates"),
    ],
)
def test_several_dates_are_stored_as_their_span_with_a_warning(
    text: str, edtf: str, earliest: str, latest: str, named: str
) -> None:
    date = parse_date(text)
    assert (date.edtf, date.earliest, date.latest, date.time) == (edtf, earliest, latest, None)
    assert date.warning is not None and named in date.warning and "span" in date.warning


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("February 29, 1962", "February 1962 has 28 days (1962 is no leap year)"),
        ("February 30, 1960", "February 1960 has 29 days"),
        ("31 April 1962", "April 1962 has 30 days"),
        ("1962-13-01", "there is no month 13"),
        ("1962-00", "there is no month 0"),
        ("September 31 - October 2, 1962", "September 1962 has 30 days"),
        ("0000", "year 0 is outside 1-9999"),
    ],
)
def test_an_impossible_calendar_date_says_which_part_is_wrong(text: str, why: str) -> None:
    with pytest.raises(RecordError) as raised:
        parse_date(text)
    assert str(raised.value) == (
        f"date {text!r} is no calendar date: {why}"
        + (" (years before the Common Era are not taken)" if text == "0000" else "")
        + "; check the day and month against the document"
    )


@pytest.mark.parametrize("text", ["8/14/62", "14.08.62", "14-08-62"])
def test_a_two_digit_year_asks_for_the_year_in_full(text: str) -> None:
    with pytest.raises(RecordError, match="two-digit year.*write the year in full"):
        parse_date(text)


@pytest.mark.parametrize("text", ["1962-08-14T25:00", "1962-08-14T21:61Z", "1962-08-14T23:00:61"])
def test_an_impossible_time_of_day_is_a_record_error_not_a_crash(text: str) -> None:
    with pytest.raises(RecordError, match="no time of day.*hours run 00-23"):
        parse_date(text)
    with pytest.raises(RecordError, match="no time of day"):
        HistoricalDate.at("August 14, 1962", text)


def test_a_hostile_date_is_quoted_short_in_the_message() -> None:
    text = "<script>alert(1)</script>" + "1962 " * 2000
    with pytest.raises(RecordError) as raised:
        parse_date(text)
    assert len(str(raised.value)) < 300 and "…" in str(raised.value)
