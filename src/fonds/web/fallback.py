"""A record whose page cannot be drawn still answers: its plain text, never a 500.

Belt and braces behind the door (importers.record_schema, fonds.containment): should a stored
record break the code that draws its page (`/records/ID`, its JSON twin and exports), the
reader gets the record as stored, its title, identifier and texts as plain paragraphs, with a
note that the full page could not be shown, status 200. The failure is logged with its
traceback, kept in the store as pending work (`page-failed:ID`) so that `fonds check` and the
staff home list it, and forgotten when the page is drawn again.

Views opt in by naming the path parameter that holds the record id (`contains_record`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fonds.containment import forget_page_failure, remember_page_failure
from fonds.errors import NotFound
from fonds.record import Record
from fonds.web.pages import Archive

NOTE = "This record's full page could not be shown; here is its text as stored. Staff have been told."


@dataclass(frozen=True)
class FallbackPage:
    """The record as stored, for the reader, when its page could not be drawn."""

    record_id: str
    title: str
    texts: tuple[tuple[str, str, tuple[str, ...]], ...] = field(default_factory=tuple)  # (kind, lang, paragraphs)
    stored: dict[str, Any] = field(default_factory=dict)
    note: str = NOTE
    template: str = "record_fallback.html"

    def json(self) -> dict[str, Any]:
        return {"id": self.record_id, "note": self.note, "record": self.stored}


def stored_record(archive: Archive, raw: str) -> Record | None:
    """The record a record path names (`ID`, `ID.json` handled by the caller, `ID.bib`...), or None."""
    for candidate in (raw, raw.rpartition(".")[0]):
        if not candidate:
            continue
        try:
            return archive.store.get(candidate)
        except NotFound:
            continue
    return None


def fallback_page(archive: Archive, raw: str, error: BaseException) -> FallbackPage | None:
    """Note the failure and give the plain page of the record `raw` names; None when the path
    names no record (the caller answers as it would have, the error goes on)."""
    record = stored_record(archive, raw)
    if record is None:
        return None
    remember_page_failure(archive.store, record.id, error)
    note_failed(archive, record.id)
    texts = tuple(
        (rendition.kind, rendition.language or "", tuple(p.strip() for p in rendition.text.split("\n\n") if p.strip()))
        for rendition in record.renditions
    )
    return FallbackPage(record.id, record.title or record.id, texts, record.to_dict())


def drawn(archive: Archive, record_id: str) -> None:
    """The page of `record_id` was drawn: clear a failure noted before (cheap when there is none:
    the archive keeps the ids it knows failed, read once per process)."""
    failed: set[str] = archive.cached("page-failed", lambda: _failed_ids(archive))
    if record_id in failed:
        forget_page_failure(archive.store, record_id)
        failed.discard(record_id)


def note_failed(archive: Archive, record_id: str) -> None:
    """Remember in this process that `record_id`'s page failed (so `drawn` clears it later)."""
    failed: set[str] = archive.cached("page-failed", lambda: _failed_ids(archive))
    failed.add(record_id)


def _failed_ids(archive: Archive) -> set[str]:
    from fonds.containment import page_failures

    return set(page_failures(archive.store))


def drawn_path(archive: Archive, raw: str) -> None:
    """`drawn` for the record a record path names, when the archive noted it as failed."""
    failed: set[str] = archive.cached("page-failed", lambda: _failed_ids(archive))
    raw = raw.removesuffix(".json")
    for candidate in (raw, raw.rpartition(".")[0]):
        if candidate and candidate in failed:
            drawn(archive, candidate)
