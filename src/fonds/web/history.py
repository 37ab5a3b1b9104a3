"""Citable versions on the web: a record's history, one version as it was, the tombstone.

- `/records/ID/history` lists every version (number, time, who or what, note) and shows a
  word-level diff between any two (`?a=1&b=3`; by default the last two).
- `/records/ID/v/N` is version N as it was: the record page with a banner, and a citation
  that names the version, its permalink and the access date. The permalink keeps working
  after later versions.
- A withdrawn record answers 410 Gone with a tombstone: its title, citation, the reason
  and the date (`/records/ID`, its versions and its history).

Each page has a JSON twin (`.json`). The public JSON of a version leaves out what is kept for staff
(`origin`, the archivist's local file path, and `warnings`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date as Date
from typing import Any

from fastapi import Request

from fonds.errors import NotFound
from fonds.record import Record
from fonds.store.curation import Version, Withdrawal
from fonds.versions import FieldChange, diff_records
from fonds.web.pages import Archive, record_href
from fonds.web.records import RecordPage, record_page

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def long_date(iso: str) -> str:
    """`2026-11-30T20:15:00Z` -> `November 30, 2026`."""
    day = Date.fromisoformat(iso[:10])
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


@dataclass(frozen=True)
class VersionNote:
    """What a record page says about the version it shows, and how to cite it."""

    number: int
    at: str
    latest: int
    permalink: str
    accessed: str
    citation: str

    @property
    def is_latest(self) -> bool:
        return self.number == self.latest


def version_note(archive: Archive, page: RecordPage, version: Version, latest: int, base_url: str) -> VersionNote:
    """The version banner and its citation: the page's Chicago note naming version, permalink and access date."""
    record = page.record
    root = archive.settings.base_url.rstrip("/") or base_url.rstrip("/")
    permalink = root + record_href(record.id, f"/v/{version.number}")
    today = Date.today().isoformat()
    note = next((c.text for c in page.citations if c.key == "chicago-note"), None)
    return VersionNote(version.number, version.at, latest, permalink, long_date(today),
                       versioned_citation(record, version, permalink, today, note))


def versioned_citation(record: Record, version: Version, permalink: str, accessed: str, note: str | None = None) -> str:
    """A Chicago note for one version: `..., version 2 (November 30, 2026), PERMALINK (accessed ...).`

    `note` is the record's Chicago note when the page has it already (rendering one costs a CSL run);
    the record's own URL in it gives way to the version's permalink."""
    if note is None:
        try:
            from fonds.exports import chicago

            note = chicago.format_citation(record, form="note", output="text")
        except Exception:  # noqa: BLE001 - a citation style failing must not take the page down
            note = record.title
    note = note.strip().rstrip(".")
    if record.url and record.url in note:
        note = note.replace(record.url, "").rstrip(" ,")
    return f"{note}, version {version.number} ({long_date(version.at)}), {permalink} (accessed {long_date(accessed)})."


def public_json(record: Record) -> dict[str, Any]:
    """The Record JSON readers get: without what is kept for staff (origin, warnings)."""
    return record.public_dict()


def _versions(archive: Archive, record_id: str) -> list[Version]:
    versions = archive.store.versions(record_id)
    if not versions:
        archive.store.get(record_id)  # NotFound for an unknown id
        raise NotFound(f"record {record_id!r} has no versions yet")
    return versions


# -- tombstone -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TombstonePage:
    record_id: str
    title: str
    citation: str | None
    reason: str
    at: str
    staff: Any = None  # web/staff.staff_links: a logged-in editor may restore it
    status: int = 410
    template: str = "tombstone.html"

    def json(self) -> dict[str, Any]:
        return {"ok": False, "status": 410, "id": self.record_id, "title": self.title, "citation": self.citation,
                "withdrawn": {"reason": self.reason, "at": self.at},
                "error": f"record {self.record_id!r} was withdrawn: {self.reason}"}


def tombstone(archive: Archive, record_id: str) -> TombstonePage | None:
    """The tombstone of a withdrawn record, or None if it is not withdrawn."""
    withdrawal: Withdrawal | None = archive.store.withdrawal(record_id)
    if withdrawal is None:
        return None
    version = archive.store.get_version(record_id, withdrawal.number)
    record = version.record if version.data else None
    citation = None
    if record is not None:
        citation = record.source.citation or versioned_citation(record, version, record_href(record_id), version.at)
    return TombstonePage(record_id, record.title if record else record_id, citation, withdrawal.reason or "withdrawn",
                         withdrawal.at)


# -- history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPage:
    record_id: str
    title: str
    versions: tuple[Version, ...]
    a: int
    b: int
    changes: tuple[FieldChange, ...]
    template: str = "history.html"

    def json(self) -> dict[str, Any]:
        return {
            "id": self.record_id,
            "versions": [{"number": v.number, "at": v.at, "by": v.agent, "note": v.note, "kind": v.kind,
                          "href": record_href(self.record_id, f"/v/{v.number}")} for v in self.versions],
            "diff": {"from": self.a, "to": self.b, "changes": [c.json() for c in self.changes]},
        }


def history(request: Request, archive: Archive) -> Any:
    record_id = str(request.path_params["id"])
    gone = tombstone(archive, record_id)
    if gone is not None:
        return gone
    versions = _versions(archive, record_id)
    numbers = [v.number for v in versions]
    last = numbers[-1]
    b = _number(request.query_params.get("b"), last, numbers)
    a = _number(request.query_params.get("a"), max(1, b - 1) if b > 1 else b, numbers)
    old, new = archive.store.get_version(record_id, a), archive.store.get_version(record_id, b)
    changes = diff_records(old.record if old.data else None, new.record if new.data else None)
    title = (new.data or {}).get("title") or record_id
    return HistoryPage(record_id, str(title), tuple(versions), a, b, tuple(changes))


def _number(raw: str | None, default: int, numbers: list[int]) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) not in numbers:
        raise NotFound(f"there is no version {raw[:20]!r} of this record; the history lists versions {numbers[0]}-{numbers[-1]}")
    return int(raw)


# -- one version -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionJson:
    """The JSON twin of /records/ID/v/N (the HTML is the record page with its banner)."""

    version: Version
    latest: int
    template: str = "record.html"

    def json(self) -> dict[str, Any]:
        v = self.version
        return {"id": v.record_id, "version": {"number": v.number, "at": v.at, "by": v.agent, "note": v.note,
                                               "latest": self.latest},
                "record": public_json(v.record)}


def version(request: Request, archive: Archive) -> Any:
    record_id = str(request.path_params["id"])
    raw = str(request.path_params["number"])
    as_json = raw.endswith(".json")
    raw = raw[: -len(".json")] if as_json else raw
    gone = tombstone(archive, record_id)
    if gone is not None:
        return gone
    if not raw.isdigit() or len(raw) > 9:
        raise NotFound(f"{raw[:20]!r} is not a version number; versions are numbered 1, 2, 3...")
    versions = _versions(archive, record_id)
    found = archive.store.get_version(record_id, int(raw))
    if found.data is None:
        raise NotFound(f"version {raw} of record {record_id!r} holds no record")
    if as_json:
        return VersionJson(found, versions[-1].number)
    page: RecordPage = record_page(archive, found.record, str(request.base_url))
    note = version_note(archive, page, found, versions[-1].number, str(request.base_url))
    return replace(page, version=note)
