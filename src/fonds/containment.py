"""Per-record containment: a record an operation cannot handle is one failure, never the end of it.

Belt and braces behind the door (importers.record_schema): should a stored record still break
the code that indexes, dumps, exports or serves it (a fault of fonds, or a store written by an
older one), the operation leaves that record out and goes on. Each failure is logged with its
traceback (logger `fonds.containment`), counted, and named in what the operation reports: a
dump's summary and exit status, `fonds check`.

Failures to index a record are also kept in the store as pending work (`index-failed:ID`,
its state the message), so that `fonds check` lists them for staff however long ago they
happened, and the index tries each again on its next update; the mark is cleared when the
record is indexed or deleted. A record whose page could not be drawn is kept the same way
(`page-failed:ID`): the reader gets the record's plain text instead of a 500
(web/fallback.py), staff see it listed, and the mark goes when the page is drawn again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

LOG = logging.getLogger("fonds.containment")
INDEX_FAILED = "index-failed:"  # pending-work prefix of a record the index could not take
PAGE_FAILED = "page-failed:"  # pending-work prefix of a record whose web page could not be drawn
SHOWN = 10  # failures named in a summary; the rest are counted


class PendingWork(Protocol):
    def pending(self) -> dict[str, str]: ...
    def set_pending(self, task: str, state: str = "") -> None: ...
    def clear_pending(self, task: str) -> None: ...


@dataclass(frozen=True)
class Failure:
    """One record an operation left out: its id and what went wrong (the exception, one line)."""

    record_id: str
    message: str

    def __str__(self) -> str:
        return f"record {self.record_id!r}: {self.message}"


@dataclass
class Failures:
    """The records one operation (`dump`, `index`, `oai`...) could not handle."""

    operation: str
    items: list[Failure] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def ids(self) -> list[str]:
        return [failure.record_id for failure in self.items]

    def add(self, record_id: str, error: BaseException, *, trace: bool = True) -> Failure:
        """Count and log one failure (with its traceback unless `trace` is False: an error whose
        message says all, such as a stored row that cannot be decoded); returns it."""
        message = one_line(error)
        LOG.error("%s: record %r left out: %s", self.operation, record_id, message, exc_info=error if trace else None)
        failure = Failure(record_id, message)
        self.items.append(failure)
        return failure

    @contextmanager
    def guard(self, record_id: str) -> Iterator[None]:
        """Run the block for one record; an exception in it (not KeyboardInterrupt or SystemExit)
        becomes a failure of that record and the block is left."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - belt and braces: one record, not the operation
            self.add(record_id, error)

    def summary(self) -> str:
        """`2 records left out (could not be written): 'a', 'b'`, or "" when none."""
        if not self.items:
            return ""
        named = ", ".join(repr(i) for i in self.ids[:SHOWN])
        more = f" and {len(self.items) - SHOWN} more" if len(self.items) > SHOWN else ""
        noun = "record" if len(self.items) == 1 else "records"
        return f"{len(self.items)} {noun} left out of the {self.operation} (the log has the details): {named}{more}"


def one_line(error: BaseException) -> str:
    """`ValueError: what it said`, on one line, at most 300 characters."""
    text = " ".join(str(error).split()) or "no message"
    return f"{type(error).__name__}: {text}"[:300]


def remember_index_failures(store: PendingWork, failures: Failures, indexed: list[str], *,
                            complete: bool = False) -> None:
    """Keep the index's failures as pending work in the store and clear the marks of records
    indexed since (see the module docstring); `complete` (a whole rebuild, every live record tried)
    clears every other mark too, a gone record's included. A store that cannot be written
    (read-only) only logs."""
    try:
        marks = {task for task in store.pending() if task.startswith(INDEX_FAILED)}
        failed = {INDEX_FAILED + record_id for record_id in failures.ids}
        cleared = marks - failed if complete else {INDEX_FAILED + record_id for record_id in indexed} & marks
        for task in sorted(cleared):
            store.clear_pending(task)
        for failure in failures.items:
            store.set_pending(INDEX_FAILED + failure.record_id, failure.message)
    except Exception as error:  # noqa: BLE001 - a read-only store: the log still has them
        LOG.warning("index: could not note %d failed records in the store: %s", len(failures), one_line(error))


def index_failures(store: PendingWork) -> dict[str, str]:
    """Record id -> what went wrong, for every record the index could not take."""
    return {task[len(INDEX_FAILED):]: state for task, state in store.pending().items() if task.startswith(INDEX_FAILED)}


def page_failures(store: PendingWork) -> dict[str, str]:
    """Record id -> what went wrong, for every record whose web page could not be drawn."""
    return {task[len(PAGE_FAILED):]: state for task, state in store.pending().items() if task.startswith(PAGE_FAILED)}


def remember_page_failure(store: PendingWork, record_id: str, error: BaseException) -> Failure:
    """Log one record page that could not be drawn (with its traceback) and keep it as pending
    work for staff; a store that cannot be written (a read-only node) only logs. Returns the failure."""
    failure = Failures("page").add(record_id, error)
    try:
        store.set_pending(PAGE_FAILED + record_id, failure.message)
    except Exception as note_error:  # noqa: BLE001 - a read-only store: the log still has it
        LOG.warning("page: could not note the failed record %r in the store: %s", record_id, one_line(note_error))
    return failure


def forget_page_failure(store: PendingWork, record_id: str) -> None:
    """Clear the mark of a record whose page is drawn again (nothing if it has none or the store is read-only)."""
    try:
        if PAGE_FAILED + record_id in store.pending():
            store.clear_pending(PAGE_FAILED + record_id)
    except Exception as note_error:  # noqa: BLE001 - a read-only store keeps its marks until the primary clears them
        LOG.warning("page: could not clear the mark of record %r: %s", record_id, one_line(note_error))
