"""Editors' changes to the authority: edit a person, merge two, split one.

- edit: preferred name, variants (one per line), dates, note (the entry's description);
  variants fonds generated are made again from the new names when names are next built.
- merge: every record linking to the merged person is re-pointed to the one kept (each a new
  version, by the editor), the kept entry gains the merged one's names as variants, and the
  merged id stays as an `alias` entry pointing to the kept one, so its old address redirects.
- split: the links of the chosen records move to a new entry with its own name.

Each returns what changed; callers write the audit log.
"""

from __future__ import annotations

import re
from dataclasses import replace

from fonds.authority import Entity, Variant
from fonds.errors import FondsError, NotFound
from fonds.record import Record
from fonds.store.base import Store

ALIAS = "alias"


class AuthorityEditError(FondsError):
    status = 400


def resolve_alias(store: Store, entity_id: str) -> str | None:
    """The id an alias entry points to, or None if the id is no alias."""
    try:
        entity = store.get_entity(entity_id)
    except NotFound:
        return None
    if entity.kind == ALIAS and entity.sources:
        return entity.sources[0]
    return None


def edit_person(entity: Entity, *, preferred: str, variants: str, dates: str, note: str) -> Entity:
    """The entry with new names, dates and note. Raises AuthorityEditError for an empty name."""
    preferred = " ".join(preferred.split())
    if not preferred:
        raise AuthorityEditError(f"person {entity.id}: a person needs a preferred name")
    names = [" ".join(line.split()) for line in variants.splitlines()]
    kinds = {v.name: v for v in entity.variants}
    kept = tuple(kinds.get(name, Variant(name, "variant", "edited")) for name in dict.fromkeys(n for n in names if n))
    return replace(entity, preferred=preferred, variants=kept, dates=dates.strip() or None,
                   description=note.strip() or None)


def variants_text(entity: Entity) -> str:
    return "\n".join(v.name for v in entity.variants)


def _records_linking(store: Store, entity_id: str) -> list[Record]:
    found: dict[str, Record] = {}
    while True:
        batch = [r for r in store.records_of_entity(entity_id, limit=1000) if r.id not in found]
        if not batch:
            return list(found.values())
        found.update((r.id, r) for r in batch)
        if len(batch) < 1000:
            return list(found.values())


def merge_persons(store: Store, merged_id: str, kept_id: str, *, agent: str) -> int:
    """Fold person `merged_id` into `kept_id`; returns how many records were re-pointed."""
    if merged_id == kept_id:
        raise AuthorityEditError(f"person {merged_id}: a person cannot be merged into itself")
    merged, kept = store.get_entity(merged_id), store.get_entity(kept_id)
    if ALIAS in (merged.kind, kept.kind):
        raise AuthorityEditError("one of the two persons was already merged into another; merge into that one")
    moved = []
    for record in _records_linking(store, merged_id):
        persons = []
        for link in record.persons:
            link = replace(link, id=kept_id, name=kept.preferred) if link.id == merged_id else link
            if link not in persons:
                persons.append(link)
        moved.append(record.with_persons(tuple(persons)))
    extra = (Variant(merged.preferred, "merged", merged_id), *merged.variants)
    alias = replace(merged, kind=ALIAS, description=f"see {kept_id}", sources=(kept_id,), variants=())
    store.add(moved, entities=[kept.with_variants(extra), alias], agent=agent,
              note=f"person {merged_id} merged into {kept_id}")
    store.move_link_decisions({merged_id: kept_id})
    return len(moved)


def split_person(store: Store, entity_id: str, *, new_id: str, preferred: str, record_ids: list[str],
                 agent: str) -> int:
    """Move the links to `entity_id` in the given records to a new person; returns records changed."""
    preferred = " ".join(preferred.split())
    if not preferred or not re.match(r"^[\w:.#-]{1,200}$", new_id):
        raise AuthorityEditError("a split needs the new person's name and an id of letters, digits and : . # -")
    try:
        store.get_entity(new_id)
    except NotFound:
        pass
    else:
        raise AuthorityEditError(f"person {new_id} exists already; choose another id or merge instead")
    old = store.get_entity(entity_id)
    records = []
    for record_id in record_ids:
        record = store.get(record_id)
        if not any(p.id == entity_id for p in record.persons):
            raise AuthorityEditError(f"record {record_id} does not name person {entity_id}")
        records.append(record.with_persons(tuple(
            replace(p, id=new_id, name=preferred) if p.id == entity_id else p for p in record.persons)))
    new = Entity(id=new_id, preferred=preferred, kind=old.kind, sources=(f"split from {entity_id}",))
    store.add(records, entities=[new], agent=agent, note=f"person {entity_id} split: {new_id}")
    return len(records)
