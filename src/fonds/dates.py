"""Uncertain historical dates: the text as printed, an EDTF form, and sortable bounds.

"August 14, 1962" is one day; "August 1962" a month; "c. 1962" an approximate
year whose bounds widen by one year each way; "n.d." has no bounds at all;
"after 1962" is open on one side (EDTF `1962/..`): its `latest` is None, and
search reads the open side as reaching the end of the archive's date span.
Date-range search compares bounds by overlap. The forms a printed date may
take are read by `fonds.dateforms` (see docs/record-format.md for every form).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from fonds.errors import RecordError

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$")
# Languages whose writers put the day first in all-numeric dates (05/04/1962 is 5 April).
DAY_FIRST_LANGUAGES = frozenset(
    "ru uk be de fr it es pt pl cs sk hu ro bg sr hr bs sl mk sq nl da sv no nb nn fi et lv lt el".split()
)
# What an open side reaches to in search: past any date an archive holds.
OPEN_START, OPEN_END = "0001-01-01", "9999-12-30"
# Largest sort number: after every dated record (YYYYMMDDHHMM).
SORT_LAST = 999912312359


@dataclass(frozen=True)
class HistoricalDate:
    """A date as printed, with `earliest`/`latest` ISO day bounds.

    - Both bounds None: undated (`n.d.`). One bound None: open on that side
      (`after 1962` has `latest` None, `before 1962` has `earliest` None).
    - `edtf`: the Extended Date/Time Format (ISO 8601-2) form, with its qualifiers
      (`~` approximate, `?` uncertain, `%` both) and `..` for an open side.
    - `time`: the time of day when one was printed, as ISO 8601 `YYYY-MM-DDTHH:MM[:SS]`
      with `Z` when the printed zone was converted to UTC, without a zone when none was
      printed. The day of `earliest` stays the printed day even when UTC falls on another.
    - `supplied`: the date was printed in square brackets (`[1962]`): the cataloguer
      supplied it; it is not on the document.
    - `warning`: what a reader of the date should be told (an ambiguous `05/04/1962`);
      kept for the importer to report, not part of the Record JSON.
    """

    text: str | None
    edtf: str | None = None
    earliest: str | None = None
    latest: str | None = None
    time: str | None = None
    supplied: bool = False
    warning: str | None = field(default=None, compare=False)

    @classmethod
    def undated(cls, text: str | None = None, *, supplied: bool = False) -> HistoricalDate:
        return cls(text=text, supplied=supplied)

    @property
    def is_dated(self) -> bool:
        return self.earliest is not None or self.latest is not None

    @property
    def is_open(self) -> bool:
        """True for `after 1962` / `before 1962`: one bound is open."""
        return self.is_dated and (self.earliest is None or self.latest is None)

    @property
    def is_approximate(self) -> bool:
        return bool(self.edtf and ("~" in self.edtf or "%" in self.edtf))

    @property
    def is_uncertain(self) -> bool:
        return bool(self.edtf and ("?" in self.edtf or "%" in self.edtf))

    @property
    def years(self) -> range:
        """The calendar years the bounds touch (empty when undated; an open date: its known year)."""
        lo = self.earliest or self.latest
        hi = self.latest or self.earliest
        if not lo or not hi:
            return range(0)
        return range(int(lo[:4]), int(hi[:4]) + 1)

    @property
    def search_bounds(self) -> tuple[str | None, str | None]:
        """Bounds for date-range search: an open side (`after 1962`) reaches past any date the
        archive holds (OPEN_START/OPEN_END), so the archive's span bounds it; (None, None) undated."""
        if not self.is_dated:
            return None, None
        return self.earliest or OPEN_START, self.latest or OPEN_END

    @property
    def sort_key(self) -> int | None:
        """`YYYYMMDDHHMM` for sorting by date: the earliest day (the latest for `before ...`),
        with the time of day when one was printed (in UTC when a zone was); None when undated."""
        if self.time:
            found = _ISO_TIME.match(self.time)
            if found:
                day, hour, minute = found.group(1), found.group(2), found.group(3)
                return int(day.replace("-", "") + hour + minute)
        known = self.earliest or self.latest
        return int(known.replace("-", "") + "0000") if known else None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text, "earliest": self.earliest, "latest": self.latest, "edtf": self.edtf,
        }
        if self.time:
            data["time"] = self.time
        if self.supplied:
            data["supplied"] = True
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoricalDate:
        return cls(
            text=data.get("text"),
            edtf=data.get("edtf"),
            earliest=data.get("earliest"),
            latest=data.get("latest"),
            time=data.get("time"),
            supplied=bool(data.get("supplied", False)),
        )

    @classmethod
    def between(cls, text: str | None, earliest: date | str, latest: date | str) -> HistoricalDate:
        """A date known only by its bounds (FRUS `@notBefore`/`@notAfter`)."""
        lo, hi = str(earliest)[:10], str(latest)[:10]
        if hi < lo:
            raise RecordError(f"date {text!r}: latest bound {hi} is before earliest {lo}")
        form = lo if lo == hi else f"{lo}/{hi}"
        return cls(text=text, edtf=form, earliest=lo, latest=hi)

    @classmethod
    def at(cls, text: str | None, when: str) -> HistoricalDate:
        """One day from an ISO date or dateTime (FRUS `@when="1961-01-21T18:34:00"`): the time is kept.

        Raises RecordError when `when` is not `YYYY-MM-DD[THH:MM[:SS][zone]]`."""
        day = when.strip()[:10]
        if _ISO.match(day) is None or _checked(*_iso_parts(day)) is None:
            raise RecordError(f"date {text!r}: {when!r} is not an ISO date; use YYYY-MM-DD")
        time = iso_time(when.strip()) if "T" in when else None
        return cls(text=text, edtf=day, earliest=day, latest=day, time=time)

    def with_warning(self, warning: str) -> HistoricalDate:
        return replace(self, warning=warning)


def iso_time(value: str) -> str | None:
    """`1968-01-23T21:21` (no zone), or UTC with `Z` when a zone is given; None for no time."""
    found = _ISO_TIME.match(value)
    if not found:
        return None
    day, hour, minute, second, zone = found.groups()
    try:
        moment = datetime.fromisoformat(f"{day}T{hour}:{minute}:{second or '00'}")
    except ValueError:
        raise RecordError(
            f"date/time {value!r} is no time of day on a calendar day: hours run 00-23, minutes and "
            "seconds 00-59; correct it as printed on the document"
        ) from None
    if zone is None:
        return f"{moment:%Y-%m-%dT%H:%M}" + (f":{second}" if second and second != "00" else "")
    offset = 0 if zone == "Z" else _offset_minutes(zone)
    utc = (moment - timedelta(minutes=offset)).replace(tzinfo=timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M}" + (f":{second}" if second and second != "00" else "") + "Z"


def _offset_minutes(zone: str) -> int:
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return -minutes if zone.startswith("-") else minutes


def parse_date(text: str | None, *, day_first: bool | None = None) -> HistoricalDate:
    """Read a date as archives print it (every form in docs/record-format.md).

    `day_first`: how to read an all-numeric date with slashes (`05/04/1962`): True in a
    record whose language or archive is European, False for US usage, None when nothing
    says; an ambiguous one is then read month first with a `warning` naming both readings.
    Raises RecordError for text that is no date.
    """
    from fonds import dateforms

    return dateforms.parse(text, day_first=day_first)


def day_first_for(languages: tuple[str, ...] | list[str]) -> bool | None:
    """True when a record's (original) languages say numeric dates are day first (European), else
    None: nothing says, and an ambiguous `05/04/1962` is read month first with a warning."""
    return True if any(code.split("-")[0].lower() in DAY_FIRST_LANGUAGES for code in languages) else None


def _iso_parts(form: str) -> tuple[int, int | None, int | None]:
    found = _ISO.match(form)
    if not found:
        raise ValueError(form)
    year, month, day = found.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def _checked(year: int, month: int | None, day: int | None) -> str | None:
    """The ISO form of a year, month or day, or None when it is no calendar date."""
    if not 1 <= year <= 9999:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def bounds(form: str, approximate: bool = False) -> tuple[date, date]:
    """Strict bounds of a YYYY, YYYY-MM, YYYY-MM-DD or season (YYYY-21..24) form.

    Computed here because the edtf parser costs ~20 ms a call; tests check that the two
    agree. Approximate widens a year by one year each way and a month by one month.
    Seasons are the Northern Hemisphere's: spring March-May, summer June-August,
    autumn September-November, winter December to the end of February of the next year.
    """
    parts = [int(p) for p in form.split("-")]
    if len(parts) == 2 and 21 <= parts[1] <= 24:
        start = (parts[1] - 21) * 3 + 3
        lo = date(parts[0], start, 1)
        return lo, _end_of_month(_add_months(lo, 2))
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
            lo, hi = lo.replace(year=max(1, lo.year - 1)), hi.replace(year=min(9999, hi.year + 1))
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
    """Bounds for a date in a search (`1962`, `1962-08`, `1962-08-14`). Raises ValueError."""
    form = _ISO.match(text.strip())
    if not form:
        raise ValueError(text)
    checked = _checked(*_iso_parts(text.strip()))
    if checked is None:
        raise ValueError(text)
    lo, hi = bounds(checked)
    return lo.isoformat(), hi.isoformat()
