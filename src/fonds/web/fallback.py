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

from fonds.containment import forget_page_failure, page_failures, remember_page_failure
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


def fallback_page(archive: Archive, record: Record, error: BaseException) -> FallbackPage:
    """Note the failure to draw `record`'s page and give its plain page."""
    remember_page_failure(archive.store, record.id, error)
    _failed(archive).add(record.id)
    texts = tuple(
        (rendition.kind, rendition.language or "", tuple(p.strip() for p in rendition.text.split("\n\n") if p.strip()))
        for rendition in record.renditions
    )
    return FallbackPage(record.id, record.title or record.id, texts, record.to_dict())


def drawn_path(archive: Archive, raw: str) -> None:
    """The page a record path names (`ID`, `ID.json`, `ID.bib`...) was drawn: clear a failure
    noted before. Cheap when there is none: the archive keeps the ids it knows failed, read from
    the store once per index state."""
    failed = _failed(archive)
    raw = raw.removesuffix(".json")
    for candidate in (raw, raw.rpartition(".")[0]):
        if candidate and candidate in failed:
            forget_page_failure(archive.store, candidate)
            failed.discard(candidate)


def _failed(archive: Archive) -> set[str]:
    """The ids of the records whose page failed, as this process knows them."""
    failed: set[str] = archive.cached("page-failed", lambda: set(page_failures(archive.store)))
    return failed
