"""Post-ingest steps that bring the archive to one fixed point, whatever the order of the inputs.

A record's person links depend on the authority at the time it was linked: a FRUS volume
ingested later brings a persons list that earlier records' mentions should link to. So when
an ingest (or an authority import) changes the authority, `reconcile` first folds persons-list
entries and curated persons into the authority entries that name them
(importers.authority_files), then `relink_all` links every record again against the authority
as it now stands (the links fonds made are dropped and made anew, the links the importer read,
FRUS `persName`, are kept), then `reconcile` runs once more for what the relinking linked.

Both steps are resumable. Each marks itself pending in the store before it writes
(`Store.set_pending`); `relink_all` saves the last record id it finished after every batch,
so a run cut short (kill -9) goes on from there on the next ingest or `fonds repair`. Both are
idempotent: run again on a store at the fixed point, they change nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fonds.linking import SOURCE as LINKED_BY_FONDS
from fonds.store.base import Store

if TYPE_CHECKING:
    from fonds.ingest_linking import Linked

RELINK = "relink"  # the pending-work mark of `relink_all`; its state is the last record id done
BATCH = 500


def relink_all(store: Store, *, batch: int = BATCH, linked: Linked | None = None) -> int:
    """Link every live record again against the current authority; returns how many changed.

    `linked`: the changes an ingest just wrote with a linker of the authority as it stands
    (fonds.ingest_linking); their records are not linked again, as long as the authority still
    has the key they were linked with."""
    from fonds.ingest_linking import authority_key
    from fonds.naming import Names

    after = store.pending().get(RELINK)
    if after is None:
        after = ""
        store.set_pending(RELINK, after)
    names = Names.of(store)
    skip = linked if linked is not None and linked.ranges and linked.authority == authority_key(store) else None
    curated = {entity.id: entity for entity in names.missing_curated}  # stored once a record links one
    changed = 0
    while True:
        page = store.list_stored(after_id=after, limit=batch, include_deleted=False)
        if not page:
            break
        fresh = []
        for stored in page:
            record = stored.record
            if record is None or (skip is not None and skip.covers(stored.seq)):
                continue
            kept = tuple(link for link in record.persons if link.source != LINKED_BY_FONDS)
            relinked = names.link(record.with_persons(kept))
            if relinked != record:
                fresh.append(relinked)
        needed = {link.id for record in fresh for link in record.persons if link.id in curated}
        changed += store.add(fresh, entities=[curated.pop(entity_id) for entity_id in sorted(needed)]).changed
        after = page[-1].id
        store.set_pending(RELINK, after)
    store.clear_pending(RELINK)
    return changed


def converge(store: Store, *, authority_changed: bool, linked: Linked | None = None) -> tuple[int, int]:
    """Run the post-ingest steps that are due, in the order that reaches the fixed point:
    reconcile (so curated persons and persons-list entries are folded before anything links to
    them), relink every record when the authority changed or a relinking was cut short, then
    reconcile what the relinking linked. Returns (records relinked, entries merged). `linked`:
    see `relink_all`."""
    from fonds.importers.authority_files import RECONCILE, reconcile

    merged = 0
    if authority_changed or RECONCILE in store.pending():
        merged += reconcile(store).merged
    relinked = relink_all(store, linked=linked) if authority_changed or RELINK in store.pending() else 0
    if relinked:
        merged += reconcile(store).merged
    return relinked, merged
