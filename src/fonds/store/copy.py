"""Copy an archive from one store to another: SQLite to PostgreSQL and back.

Collections, authority entries and every live record are copied as they are
(Record and Entity compare equal afterwards). Records go in the order of the
source's change log, in batches of one transaction each, so the target's
change log keeps their relative order and memory stays flat.

What is not copied: the change log itself and deleted records. The target
numbers its own changes and stamps them with its own clock; a record deleted
in the source has no content left to copy, so it is counted in
`CopyResult.deleted_skipped` and left out. A source row that cannot be decoded (damaged by hand)
is left out, named in `CopyResult.unreadable`, and the rest is copied. Copying into a store that already
holds records merges: records with the same id are replaced, others stay.
Copying twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from fonds.authority import Entity
from fonds.containment import Failures
from fonds.record import Record
from fonds.store.base import AddResult, Store

Progress = Callable[[int, int], None]


@dataclass
class CopyResult:
    records: AddResult = field(default_factory=AddResult)
    collections: int = 0
    entities: int = 0
    deleted_skipped: int = 0
    unreadable: Failures = field(default_factory=lambda: Failures("copy"))  # source rows that cannot be decoded

    @property
    def copied(self) -> int:
        """Live records read from the source."""
        return self.records.added + self.records.updated + self.records.unchanged


def copy_store(source: Store, target: Store, *, progress: Progress | None = None, batch: int = 500) -> CopyResult:
    """Copy collections, authority entries and live records from `source` into `target`.

    `progress(done, total)` is called after each batch of records, with the
    number of live records copied so far and the number the source holds.
    """
    result = CopyResult()
    collections = source.collections()
    target.add([], collections=collections)
    result.collections = len(collections)

    entities: list[Entity] = []
    for entity in source.iter_entities():
        entities.append(entity)
        if len(entities) >= batch:
            result.entities += target.put_entities(entities)
            entities = []
    result.entities += target.put_entities(entities)

    total = source.stats().records
    after_seq = 0
    while True:
        page = source.list_stored(after_seq=after_seq, limit=batch, include_deleted=True, failures=result.unreadable)
        if not page:
            break
        records: list[Record] = [stored.record for stored in page if stored.record is not None]
        result.deleted_skipped += len(page) - len(records)
        if records:
            result.records += target.add(records)
            if progress is not None:
                progress(result.copied, total)
        after_seq = page[-1].seq
    return result
