"""Store rows as records: the decoding every backend's read path shares, and the one rule for a
row that cannot be decoded (damaged or edited by hand): it is named and left out by readers, and
written anew by `Store.add` (`mend_damaged`). `base.py` is the contract these serve.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Sequence

from fonds.containment import Failures, one_line
from fonds.errors import FondsError, UnreadableRecord
from fonds.record import Record
from fonds.store.base import StoredRecord


def decode_record(record_id: str, data: str | None) -> Record:
    """The record a store row holds as Record JSON text. Raises UnreadableRecord (naming the id)
    when the text is not JSON or not a record (a row damaged or edited by hand), so that a caller
    can make it one contained failure (fonds.containment) rather than the end of its work."""
    try:
        return Record.from_dict(json.loads(data or ""))
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, FondsError) as error:
        raise UnreadableRecord(record_id, one_line(error)) from error


def stored_from_row(row: Sequence[Any], unwanted: Callable[[int], bool] | None = None) -> StoredRecord:
    """A StoredRecord from a `(id, seq, at, is_deleted, data)` row. Raises UnreadableRecord.
    `record` is None for a deleted row, and for one whose seq `unwanted` says is not wanted
    (its data is then not decoded)."""
    record_id, seq, at, is_deleted, data = row
    skipped = unwanted is not None and unwanted(int(seq))
    record = None if is_deleted or data is None or skipped else decode_record(record_id, data)
    return StoredRecord(id=record_id, seq=int(seq), at=at, is_deleted=bool(is_deleted), record=record)


def readable(record_id: str, data: str | None, failures: Failures | None) -> Record | None:
    """The decoded record, or None when the row cannot be read: that row is then counted in
    `failures` (or only logged, logger `fonds.containment`, when None is given)."""
    try:
        return decode_record(record_id, data)
    except UnreadableRecord as error:
        (failures if failures is not None else Failures("read")).add(record_id, error, trace=False)
        return None


def mend_damaged(
    known: dict[str, tuple[str | None, bool]],
    prepared: Sequence[tuple[Record, str, str]],
    fetch: Callable[[list[str]], Iterable[Sequence[Any]]],
) -> None:
    """Forget, in `known` (id -> (stored hash, is_deleted)), the hash of each live row that a
    record in `prepared` would find unchanged but whose data cannot be decoded: a row damaged or
    edited behind the store's back keeps its hash column, and `Store.add` must write it anew, so
    that ingesting its source again mends it (on every backend alike). `fetch(ids)` gives those
    rows as `(id, data)`; only rows whose hash matches are read, which on an ingest are the few
    whose fingerprint could not be read (`Store.fingerprints`)."""
    same = list(dict.fromkeys(
        record.id for record, _, digest in prepared
        if (before := known.get(record.id)) is not None and before[0] == digest and not before[1]
    ))
    if not same:
        return
    for record_id, data in fetch(same):
        try:
            decode_record(record_id, data)
        except UnreadableRecord:
            known[record_id] = (None, False)


def readable_page(
    fetch: Callable[[int, str | None, int], Sequence[Sequence[Any]]],
    *, after_seq: int, after_id: str | None, limit: int, failures: Failures | None = None,
    unwanted: Callable[[int], bool] | None = None,
) -> list[StoredRecord]:
    """`Store.list_stored`'s page: `fetch(after_seq, after_id, n)` gives up to n
    `(id, seq, at, is_deleted, data)` rows in seq order (or id order when after_id is not None).
    A row that cannot be decoded is left out and logged, and the page is filled from the rows after
    it (and counted in `failures` when given), so that a page is short only at the end and a lister
    paging on its last row goes on. `unwanted`: see `stored_from_row`."""
    found: list[StoredRecord] = []
    while True:
        wanted = limit - len(found)
        rows = fetch(after_seq, after_id, wanted)
        for row in rows:
            try:
                found.append(stored_from_row(row, unwanted))
            except UnreadableRecord as error:
                (failures if failures is not None else Failures("listing")).add(str(row[0]), error, trace=False)
        if len(rows) < wanted or len(found) >= limit:
            return found
        if after_id is not None:
            after_id = str(rows[-1][0])
        else:
            after_seq = int(rows[-1][1])
