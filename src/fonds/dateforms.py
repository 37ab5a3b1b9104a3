"""The forms in which archives print dates, read into `HistoricalDate`s.

Every form is listed, with its EDTF and bounds, in docs/record-format.md. The reading goes
outside in: square brackets (a supplied date), a time of day at the end, qualifiers
(`ca.`, `probably`, `after`, `not before`, `?`, `~`), `early/mid/late`, seasons, and then
the date or range itself. Month names in English are ours; other languages (Russian, German,
French, Spanish) go to dateparser, which works offline from data shipped in its package.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache
from typing import Any

from fonds.dates import HistoricalDate, _checked, _end_of_month, bounds, iso_time
from fonds.errors import RecordError

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
# early/mid/late: the part of a decade, year or month they name (docs/record-format.md).
PARTS = {
    "decade": {"early": (0, 3), "mid": (3, 6), "late": (7, 9)},
    "year": {"early": (1, 4), "mid": (5, 8), "late": (9, 12)},
    "month": {"early": (1, 10), "mid": (11, 20), "late": (21, 31)},
}
# Zones printed after a time, as offsets from UTC in minutes.
ZONES = {"z": 0, "utc": 0, "gmt": 0, "zulu": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
         "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "msk": 180, "cet": 60, "cest": 120}

# "n.d." and its kin: Latin s.d./s.a., Russian б.д./б/д (без даты), German o.D./o.J., French s.d.,
# Spanish s.f. (sin fecha).
_UNDATED = re.compile(
    r"^(n\.\s*d\.?|no date|not dated|undated|date unknown|s\.\s*d\.?|s\.\s*a\.?|s\.\s*f\.?|b\.\s*d\.?|o\.\s*d\.?"
    r"|o\.\s*j\.?|б\.\s*д\.?|б/д|без даты|ohne datum|sans date|sin fecha)$",
    re.I,
)
_SUPPLIED = re.compile(r"^\[([^\[\]]+)\]$")
_CIRCA = re.compile(r"^(?:~|c\.|ca\.?|circa|approx\.?|approximately|about|around)\s*", re.I)
_PROBABLY = re.compile(r"^(?:probably|possibly|perhaps)\s+", re.I)
_OPEN = re.compile(r"^(not\s+before|not\s+after|no\s+earlier\s+than|no\s+later\s+than|after|before|since|until)\s+", re.I)
_PART = re.compile(r"^(early|mid|late|anfang|mitte|ende)[-\s]+(.+)$", re.I)
# German "Anfang/Mitte/Ende August 1962" name the same parts as early/mid/late.
_PART_WORDS = {"anfang": "early", "mitte": "mid", "ende": "late"}
_SEASON = re.compile(r"^(spring|summer|autumn|fall|winter)[\s,]+(\d{4})$", re.I)
_TIME = re.compile(
    r"^(?P<date>.*\d{4}|\d{4}-\d{2}-\d{2})\s*(?P<sep>,|\s|\bat\b)\s*(?:at\s+)?"
    r"(?P<hour>\d{1,2})(?P<colon>[:.h])?(?P<minute>\d{2})?\s*"
    r"(?P<ampm>[ap]\.?\s?m\.?)?\s*(?P<zone>(?!hours|hrs)[A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?\s*(?P<hours>hours|hrs\.?)?$",
    re.I,
)
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?$")
_NUMERIC = re.compile(r"^(\d{1,2})([./])(\d{1,2})\2(\d{4})$")
_WORD = r"([^\W\d_]+)\.?"
_MDY = re.compile(rf"^{_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$")
_DMY = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+{_WORD},?\s+(\d{{4}})(?:\s*(?:г\.?|года?))?$")
_MY = re.compile(rf"^{_WORD},?\s+(\d{{4}})(?:\s*(?:г\.?|года?))?$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–—/]\s*(\d{2}|\d{4})$")
_ISO_DAY_RANGE = re.compile(r"^(\d{4}-\d{2})-(\d{2})/(\d{1,2})$")
_DAY_SPAN_MDY = re.compile(rf"^{_WORD}\s+(\d{{1,2}})\s*[-–—]\s*(\d{{1,2}}),?\s+(\d{{4}})$")
_DAY_SPAN_DMY = re.compile(rf"^(\d{{1,2}})\.?\s*[-–—]\s*(\d{{1,2}})\.?\s+{_WORD},?\s+(\d{{4}})(?:\s*(?:г\.?|года?))?$")
_RANGE = re.compile(r"^(.+?)\s*(?:/|–|—|\s-\s|\bto\b|\buntil\b|\bthrough\b)\s*(.+)$")
_DECADE = re.compile(r"^(\d{3})0s$")
_DECADES = re.compile(r"^(\d{3})0s\s*(?:[-–—/]|\bto\b)\s*(\d{3})0s$", re.I)
_CENTURY = re.compile(r"^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\s+(?:century|c\.)$", re.I)
# Several dates in one: "1939, 1941, 1942", "1962 or 1963", "1962 and 1963".
_SEVERAL_WORDS = re.compile(r"\s+or\s+|\s+and\s+|\s*;\s*", re.I)
_SEVERAL = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+or\s+|\s+and\s+|\s*;\s*)", re.I)
# "1939, 1941, 1942": years, not a year and a time of day (1942 as 19:42).
_YEARS_LISTED = re.compile(r"^\d{4}(?:\s*(?:,|;|\bor\b|\band\b)\s*\d{4})+$", re.I)
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}([./-])\d{1,2}\1\d{2}$")
_LONGEST_SHOWN = 80
_EDTF_QUALIFIED = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)([~?%])$")


def parse(text: str | None, *, day_first: bool | None = None) -> HistoricalDate:
    """See `fonds.dates.parse_date`."""
    if text is None or not text.strip():
        return HistoricalDate.undated(text)
    raw = text
    cleaned = " ".join(text.split())
    supplied = _SUPPLIED.match(cleaned)
    if supplied:
        cleaned = supplied.group(1).strip()
    if _UNDATED.match(cleaned):
        return HistoricalDate.undated(raw, supplied=bool(supplied))
    reading = _Reading(raw, day_first)
    date = reading.read(cleaned)
    if supplied:
        date = HistoricalDate(
            text=date.text, edtf=date.edtf, earliest=date.earliest, latest=date.latest,
            time=date.time, supplied=True, warning=date.warning,
        )
    return date


def _shown(raw: str) -> str:
    """The printed text as a message quotes it: at most 80 characters (hostile input stays short)."""
    return repr(raw if len(raw) <= _LONGEST_SHOWN else raw[:_LONGEST_SHOWN] + "…")


def _refused(raw: str) -> RecordError:
    if _TWO_DIGIT_YEAR.match(" ".join(raw.split())):
        return RecordError(
            f"date {_shown(raw)} has a two-digit year, which leaves the century to guess; "
            "write the year in full (1962, not 62)"
        )
    return RecordError(
        f"date {_shown(raw)} is not one we understand; use YYYY, YYYY-MM-DD, "
        "'August 14, 1962', '14 August 1962', 'c. 1962' or 'n.d.'"
    )


def _no_such_day(raw: str, year: int, month: int | None, day: int | None) -> str:
    """Why a date that has the shape of one names no day of the calendar."""
    if not 1 <= year <= 9999:
        where = f"year {year} is outside 1-9999 (years before the Common Era are not taken)"
    elif month is None or not 1 <= month <= 12:
        where = f"there is no month {month}"
    else:
        days = calendar.monthrange(year, month)[1]
        where = f"{calendar.month_name[month]} {year} has {days} days"
        if month == 2 and day == 29:
            where += f" ({year} is no leap year)"
    return f"date {_shown(raw)} is no calendar date: {where}; check the day and month against the document"


class _Reading:
    """One date being read: the printed text, the day-first hint, and a warning if any."""

    def __init__(self, raw: str, day_first: bool | None) -> None:
        self.raw = raw
        self.day_first = day_first
        self.warning: str | None = None
        self.impossible: str | None = None

    def read(self, cleaned: str) -> HistoricalDate:
        if _ISO_DATETIME.match(cleaned):
            return HistoricalDate.at(self.raw, cleaned)
        time = None
        timed = None if _YEARS_LISTED.match(cleaned) else _TIME.match(cleaned)
        if timed:
            time = _time_of_day(timed)
            if time is not None:
                cleaned = timed.group("date").strip().rstrip(",").strip()
        approximate = uncertain = False
        open_side: str | None = None
        while True:
            circa = _CIRCA.match(cleaned)
            probably = _PROBABLY.match(cleaned)
            opened = _OPEN.match(cleaned)
            if circa:
                approximate, cleaned = True, cleaned[circa.end():]
            elif probably:
                uncertain, cleaned = True, cleaned[probably.end():]
            elif opened and open_side is None:
                word = " ".join(opened.group(1).lower().split())
                open_side = "after" if word in ("not before", "no earlier than", "after", "since") else "before"
                cleaned = cleaned[opened.end():]
            else:
                break
        qualified = _EDTF_QUALIFIED.match(cleaned)
        if qualified:
            cleaned, mark = qualified.groups()
            approximate = approximate or mark in "~%"
            uncertain = uncertain or mark in "?%"
        if cleaned.endswith("?"):
            uncertain, cleaned = True, cleaned.rstrip("?").strip()
        date = self._dated(cleaned, approximate=approximate, uncertain=uncertain, open_side=open_side)
        if time is not None:
            if date.earliest is None or date.earliest != date.latest:
                raise RecordError(f"date {self.raw!r}: a time of day needs one day before it, as in 'January 23, 1968, 2121Z'")
            date = HistoricalDate(text=date.text, edtf=date.edtf, earliest=date.earliest, latest=date.latest,
                                  time=_on_day(date.earliest, time))
        return date.with_warning(self.warning) if self.warning else date

    def _dated(self, cleaned: str, *, approximate: bool, uncertain: bool, open_side: str | None) -> HistoricalDate:
        if open_side is None and cleaned in ("..", ""):
            raise _refused(self.raw)
        if cleaned.endswith("/..") or cleaned.startswith("../"):
            open_side = "after" if cleaned.endswith("/..") else "before"
            cleaned = cleaned.removesuffix("/..").removeprefix("../")
        part = _PART.match(cleaned)
        if part and open_side is None:
            word = part.group(1).lower()
            return self._part(_PART_WORDS.get(word, word), part.group(2), approximate, uncertain)
        form = self.edtf(cleaned)
        if form is None:
            raise RecordError(self.impossible) if self.impossible else _refused(self.raw)
        return _bounded(self.raw, form, approximate=approximate, uncertain=uncertain, open_side=open_side)

    def _part(self, part: str, rest: str, approximate: bool, uncertain: bool) -> HistoricalDate:
        """`early 1960s`, `mid-1962`, `late August 1962`: a sub-range, marked approximate in EDTF."""
        form = self.edtf(rest.strip())
        decade = _DECADE.match(rest.strip())
        if form is None or ("/" in form and not decade):
            raise _refused(self.raw)
        if decade:
            start = int(decade.group(1)) * 10
            first, last = PARTS["decade"][part]
            lo, hi = date(start + first, 1, 1), date(start + last, 12, 31)
            edtf = f"{lo.year}~/{hi.year}~"
        elif len(form) == 4:
            first, last = PARTS["year"][part]
            lo = date(int(form), first, 1)
            hi = _end_of_month(date(int(form), last, 1))
            edtf = f"{lo:%Y-%m}~/{hi:%Y-%m}~"
        elif len(form) == 7:
            first, last = PARTS["month"][part]
            lo = date(int(form[:4]), int(form[5:7]), first)
            hi = lo.replace(day=min(last, _end_of_month(lo).day))
            edtf = f"{lo.isoformat()}~/{hi.isoformat()}~"
        else:
            raise _refused(self.raw)
        if uncertain or approximate:
            edtf = edtf.replace("~", "%") if uncertain else edtf
        return HistoricalDate(text=self.raw, edtf=edtf, earliest=lo.isoformat(), latest=hi.isoformat())

    def edtf(self, cleaned: str) -> str | None:
        """An EDTF form for a single date, season or range (no qualifiers), or None."""
        cleaned = cleaned.strip().rstrip(",")
        season = _SEASON.match(cleaned)
        if season:
            return f"{season.group(2)}-{SEASONS[season.group(1).lower()]}"
        decade = _DECADE.match(cleaned)
        if decade:
            return f"{decade.group(1)}0/{decade.group(1)}9"
        decades = _DECADES.match(cleaned)
        if decades:
            first, last = decades.groups()
            return f"{first}0/{last}9" if last >= first else None
        century = _CENTURY.match(cleaned)
        if century and int(century.group(1)) >= 1:
            # "20th century" as EDTF 19XX reads it (1900-1999), as archives file it.
            first_year = (int(century.group(1)) - 1) * 100
            return f"{max(first_year, 1):04d}/{first_year + 99:04d}"
        if re.match(r"^\d{4}-2[1-4]$", cleaned):
            return cleaned  # an EDTF season as such
        years = _YEAR_RANGE.match(cleaned)
        if years and _checked_iso(cleaned) is None:
            start, end = years.groups()
            if len(end) == 2:
                end = start[:2] + end
            if end > start:
                return f"{start}/{end}"
            iso = _ISO.match(cleaned)
            if iso:  # "1962-13": no month 13, nor a range back to 1913
                self._calendar(int(iso.group(1)), _number(iso.group(2)), None)
            return None
        days = _ISO_DAY_RANGE.match(cleaned)
        if days:
            month, first, last = days.groups()
            return _span(f"{month}-{first}", f"{month}-{int(last):02d}")
        span = _DAY_SPAN_MDY.match(cleaned)
        if span:
            word, first, last, year = span.groups()
            return self._day_span(word, first, last, year)
        span = _DAY_SPAN_DMY.match(cleaned)
        if span:
            first, last, word, year = span.groups()
            return self._day_span(word, first, last, year)
        single = self.single(cleaned)
        if single:
            return single
        both = _RANGE.match(cleaned)
        if both:
            start, end = self.single(both.group(1)), self.single(both.group(2))
            if start is None and end is not None:
                # "August 31 - September 2, 1962": the start borrows the end's year.
                start = self.single(f"{both.group(1).strip().rstrip(',')} {end[:4]}")
            if start and end:
                return _span(start, end)
        return self._several(cleaned)

    def _several(self, cleaned: str) -> str | None:
        """`1939, 1941, 1942` or `1962 or 1963`: the span from the first to the last, with a warning.

        EDTF has sets for these ({1939,1941,1942}, [1962,1963]), but no citation style or TEI
        attribute takes one; the span keeps search and sorting right and the warning says so."""
        for splitter in (_SEVERAL_WORDS, _SEVERAL):
            pieces = [piece for piece in splitter.split(cleaned) if piece]
            forms = [self.single(piece) for piece in pieces]
            if len(pieces) >= 2 and all(form and len(form) == len(forms[0] or "") for form in forms):
                break
        else:
            return None
        ordered = sorted(form for form in forms if form)
        self.warning = (
            f"date {_shown(self.raw)} names {len(ordered)} dates; stored as the span "
            f"{ordered[0]} to {ordered[-1]} (search and sorting use it, the printed text is kept); "
            "make it a range or one date if the document means one"
        )
        return _span(ordered[0], ordered[-1])

    def _day_span(self, word: str, first: str, last: str, year: str) -> str | None:
        month = _month(word, int(year))
        if month is None:
            return None
        start, end = self._calendar(int(year), month, int(first)), self._calendar(int(year), month, int(last))
        return _span(start, end) if start and end else None

    def _calendar(self, year: int, month: int | None, day: int | None) -> str | None:
        """`_checked`, remembering why a date of the right shape names no day (February 30)."""
        form = _checked(year, month, day)
        if form is None:
            self.impossible = _no_such_day(self.raw, year, month, day)
        return form

    def single(self, text: str) -> str | None:
        """A YYYY, YYYY-MM or YYYY-MM-DD form for one printed date, or None."""
        text = text.strip().rstrip(".,")
        iso = _ISO.match(text)
        if iso:
            return self._calendar(int(iso.group(1)), _number(iso.group(2)), _number(iso.group(3)))
        numeric = _NUMERIC.match(text)
        if numeric:
            return self._numeric(*numeric.groups())
        for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy")):
            found = pattern.match(text)
            if found:
                parts = dict(zip(order, found.groups()))
                month = _month(parts["m"], int(parts["y"]))
                return self._calendar(int(parts["y"]), month, int(parts["d"])) if month else None
        found = _MY.match(text)
        if found:
            month = _month(found.group(1), int(found.group(2)))
            return _checked(int(found.group(2)), month, None) if month else None
        return _parsed_by_dateparser(text)

    def _numeric(self, first: str, separator: str, second: str, year: str) -> str | None:
        """`14.08.1962` (always day first), `08/14/1962`, `14/08/1962`, and the ambiguous `05/04/1962`."""
        a, b, y = int(first), int(second), int(year)
        if separator == "." or self.day_first:
            return _checked(y, b, a)
        if self.day_first is False or a > 12 or a == b:
            return _checked(y, a, b) if a <= 12 else _checked(y, b, a)
        if b > 12:
            return _checked(y, a, b)
        month_first = _checked(y, a, b)
        day_first = _checked(y, b, a)
        if month_first and day_first:
            self.warning = (
                f"date {self.raw!r} is ambiguous: read month first as {_spoken(month_first)}; "
                f"day first it would be {_spoken(day_first)}; write the month as a word "
                "(or give the record's language) if that is wrong"
            )
        return month_first


def _number(text: str | None) -> int | None:
    return int(text) if text else None


def _checked_iso(text: str) -> str | None:
    found = _ISO.match(text)
    if not found:
        return None
    year, month, day = found.groups()
    return _checked(int(year), int(month) if month else None, int(day) if day else None)


def _span(start: str | None, end: str | None) -> str | None:
    if not start or not end:
        return None
    return start if start == end else f"{start}/{end}"


def _spoken(form: str) -> str:
    """`1962-05-04` as `May 4, 1962`."""
    year, month, day = (int(p) for p in form.split("-"))
    return f"{calendar.month_name[month]} {day}, {year}"


def _month(word: str, year: int) -> int | None:
    """A month's number from its name in English, or (through dateparser) Russian, German, French..."""
    known = MONTHS.get(word.lower().rstrip("."))
    if known is not None:
        return known
    found = _parsed_by_dateparser(f"15 {word} {year}")
    return int(found[5:7]) if found and len(found) == 10 else None


def _time_of_day(found: re.Match[str]) -> str | None:
    """`HH:MM` plus `Z` (or `+HH:MM`) for a printed time, or None when this is no time."""
    hour = int(found.group("hour"))
    minute = int(found.group("minute") or 0)
    ampm = (found.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    zone = found.group("zone")
    marked = bool(found.group("colon") or ampm or zone or found.group("hours"))
    four_digits = found.group("minute") is not None and not found.group("colon") and len(found.group("hour")) == 2
    if not (marked or (found.group("sep") == "," and four_digits)) or minute > 59:
        return None
    if found.group("minute") is None and not ampm:
        return None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23:
        return None
    offset = ""
    if zone:
        if zone[0] in "+-":
            offset = zone
        elif zone.lower() in ZONES:
            minutes = ZONES[zone.lower()]
            offset = "Z" if minutes == 0 else f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        else:
            return None
    return f"{hour:02d}:{minute:02d}{offset}"


def _on_day(day: str, time: str) -> str | None:
    return iso_time(f"{day}T{time}")


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en", "ru", "de", "fr", "es"],
        settings={"REQUIRE_PARTS": ["year"], "PREFER_DATES_FROM": "past"},
    )


def _parsed_by_dateparser(text: str) -> str | None:
    """Dates in other languages ("14 августа 1962 г."): only when every part is printed."""
    year = re.search(r"\b(\d{4})\b", text)
    if not year or len(text) > 60 or not re.search(r"[^\W\d_]{3}", text):
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


def _bounded(raw: str, form: str, *, approximate: bool, uncertain: bool, open_side: str | None) -> HistoricalDate:
    qualifier = "%" if approximate and uncertain else "~" if approximate else "?" if uncertain else ""
    if "/" in form:
        if open_side:
            raise _refused(raw)
        start, end = form.split("/")
        lo, _ = bounds(start, approximate)
        _, hi = bounds(end, approximate)
        if hi < lo:
            raise RecordError(f"date {raw!r} ends before it begins")
        edtf = f"{start}{qualifier}/{end}{qualifier}"
        return HistoricalDate(text=raw, edtf=edtf, earliest=lo.isoformat(), latest=hi.isoformat())
    lo, hi = bounds(form, approximate)
    if open_side == "after":
        return HistoricalDate(text=raw, edtf=f"{form}{qualifier}/..", earliest=lo.isoformat())
    if open_side == "before":
        return HistoricalDate(text=raw, edtf=f"../{form}{qualifier}", latest=hi.isoformat())
    return HistoricalDate(text=raw, edtf=form + qualifier, earliest=lo.isoformat(), latest=hi.isoformat())
