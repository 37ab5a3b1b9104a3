"""The person page: a name with every variant, documents over time, and who appears with them."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from fonds.authority import Entity
from fonds.errors import NotFound
from fonds.naming import Names
from fonds.record import Record
from fonds.web.pages import Archive, person_href, record_href


@dataclass(frozen=True)
class TimelineYear:
    year: str
    records: tuple[tuple[str, str, str, str], ...]  # id, title, date text, href
    height: int  # bar height, 0-100


@dataclass(frozen=True)
class Companion:
    id: str
    name: str
    href: str
    together: int
    met: int  # memoranda of conversation where both took part
    x: float = 0.0
    y: float = 0.0
    width: float = 1.0

    @property
    def anchor(self) -> str:
        return "middle" if abs(self.x - 200) < 20 else "start" if self.x > 200 else "end"

    @property
    def label_x(self) -> float:
        return self.x if self.anchor == "middle" else self.x + (9 if self.x > 200 else -9)

    @property
    def label_y(self) -> float:
        if self.anchor == "middle":
            return self.y - 10 if self.y < 200 else self.y + 18
        return self.y + 4


@dataclass(frozen=True)
class PersonPage:
    entity: Entity
    timeline: tuple[TimelineYear, ...]
    companions: tuple[Companion, ...]
    records: int
    template: str = "person.html"

    def json(self) -> dict[str, Any]:
        data = self.entity.to_dict()
        data["records"] = [
            {"id": r[0], "title": r[1], "date": r[2], "year": y.year} for y in self.timeline for r in y.records
        ]
        data["appears_with"] = [
            {"id": c.id, "name": c.name, "records": c.together, "met": c.met} for c in self.companions
        ]
        return data


def person_page(archive: Archive, entity_id: str) -> PersonPage:
    records = archive.store.records_of_entity(entity_id, limit=2000)
    try:
        entity = _names(archive).entity(entity_id) or archive.store.get_entity(entity_id)  # curated variants too
    except NotFound:
        names = [p.name for r in records for p in r.persons if p.id == entity_id]
        if not names:
            raise NotFound(
                f"there is no person {entity_id!r} in this archive; search for the name instead"
            ) from None
        entity = Entity(id=entity_id, preferred=Counter(names).most_common(1)[0][0])
    return PersonPage(entity, timeline(records), companions(archive, entity_id, records), len(records))


def _names(archive: Archive) -> Names:
    """The archive's names (store entries with the curated persons folded in), built once per index state."""
    names: Names = archive.cached("names", lambda: Names.of(archive.store))
    return names


def timeline(records: Sequence[Record]) -> tuple[TimelineYear, ...]:
    by_year: dict[str, list[tuple[str, str, str, str]]] = {}
    for r in records:
        known = r.date.earliest or r.date.latest  # an open date (`before 1962`) by its known side
        year = known[:4] if known else "undated"
        by_year.setdefault(year, []).append((r.id, r.title, r.date.text or "undated", record_href(r.id)))
    most = max((len(v) for v in by_year.values()), default=1)
    return tuple(
        TimelineYear(year, tuple(items), max(4, round(100 * len(items) / most)))
        for year, items in sorted(by_year.items(), key=lambda kv: (kv[0] == "undated", kv[0]))
    )


def companions(archive: Archive, entity_id: str, records: Sequence[Record], limit: int = 24) -> tuple[Companion, ...]:
    together: Counter[str] = Counter()
    met: Counter[str] = Counter()
    for r in records:
        others = {p.id for p in r.persons if p.id != entity_id}
        together.update(others)
        is_participant = any(p.id == entity_id and p.role == "participant" for p in r.persons)
        if is_participant:
            met.update({p.id for p in r.persons if p.id != entity_id and p.role == "participant"})
    ranked = sorted(together, key=lambda k: (-met[k], -together[k], archive.person_name(k)))[:limit]
    most = max((together[k] for k in ranked), default=1)
    found = []
    for i, other in enumerate(ranked):
        angle = 2 * math.pi * i / max(len(ranked), 1) - math.pi / 2
        found.append(
            Companion(
                id=other,
                name=archive.person_name(other),
                href=person_href(other),
                together=together[other],
                met=met[other],
                x=round(200 + 150 * math.cos(angle), 1),
                y=round(200 + 150 * math.sin(angle), 1),
                width=round(1 + 5 * together[other] / most, 1),
            )
        )
    return tuple(found)
