"""Post-ingest steps that bring the archive to one fixed point, whatever the order of the inputs.

A record's person links depend on the authority at the time it was linked: a FRUS volume
ingested later brings a persons list that earlier records' mentions should link to. So when
an ingest (or an authority import) changes the authority, `converge` works out the
reconciliation (importers.authority_files.plan_folding: persons-list entries and curated persons
folded into the authority entries that name them), writes the entries that take names in, then
relinks the records against the authority as it will stand (`relink`: the links fonds made are
dropped and made anew, the links the importer read, FRUS `persName`, are kept and pointed at
the entry their id folds into), and last lets `reconcile` retire the folded entries. Each record
is written at most once.

Targeted relinking. A record's links depend only on the entries whose spellings its text, title
or participants hold (linking.py resolves a mention among the entries that spell it). So given
the authority before the ingest (`before`: the `Names` it linked its records with), only the
records whose text holds a spelling of an entry that is new, gone or changed in any way (a
variant added or removed, a merge, a new description) are linked again, found by a matcher
built from those entries alone (linking.names_any), old and new forms both, plus every record
that links to one of them. Without `before` (a relinking resumed after a crash, `fonds repair`)
every record is linked again. Both give the same store (tests/test_convergence.py). `before`
may name several authorities (an ingest builds its linker again after each file that brings
entries: fonds.ingest_linking); a change since any of them counts. And a record an ingest
just wrote with a linker of the authority as it still stands (`linked`) is not linked again.

Both steps are resumable. Each marks itself pending in the store before it writes
(`Store.set_pending`); relinking saves the last record id it finished after every batch, so a
run cut short (kill -9) goes on from there, every record after it linked again, on the next
ingest or `fonds repair`. Both are idempotent: run again on a store at the fixed point, they
change nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fonds.authority import Entity
from fonds.linking import SOURCE as LINKED_BY_FONDS, Matcher, build_matcher, names_any
from fonds.record import Record
from fonds.review import apply_decisions
from fonds.store.base import Store

if TYPE_CHECKING:
    from fonds.ingest_linking import Linked
    from fonds.naming import Names

RELINK = "relink"  # the pending-work mark of `relink`; its state is the last record id done
BATCH = 500


@dataclass(frozen=True)
class _Without:
    """The store's entries less those a reconciliation is about to retire: the authority as it
    will stand, for linking (naming.Names.of reads `iter_entities`)."""

    store: Store
    retired: frozenset[str]

    def iter_entities(self, kind: str | None = None) -> Iterator[Entity]:
        return (e for e in self.store.iter_entities(kind) if e.id not in self.retired)


def relink_all(store: Store, *, batch: int = BATCH, linked: Linked | None = None) -> int:
    """Link every live record (after the id a cut-short run stopped at) again against the
    authority as it will stand once reconciled, but those `linked` covers; returns how many
    records changed."""
    return relink(store, batch=batch, linked=linked)


def relink(store: Store, *, before: Sequence[Names] | None = None, linked: Linked | None = None,
           batch: int = BATCH) -> int:
    """Link records again against the authority as it will stand once reconciled: every live
    record without `before`, else only those a change since any of `before` could touch (see
    the module docstring); never a record whose last change `linked` covers while the authority
    still has the key it was linked with. Returns how many records changed (each written once,
    `batch` per transaction)."""
    from fonds.importers.authority_files import RECONCILE, plan_folding, relink as point_at
    from fonds.ingest_linking import authority_key
    from fonds.naming import Names

    pending = store.pending().get(RELINK)
    after = pending or ""
    if pending is None:
        store.set_pending(RELINK, after)
    elif pending:
        before = None  # resumed after a crash: what the cut-short run changed is not known
    folding = plan_folding(store)
    if folding.updated or folding.retired:  # `reconcile` retires the folded entries after
        store.set_pending(RECONCILE)
        store.add([], entities=folding.updated)
    skip = linked if linked is not None and linked.ranges and linked.authority == authority_key(store) else None
    names = Names.of(_Without(store, frozenset(e.id for e in folding.retired)))
    probe = None if before is None else _probe(before, names, folding.aliases)
    if probe is not None and probe[0] is None and not probe[1]:
        store.clear_pending(RELINK)  # nothing that links changed
        return 0
    curated = {entity.id: entity for entity in names.missing_curated}  # stored once a record links one
    changed = 0
    while True:
        page = store.list_stored(after_id=after, limit=batch, include_deleted=False,
                                 unwanted=skip.covers if skip is not None else None)  # not decoded
        if not page:
            break
        fresh = []
        decisions = store.link_decisions([stored.id for stored in page])
        for stored in page:
            record = stored.record
            if record is None or (skip is not None and skip.covers(stored.seq)):
                continue
            if probe is not None and not _touched(record, *probe):
                continue
            kept = point_at(tuple(link for link in record.persons if link.source != LINKED_BY_FONDS), folding.aliases)
            relinked = names.link(record.with_persons(kept))
            if decisions:  # staff's review decisions hold after a relinking as after an ingest
                relinked = apply_decisions(relinked, decisions)
            if relinked != record:
                fresh.append(relinked)
        needed = {link.id for record in fresh for link in record.persons if link.id in curated}
        changed += store.add(fresh, entities=[curated.pop(entity_id) for entity_id in sorted(needed)]).changed
        after = page[-1].id
        store.set_pending(RELINK, after)
    store.clear_pending(RELINK)
    return changed


def _probe(before: Sequence[Names], after: Names, aliases: dict[str, str]) -> tuple[Matcher | None, frozenset[str]] | None:
    """A matcher for the entries new, gone or changed between any of the earlier authorities and
    the last (old and new forms both; None if there are none), and the ids records must not keep
    linking to as they do (those entries, and every id a reconciliation folds into another).
    None when more than half the authority changed: building the matcher would cost more than
    it saves (every record is looked at, as without `before`)."""
    new = {entity.id: entity for entity in after.entities}
    moved = frozenset(alias for alias, target in aliases.items() if alias != target)
    changed: set[str] = set()
    forms: dict[tuple[str, int], Entity] = {}
    for number, names in enumerate(before):
        old = {entity.id: entity for entity in names.entities}
        for entity_id in old.keys() | new.keys():
            if old.get(entity_id) != new.get(entity_id):
                changed.add(entity_id)
                if entity_id in old:
                    forms[(entity_id, number)] = old[entity_id]
    if len(changed) > len(new) // 2:
        return None  # most of the authority is new: nearly every record is touched, look at them all
    forms.update(((entity_id, -1), new[entity_id]) for entity_id in changed if entity_id in new)
    matcher = build_matcher([forms[key] for key in sorted(forms)], generated=True) if forms else None
    return matcher, moved | changed


def _touched(record: Record, matcher: Matcher | None, moved: frozenset[str]) -> bool:
    """Whether a change could alter the record's links: it links to a moved id, or its text,
    title or participants hold a spelling of a changed entry."""
    if any(link.id in moved for link in record.persons):
        return True
    if matcher is None:
        return False
    texts = (record.title, *record.participants, *(rendition.text for rendition in record.renditions))
    return any(names_any(matcher, text) for text in texts if text)


def converge(store: Store, *, authority_changed: bool, before: Sequence[Names] | None = None,
             linked: Linked | None = None) -> tuple[int, int]:
    """Run the post-ingest steps that are due, in the order that reaches the fixed point: the
    reconciliation's new names written, the records relinked (only those a change since
    `before` could touch; all without it) when the authority changed or a relinking was cut
    short, then `reconcile` to retire what was folded. Returns (records relinked, entries merged).
    `linked`: see `relink`."""
    from fonds.importers.authority_files import RECONCILE, reconcile

    pending = store.pending()
    if not (authority_changed or RECONCILE in pending or RELINK in pending):
        return 0, 0
    store.set_pending(RECONCILE)
    relinked = 0
    if authority_changed or RELINK in pending:
        relinked = relink(store, before=before, linked=linked)
    return relinked, reconcile(store).merged
