"""Uncertain historical dates: the text as printed, an EDTF form, and sortable bounds.

"August 14, 1962" is one day; "August 1962" a month; "c. 1962" an approximate
year whose bounds widen by one year each way; "n.d." has no bounds at all.
Date-range search compares bounds by overlap.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Mapping

from fonds.errors import RecordError

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9

_UNDATED = re.compile(r"^\s*(n\.\s*d\.?|no date|undated|date unknown|\[?n\.d\.\]?)\s*$", re.I)
_CIRCA = re.compile(r"^\s*(?:c\.|ca\.?|circa|approx\.?|about)\s*", re.I)
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MDY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MY = re.compile(r"^([A-Za-z]+)\.?,?\s+(\d{4})$")
_RANGE = re.compile(r"^(.+?)\s*(?:/|–|—|\s-\s|\bto\b|\buntil\b)\s*(.+)$")
_DECADE = re.compile(r"^(\d{3})0s$")
_DAY_SPAN = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})\s*[-–]\s*(\d{1,2}),?\s+(\d{4})$")


@dataclass(frozen=True)
class HistoricalDate:
    """A date as printed, with `earliest`/`latest` ISO bounds (None when undated)."""

    text: str | None
    edtf: str | None = None
    earliest: str | None = None
    latest: str | None = None

    @classmethod
    def undated(cls, text: str | None = None) -> HistoricalDate:
        return cls(text=text)

    @property
    def is_dated(self) -> bool:
        return self.earliest is not None

    @property
    def is_approximate(self) -> bool:
        return bool(self.edtf and ("~" in self.edtf or "?" in self.edtf or "%" in self.edtf))

    @property
    def years(self) -> range:
        """The calendar years the bounds touch (empty when undated)."""
        if not self.earliest or not self.latest:
            return range(0)
        return range(int(self.earliest[:4]), int(self.latest[:4]) + 1)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "earliest": self.earliest, "latest": self.latest, "edtf": self.edtf}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoricalDate:
        return cls(
            text=data.get("text"),
            edtf=data.get("edtf"),
            earliest=data.get("earliest"),
            latest=data.get("latest"),
        )

    @classmethod
    def between(cls, text: str | None, earliest: date | str, latest: date | str) -> HistoricalDate:
        """A date known only by its bounds (FRUS `@notBefore`/`@notAfter`)."""
        lo, hi = str(earliest)[:10], str(latest)[:10]
        if hi < lo:
            raise RecordError(f"date {text!r}: latest bound {hi} is before earliest {lo}")
        form = lo if lo == hi else f"{lo}/{hi}"
        return cls(text=text, edtf=form, earliest=lo, latest=hi)


def parse_date(text: str | None) -> HistoricalDate:
    """Read a date as archives print it. Raises RecordError for text that is no date."""
    if text is None or not text.strip():
        return HistoricalDate.undated(text)
    raw = text
    cleaned = " ".join(text.strip().strip("[]").split())
    if _UNDATED.match(cleaned):
        return HistoricalDate.undated(raw)
    approximate = False
    circa = _CIRCA.match(cleaned)
    if circa:
        approximate = True
        cleaned = cleaned[circa.end():]
    uncertain = cleaned.endswith("?")
    cleaned = cleaned.rstrip("?").strip()
    form = _to_edtf(cleaned)
    if form is None:
        raise RecordError(
            f"date {raw!r} is not one we understand; use YYYY, YYYY-MM-DD, "
            "'August 14, 1962', '14 August 1962', 'c. 1962' or 'n.d.'"
        )
    return _bounded(raw, form, approximate=approximate, uncertain=uncertain)


def _to_edtf(cleaned: str) -> str | None:
    """An EDTF form for a single date or a range, or None."""
    decade = _DECADE.match(cleaned)
    if decade:
        return f"{decade.group(1)}0/{decade.group(1)}9"
    days = _DAY_SPAN.match(cleaned)
    if days:
        month, first, last, year = days.groups()
        start = _single_edtf(f"{month} {first}, {year}")
        end = _single_edtf(f"{month} {last}, {year}")
        return f"{start}/{end}" if start and end else None
    single = _single_edtf(cleaned)
    if single:
        return single
    both = _RANGE.match(cleaned)
    if both:
        start, end = _single_edtf(both.group(1)), _single_edtf(both.group(2))
        if start is None and end is not None:
            # "August 14 - 16, 1962" style: borrow the year and month from the end.
            start = _single_edtf(f"{both.group(1)} {end[:4]}")
        if start and end:
            return f"{start}/{end}"
    return None


def _single_edtf(text: str) -> str | None:
    text = text.strip().rstrip(".,")
    iso = _ISO.match(text)
    if iso:
        year, month, day = iso.groups()
        return _checked(int(year), int(month) if month else None, int(day) if day else None)
    for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy")):
        found = pattern.match(text)
        if found:
            parts = dict(zip(order, found.groups()))
            month = MONTHS.get(parts["m"].lower())
            if month is None:
                return None
            return _checked(int(parts["y"]), month, int(parts["d"]))
    found = _MY.match(text)
    if found and found.group(1).lower() in MONTHS:
        return _checked(int(found.group(2)), MONTHS[found.group(1).lower()], None)
    return _parsed_by_dateparser(text)


def _checked(year: int, month: int | None, day: int | None) -> str | None:
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en", "ru", "de", "fr", "es"],
        settings={"REQUIRE_PARTS": ["year"], "PREFER_DATES_FROM": "past"},
    )


def _parsed_by_dateparser(text: str) -> str | None:
    """Dates in other languages ("14 августа 1962"): only when every part is printed."""
    year = re.search(r"\b(\d{4})\b", text)
    if not year or len(text) > 60:
        return None
    data = _date_parser().get_date_data(text)
    if data.date_obj is None or data.date_obj.year != int(year.group(1)):
        return None
    found = data.date_obj.date()
    if data.period == "day":
        return f"{found:%Y-%m-%d}"
    if data.period == "month":
        return f"{found:%Y-%m}"
    return f"{found:%Y}"


def _bounded(raw: str, form: str, *, approximate: bool, uncertain: bool) -> HistoricalDate:
    qualifier = "%" if approximate and uncertain else "~" if approximate else "?" if uncertain else ""
    if "/" in form:
        start, end = form.split("/")
        lo, _ = _bounds(start, approximate)
        _, hi = _bounds(end, approximate)
        if hi < lo:
            raise RecordError(f"date {raw!r} ends before it begins")
        edtf = f"{start}{qualifier}/{end}{qualifier}"
    else:
        lo, hi = _bounds(form, approximate)
        edtf = form + qualifier
    return HistoricalDate(text=raw, edtf=edtf, earliest=lo.isoformat(), latest=hi.isoformat())


def _bounds(form: str, approximate: bool) -> tuple[date, date]:
    """Strict bounds of a YYYY, YYYY-MM or YYYY-MM-DD form (as edtf's lower/upper_strict give them,
    computed here because the edtf parser costs ~20 ms a call; tests check that the two agree)."""
    parts = [int(p) for p in form.split("-")]
    if len(parts) == 1:
        lo, hi = date(parts[0], 1, 1), date(parts[0], 12, 31)
    elif len(parts) == 2:
        lo = date(parts[0], parts[1], 1)
        hi = _end_of_month(lo)
    else:
        lo = hi = date(parts[0], parts[1], parts[2])
    if approximate:
        precision = form.count("-")
        if precision == 0:
            lo, hi = lo.replace(year=lo.year - 1), hi.replace(year=hi.year + 1)
        elif precision == 1:
            lo = _add_months(lo, -1)
            hi = _end_of_month(_add_months(hi.replace(day=1), 1))
    return lo, hi


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_bound(text: str) -> tuple[str, str]:
    """Bounds for a date in a search (`1962`, `1962-08`, `1962-08-14`)."""
    form = _ISO.match(text.strip())
    if not form:
        raise ValueError(text)
    checked = _checked(*(int(g) if g else None for g in form.groups()))  # type: ignore[arg-type]
    if checked is None:
        raise ValueError(text)
    lo, hi = _bounds(checked, approximate=False)
    return lo.isoformat(), hi.isoformat()
