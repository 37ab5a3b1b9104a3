"""One family of exceptions. Errors seen on the web carry their HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


class FondsError(Exception):
    """Any error fonds reports to a user: the message says what, where and what to do."""

    status = 500


class ConfigError(FondsError):
    status = 500


class RecordError(FondsError):
    """A record (or a whole input file) that cannot be read."""

    status = 400


class QueryError(FondsError):
    """A search the user typed that cannot be parsed."""

    status = 400


class BadRequest(FondsError):
    """A page's parameter that cannot be read (a page number that is not one)."""

    status = 400


class NotFound(FondsError):
    status = 404


class StoreError(FondsError):
    status = 500


class UnreadableRecord(StoreError):
    """A stored record row that cannot be decoded as Record JSON (damaged or edited by hand)."""

    def __init__(self, record_id: str, reason: str) -> None:
        super().__init__(
            f"record {record_id!r}: its stored data cannot be read ({reason}); `fonds check` lists it: "
            "ingest the record again from its source file, or restore it from a dump"
        )
        self.record_id = record_id
        self.reason = reason


class ReadOnlyError(StoreError):
    """A write asked of a read-only store: a hot standby, or a node started with --read-only."""

    status = 403


class ExportError(FondsError):
    status = 400


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where, and what."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"
