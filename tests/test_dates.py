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


@pytest.mark.parametrize("text", ["February 30, 1962", "blah 1962", "sometime"])
def test_nonsense_is_refused_with_advice(text: str) -> None:
    with pytest.raises(RecordError, match="is not one we understand; use YYYY"):
        parse_date(text)


def test_years_span_the_bounds() -> None:
    assert list(parse_date("c. 1962").years) == [1961, 1962, 1963]


def test_search_bounds() -> None:
    assert parse_bound("1962-08") == ("1962-08-01", "1962-08-31")
    with pytest.raises(ValueError):
        parse_bound("1962-13")


@pytest.mark.parametrize(
    "text", ["August 14, 1962", "August 1962", "1962", "c. 1962", "1962-08?", "August 14-16, 1962", "1960s", "ca. March 1945", "February 1960"]
)
def test_forms_are_valid_edtf_with_the_same_strict_bounds(text: str) -> None:
    from edtf import parse_edtf, struct_time_to_date

    date = parse_date(text)
    assert date.edtf is not None
    parsed = parse_edtf(date.edtf)
    if not date.is_approximate:
        assert struct_time_to_date(parsed.lower_strict()).isoformat() == date.earliest
        assert struct_time_to_date(parsed.upper_strict()).isoformat() == date.latest
