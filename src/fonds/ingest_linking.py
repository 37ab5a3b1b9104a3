"""The linker one ingest uses, and a note of what it linked, so that no record is linked twice.

A record's person links depend on the authority at the time it was linked; when an ingest
changes the authority (a FRUS volume brings its persons list), the post-ingest relinking
(convergence.relink_all) links every record again against the authority as it then stands.
Done naively that links every record of the batch twice. So:

1. After a file that brought authority entries is stored, the ingest reconciles at once
   (importers.authority_files.reconcile, the same step convergence runs at the end) and builds
   its linker again from the authority as it now stands; the files after it are linked with
   that one (in the worker processes, fonds.ingest_workers, which are started again with it).
2. Every file stored with the linker of the current authority is noted as change-log ranges
   (`Linked`), with a key of the authority it was built from (`authority_key`: the content hash
   of every authority entry the store holds, the only input `Names.of` has besides the curated
   persons fonds ships).
3. The relinking at the end skips a record whose last change is in those ranges, but only if
   the authority still has that key (else nothing is skipped): linking it again would give the
   record it holds.

A range is noted only when the writes in it are all this ingest's (another writer's change in
between makes the ingest leave it out) and only for a file whose records the relinking would
link from the same start: no input link made by fonds (a dump of another archive), no stored
link decision applied, no enrichment other than the linker. What is not noted is relinked as
before, so the skip can only save work, never change the result; an ingest killed part-way
loses the note and its next run relinks everything (convergence.py).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from fonds.record import Record
if TYPE_CHECKING:
    from fonds.naming import Names
from fonds.store.base import Store, content_hash

Enricher = Callable[[Sequence[Record]], Sequence[Record]]


def authority_key(store: Store) -> str:
    """A content hash of every authority entry the store holds (what `Names.of` is built from)."""
    return content_hash([entity.to_dict() for entity in store.iter_entities()])


@dataclass
class Linked:
    """Change-log ranges (first, last sequence number, both included) written by one ingest with
    a linker built from the authority whose `authority_key` is `authority`."""

    authority: str
    ranges: list[tuple[int, int]] = field(default_factory=list)

    def add(self, first: int, last: int) -> None:
        if first > last:
            return
        if self.ranges and self.ranges[-1][1] + 1 >= first:
            self.ranges[-1] = (self.ranges[-1][0], max(self.ranges[-1][1], last))
        else:
            self.ranges.append((first, last))

    def covers(self, seq: int) -> bool:
        """Whether change `seq` is in one of the ranges."""
        at = bisect.bisect_right(self.ranges, (seq, float("inf"))) - 1
        return at >= 0 and self.ranges[at][0] <= seq <= self.ranges[at][1]


class IngestLinker:
    """The linker of one ingest: built from the store's authority (storing the curated persons the
    archive lacks, which linked records may point to), built again when the authority changes."""

    def __init__(self, store: Store, enrich: Enricher | None) -> None:
        self.extra = enrich
        self.curated_added = 0
        self.merged = 0
        self.history: list[Names] = []
        self._build(store)

    def _build(self, store: Store) -> None:
        from fonds.naming import Names

        names = Names.of(store)
        if names.missing_curated:
            self.curated_added += store.put_entities(names.missing_curated)
        names.matcher  # built once here: forked workers inherit it (fonds.ingest_workers)
        self.names = names
        self.history.append(names)  # every authority a record of this ingest was linked with (convergence.relink)
        self.linked = Linked(authority_key(store))

    @property
    def enrich(self) -> Enricher:
        """The records of one file, linked (then passed to the caller's own enrichment, if any)."""
        link_all = self.names.link_all
        extra = self.extra
        if extra is None:
            return link_all
        return lambda records: extra(link_all(records))

    @property
    def plain(self) -> bool:
        """Whether linking is all the enrichment (so the relinking would redo exactly it)."""
        return self.extra is None

    def rebuild(self, store: Store) -> None:
        """After a file changed the authority: reconcile now, and link what follows with the
        authority as it then stands (what was noted so far no longer holds)."""
        from fonds.importers.authority_files import reconcile

        self.merged += reconcile(store).merged
        self._build(store)

    def note(self, store: Store, before: int, record_ids: Sequence[str]) -> None:
        """Note the changes a file's `add` just wrote (after change `before`) as linked with the
        current linker, if every change since `before` is one of `record_ids`."""
        last = store.last_seq()
        if last <= before:
            return
        ids = set(record_ids)
        changes = store.changes_since(before, limit=last - before)
        if all(change.record_id in ids and change.op == "upsert" for change in changes if change.seq <= last):
            self.linked.add(before + 1, last)
