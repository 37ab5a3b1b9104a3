"""Link review: editors accept or reject the person links fonds was not sure of.

Every link fonds finds carries its provenance (`PersonLink.rule`, the spelling matched in
`text`) and a `confidence`. Links under `THRESHOLD` wait in the review queue
(`/staff/review`). A decision is stored apart from the record, keyed by record, person and
mention (`rendition:start:end`, or `participant`), and `apply_decisions` is run after every
linking (ingest, edit, relinking), so a decision survives re-ingest and relinking: a
rejected link never comes back, an accepted one is kept at confidence 1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Sequence

from fonds.linking import SOURCE as LINKER
from fonds.record import PersonLink, Record
from fonds.store.base import Store
from fonds.store.curation import LinkDecision

THRESHOLD = 0.8


def mention_key(link: PersonLink) -> str:
    """Where a link stands: `rendition:start:end`, or `participant` for a participants-list link."""
    if link.start is None or link.end is None or link.rendition is None:
        return "participant" if link.role == "participant" else "record"
    return f"{link.rendition}:{link.start}:{link.end}"


def needs_review(link: PersonLink, threshold: float = THRESHOLD) -> bool:
    """A link fonds made itself with a confidence under the threshold."""
    return link.source == LINKER and link.confidence is not None and link.confidence < threshold


def apply_decisions(record: Record, decisions: Iterable[LinkDecision]) -> Record:
    """The record with rejected links removed and accepted ones at confidence 1."""
    mine = {(d.entity_id, d.mention): d.decision for d in decisions if d.record_id == record.id}
    if not mine:
        return record
    kept = []
    for link in record.persons:
        decision = mine.get((link.id, mention_key(link)))
        if decision == "rejected":
            continue
        kept.append(replace(link, confidence=1.0) if decision == "accepted" else link)
    return record.with_persons(tuple(kept))


def apply_stored_decisions(store: Store, records: Sequence[Record]) -> list[Record]:
    """`apply_decisions` with the store's decisions on these records."""
    decisions = store.link_decisions([r.id for r in records])
    if not decisions:
        return list(records)
    return [apply_decisions(record, decisions) for record in records]


@dataclass(frozen=True)
class Pending:
    """One link waiting for review, with the words around it."""

    record_id: str
    title: str
    link: PersonLink
    mention: str
    before: str
    after: str


def queue(store: Store, *, limit: int = 50, threshold: float = THRESHOLD) -> Iterator[Pending]:
    """Links under the threshold that no one has decided on yet, in record id order.

    Reads every record: fine for the archives fonds serves from one file; a large archive
    works through it `limit` at a time."""
    decided = {(d.record_id, d.entity_id, d.mention) for d in store.link_decisions()}
    given = 0
    for record in store.iter_records():
        for link in record.persons:
            if not needs_review(link, threshold):
                continue
            key = mention_key(link)
            if (record.id, link.id, key) in decided:
                continue
            before = after = ""
            if link.rendition is not None and link.start is not None and link.end is not None \
                    and link.rendition < len(record.renditions):
                text = record.renditions[link.rendition].text
                before, after = text[max(0, link.start - 80):link.start], text[link.end:link.end + 80]
            yield Pending(record.id, record.title, link, key, before, after)
            given += 1
            if given >= limit:
                return
