"""The names of one archive: its authority entries, the curated persons, and what is built from them.

`Names.of(store)` reads the store's live authority entries once, folds in the
curated persons fonds ships (adding those the archive lacks), generates every
variant, and builds the two things the rest of fonds asks for: the name index
that expands a search (`resolve`) and the matcher that links mentions in text
(`link`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol, Sequence

from fonds.authority import Entity, load_curated
from fonds.linking import Matcher, build_matcher, link_record, link_text
from fonds.name_lookup import NameIndex, expand
from fonds.record import Record
from fonds.romanize import fold
from fonds.variants import _full_names, complete, merge_curated

CONVERSATION_TYPES = ("Memorandum of Conversation", "Record of Conversation", "Minutes of Conversation")
RETIRED_KINDS = ("alias",)
NOT_NAMES = ("repository",)  # entries of the repository authority (fonds.repositories): not linked in text


class HasEntities(Protocol):
    def iter_entities(self, kind: str | None = None) -> object: ...


def live_entities(store: HasEntities) -> list[Entity]:
    """The store's authority entries that name persons in text: not retired aliases, not repositories."""
    return [e for e in store.iter_entities() if e.kind not in RETIRED_KINDS and e.kind not in NOT_NAMES]  # type: ignore[attr-defined]


# The last Names built, beside what it was built from: (live entries, curated persons).
_LAST_BUILT: list[tuple[tuple[tuple[Entity, ...], tuple[Entity, ...]], Names]] = []


@dataclass(frozen=True)
class Names:
    entities: tuple[Entity, ...]  # every entry with its generated variants
    missing_curated: tuple[Entity, ...]  # curated persons the archive does not hold yet
    held: tuple[Entity, ...] = ()  # every entry with the variants the authority holds (curated ones folded in)

    @classmethod
    def of(cls, store: HasEntities) -> Names:
        return cls.build(live_entities(store))

    @classmethod
    def build(cls, live: Sequence[Entity]) -> Names:
        """The Names of these live authority entries (naming_cache.names keeps them per authority state).

        A function of `live` and the curated persons alone, so the last one built is given again
        for equal entries (an ingest builds them after an authority change, and its relinking at
        the end again from the same entries: fonds.ingest_linking, convergence.relink)."""
        curated = load_curated()
        key = (tuple(live), curated)
        last = _LAST_BUILT[0] if _LAST_BUILT else None
        if last is not None and last[0] == key:
            return last[1]
        merged = merge_curated(list(live))
        known = {fold(name) for entity in merged for name in _full_names(entity)}
        missing = tuple(
            entry for entry in curated
            if not any(fold(name) in known for name in _full_names(entry))
        )
        names = cls(entities=complete([*merged, *missing]), missing_curated=missing, held=(*merged, *missing))
        _LAST_BUILT[:] = [(key, names)]
        return names

    @cached_property
    def index(self) -> NameIndex:
        return NameIndex(self.entities)

    @cached_property
    def matcher(self) -> Matcher:
        return build_matcher(self.entities)

    def entity(self, entity_id: str, *, generated: bool = False) -> Entity | None:
        """The entry with every variant the authority holds, original scripts included (`김일성`,
        `金日成`, `Ким Ир Сен` for Kim Il Sung), for a person page; None if unknown. With
        `generated`, also every spelling fonds generates (romanizations, OCR slips...).

        The store's own entry lacks the curated variants folded into it."""
        if generated:
            return self.index.entities.get(entity_id)
        return next((entity for entity in self.held if entity.id == entity_id), None)

    def resolve(self, name: str) -> Sequence[tuple[str, str]]:
        """Every spelling of the persons a name resolves to, each with why it matches."""
        return expand(name, self.index)

    def link(self, record: Record) -> Record:
        """The record with the persons its text names linked; in a conversation, those its title
        names are participants."""
        linked = link_record(record, self.matcher)
        if record.type not in CONVERSATION_TYPES:
            return linked
        title_links = {link.id: link for link in link_text(record.title, self.matcher)}
        if not title_links:
            return linked
        persons = tuple(
            replace(p, role="participant") if p.id in title_links and p.role == "mentioned" else p
            for p in linked.persons
        )
        # A participant the title names but the text never does ("I paid a visit") is linked too.
        named = {p.id for p in persons}
        persons += tuple(
            replace(link, role="participant", text=None, start=None, end=None, rendition=None)
            for entity_id, link in title_links.items()
            if entity_id not in named
        )
        return linked.with_persons(persons)

    def link_all(self, records: Sequence[Record]) -> list[Record]:
        return [self.link(record) for record in records]
