"""The person page: a name with every form of it, documents over time, and who appears with them.

Names are grouped as a historian reads them: the preferred form; original scripts (Hangul, Han
characters, Cyrillic); romanizations and transliterations (Pinyin, McCune-Reischauer, Russian
transliteration...); and the spellings the documents themselves print (the authority's printed
forms and OCR slips, and the names the archive's records link to this person, with how many
documents use each). Each source is a short label ("FRUS 1961–1963, vol. VI: persons") that
links out when it is an address. Documents over time shows every year between the first and the
last, the empty ones too. "Who appears with them" is an SVG drawing (hidden from screen readers)
and the same people as a list; the drawing's box is made wide enough for every full name.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import urlsplit

from fonds.authority import CURATED_SOURCE, Entity, normalize
from fonds.errors import NotFound
from fonds.naming import Names
from fonds.record import Record
from fonds.web.pages import Archive, person_href, record_href

SHOWN = 6  # names or sources listed before the rest fold under "more"
MAX_GAP_YEARS = 200  # wider spans show only the years that have documents
SPELLING_KINDS = ("printed form", "OCR slip", "variant", "initials", "surname with title", "hyphen/space form",
                  "given name and patronymic")
_FRUS_PERSONS = re.compile(r"/historicaldocuments/(frus(\d{4})-(\d{2,4})v(\w+?))(?:p(\d+))?/persons")


@dataclass(frozen=True)
class SourceLink:
    label: str
    href: str | None
    title: str  # the source as recorded


@dataclass(frozen=True)
class NameView:
    name: str
    kind: str
    sources: tuple[SourceLink, ...] = ()
    documents: int = 0  # documents printing this spelling, for spellings found in the archive
    language: str | None = None


@dataclass(frozen=True)
class NameGroup:
    key: str
    label: str
    names: tuple[NameView, ...]

    @property
    def shown(self) -> tuple[NameView, ...]:
        return self.names[:SHOWN]

    @property
    def more(self) -> tuple[NameView, ...]:
        return self.names[SHOWN:]


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
    anchor: str = "start"
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True)
class Network:
    companions: tuple[Companion, ...]
    view_box: str  # "min-x min-y width height", wide enough for every label


@dataclass(frozen=True)
class PersonPage:
    entity: Entity
    groups: tuple[NameGroup, ...]
    sources: tuple[SourceLink, ...]
    timeline: tuple[TimelineYear, ...]
    network: Network
    records: int
    template: str = "person.html"

    @property
    def companions(self) -> tuple[Companion, ...]:
        return self.network.companions

    @property
    def sources_shown(self) -> tuple[SourceLink, ...]:
        return self.sources[:SHOWN]

    @property
    def sources_more(self) -> tuple[SourceLink, ...]:
        return self.sources[SHOWN:]

    def json(self) -> dict[str, Any]:
        data = self.entity.to_dict()
        data["names"] = {
            g.key: [{"name": n.name, "kind": n.kind, "sources": [s.title for s in n.sources], "documents": n.documents}
                    for n in g.names]
            for g in self.groups
        }
        data["records"] = [
            {"id": r[0], "title": r[1], "date": r[2], "year": y.year} for y in self.timeline for r in y.records
        ]
        data["years"] = [{"year": y.year, "records": len(y.records)} for y in self.timeline]
        data["appears_with"] = [
            {"id": c.id, "name": c.name, "records": c.together, "met": c.met} for c in self.companions
        ]
        return data


def person_page(archive: Archive, entity_id: str) -> PersonPage:
    """The page of an authority entry, or of a name records link to without one. Raises NotFound."""
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
    return PersonPage(
        entity=entity,
        groups=name_groups(entity, records),
        sources=tuple(source_link(s) for s in entity.sources),
        timeline=timeline(records),
        network=network(archive, entity_id, records),
        records=len(records),
    )


# -- names ----------------------------------------------------------------------------------


def source_link(source: str) -> SourceLink:
    """A short label for where a name comes from, linking out when the source is an address.

    `https://history.state.gov/historicaldocuments/frus1961-63v06/persons#p_KNS2` reads
    "FRUS 1961–63, vol. VI: persons"; the curated list "fonds curated list"; another address its host.
    """
    if source.startswith(("https://", "http://")):
        parts = urlsplit(source)
        found = _FRUS_PERSONS.search(parts.path)
        if found:
            volume = _roman(found.group(4))
            part = f", pt. {found.group(5)}" if found.group(5) else ""
            start, end = found.group(2), found.group(3)
            end = start[: 4 - len(end)] + end  # frus1961-63: 1961–1963
            return SourceLink(f"FRUS {start}–{end}, vol. {volume}{part}: persons", source, source)
        if parts.hostname == "history.state.gov":
            return SourceLink("Office of the Historian", source, source)
        host = (parts.hostname or source).removeprefix("www.")
        return SourceLink(host, source, source)
    if source == CURATED_SOURCE:
        return SourceLink("fonds curated list", None, source)
    label = source if len(source) <= 40 else source[:40].rsplit(" ", 1)[0] + "…"
    return SourceLink(label, None, source)


def _roman(number: str) -> str:
    """`06` as `VI` (FRUS prints volume numbers in Roman numerals); anything else as given, upper case."""
    if not number.isdigit() or not 0 < int(number) < 4000:
        return number.upper()
    value, out = int(number), ""
    for amount, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                            (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= amount:
            out, value = out + letters, value - amount
    return out


def _is_original_script(name: str) -> bool:
    """True when the name has letters outside the Latin script (Hangul, Han, Cyrillic, kana...)."""
    return any(ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in name)


def name_groups(entity: Entity, records: Sequence[Record]) -> tuple[NameGroup, ...]:
    """The entity's names in four groups: preferred, original scripts, romanizations, spellings in documents."""
    seen = {normalize(entity.preferred)}
    groups: dict[str, list[NameView]] = {"original": [], "romanized": [], "printed": []}
    for variant in entity.variants:
        key = normalize(variant.name)
        if key in seen:
            continue
        seen.add(key)
        sources = (source_link(variant.source),) if variant.source else ()
        if variant.kind == "original script" or _is_original_script(variant.name):
            group = "original"
        elif variant.kind in SPELLING_KINDS:
            group = "printed"
        else:
            group = "romanized"
        groups[group].append(NameView(variant.name, variant.kind, sources))
    printed: Counter[str] = Counter()
    forms: dict[str, str] = {}
    for record in records:
        for name in {p.name for p in record.persons if p.id == entity.id and p.name}:
            key = normalize(name)
            printed[key] += 1
            forms.setdefault(key, name)
    for key, count in printed.most_common():
        if key not in seen:
            seen.add(key)
            groups["printed"].append(NameView(forms[key], "in the documents", (), count))
    preferred = NameView(entity.preferred, "preferred", tuple(source_link(s) for s in entity.sources[:1]))
    result = [NameGroup("preferred", "Preferred form", (preferred,))]
    for key, label in (("original", "Original scripts"), ("romanized", "Romanizations and transliterations"),
                       ("printed", "Spellings in documents")):
        if groups[key]:
            result.append(NameGroup(key, label, tuple(groups[key])))
    return tuple(result)


# -- documents over time --------------------------------------------------------------------


def _names(archive: Archive) -> Names:
    """The archive's names (store entries with the curated persons folded in), built once per index state."""
    return archive.names()


def timeline(records: Sequence[Record]) -> tuple[TimelineYear, ...]:
    """Every year from the first document's to the last's (empty years too), then the undated."""
    by_year: dict[str, list[tuple[str, str, str, str]]] = {}
    for r in records:
        known = r.date.earliest or r.date.latest  # an open date (`before 1962`) by its known side
        year = known[:4] if known else "undated"
        by_year.setdefault(year, []).append((r.id, r.title, r.date.text or "undated", record_href(r.id)))
    years = sorted(int(y) for y in by_year if y != "undated" and y.lstrip("-").isdigit())
    if years and years[-1] - years[0] <= MAX_GAP_YEARS:
        for number in range(years[0], years[-1] + 1):
            by_year.setdefault(f"{number:04d}", [])
    most = max((len(v) for v in by_year.values()), default=1) or 1
    return tuple(
        TimelineYear(year, tuple(items), round(100 * len(items) / most) if items else 0)
        for year, items in sorted(by_year.items(), key=lambda kv: (kv[0] == "undated", kv[0]))
    )


# -- who appears with them ------------------------------------------------------------------

RADIUS = 150.0
FONT = 11.0  # px, as fonds.css sets .network text


def label_width(name: str) -> float:
    """The width of a label in the network's font, generously estimated (wide characters count double)."""
    return sum(FONT * (1.05 if unicodedata.east_asian_width(ch) in "WF" else 0.62) for ch in name)


def network(archive: Archive, entity_id: str, records: Sequence[Record], limit: int = 24) -> Network:
    together: Counter[str] = Counter()
    met: Counter[str] = Counter()
    for r in records:
        others = {p.id for p in r.persons if p.id != entity_id}
        together.update(others)
        if any(p.id == entity_id and p.role == "participant" for p in r.persons):
            met.update({p.id for p in r.persons if p.id != entity_id and p.role == "participant"})
    ranked = sorted(together, key=lambda k: (-met[k], -together[k], archive.person_name(k)))[:limit]
    most = max((together[k] for k in ranked), default=1)
    found = []
    left, top, right, bottom = -RADIUS - 20, -RADIUS - 20, RADIUS + 20, RADIUS + 20
    for i, other in enumerate(ranked):
        angle = 2 * math.pi * i / max(len(ranked), 1) - math.pi / 2
        x, y = round(RADIUS * math.cos(angle), 1), round(RADIUS * math.sin(angle), 1)
        name = archive.person_name(other)
        width = label_width(name)
        if abs(x) < 20:  # at the top or the bottom: centred above or below the dot
            anchor, label_x, label_y = "middle", x, (y - 10 if y < 0 else y + 18)
            left, right = min(left, x - width / 2), max(right, x + width / 2)
        elif x > 0:
            anchor, label_x, label_y = "start", x + 9, y + 4
            right = max(right, label_x + width)
        else:
            anchor, label_x, label_y = "end", x - 9, y + 4
            left = min(left, label_x - width)
        top, bottom = min(top, label_y - FONT), max(bottom, label_y + 4)
        found.append(
            Companion(other, name, person_href(other), together[other], met[other], x, y,
                      round(1 + 5 * together[other] / most, 1), anchor, label_x, label_y)
        )
    pad = 8
    box = f"{left - pad:.0f} {top - pad:.0f} {right - left + 2 * pad:.0f} {bottom - top + 2 * pad:.0f}"
    return Network(tuple(found), box)
