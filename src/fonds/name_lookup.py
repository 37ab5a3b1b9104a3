"""Looking names up: which authority entries a spelling names, and why.

`NameIndex` is built once from entities (with the variants variants.py generates) and answers
"which entries does this spelling name, and why?" for `explain` (`fonds authority variants NAME`)
and `expand` (the query's OR of phrases over all variants).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from fonds.authority import Entity, Variant, normalize
from fonds.romanize import fold, ocr_fold
from fonds.variants import _readings, complete


@dataclass(frozen=True)
class Match:
    """One entry a spelling names, through which variant, and how."""

    entity_id: str
    preferred: str
    variant: str
    kind: str
    source: str | None
    how: str  # "exact", "OCR slip" or "family name"

    @property
    def why(self) -> str:
        slip = re.match(r"rule: OCR slip for (.+) \(", self.source or "")
        if self.kind == "OCR slip" and slip:
            return f"OCR slip for {slip.group(1)}"
        if self.how == "OCR slip":
            return f"OCR slip for {self.variant}"
        if self.how == "family name":
            return f"family name of {self.preferred}"
        if self.variant == self.preferred:
            return f"preferred name of {self.preferred}"
        return f"{self.kind} of {self.preferred}"


class NameIndex:
    """Folded spelling -> the entries it names, built once from entities (with generated variants)."""

    def __init__(self, entities: Iterable[Entity], *, generated: bool = False) -> None:
        done = tuple(entities) if generated else complete(entities)
        self.entities: dict[str, Entity] = {e.id: e for e in done}
        self.exact: dict[str, list[tuple[str, Variant]]] = {}
        self.ocr: dict[str, list[tuple[str, Variant]]] = {}
        self.family: dict[str, list[str]] = {}
        for entity in done:
            for variant in (Variant(entity.preferred, "preferred"), *entity.variants):
                key = fold(variant.name)
                if not key:
                    continue
                self.exact.setdefault(key, []).append((entity.id, variant))
                self.ocr.setdefault(ocr_fold(key), []).append((entity.id, variant))
            family = entity.family or _readings(entity)[0].family
            self.family.setdefault(fold(family), []).append(entity.id)

    def lookup(self, name: str) -> list[Match]:
        """The entries a spelling names: exact variants first, then OCR slips, then family names."""
        key = fold(name)
        found: dict[str, Match] = {}
        spelled = normalize(name)
        exact = sorted(self.exact.get(key, ()), key=lambda item: item[1].name != spelled)
        for entity_id, variant in exact:
            found.setdefault(entity_id, self._match(entity_id, variant, "exact"))
        for entity_id, variant in self.ocr.get(ocr_fold(key), ()):
            found.setdefault(entity_id, self._match(entity_id, variant, "OCR slip"))
        if not found:
            for entity_id in self.family.get(key, ()):
                entity = self.entities[entity_id]
                found.setdefault(entity_id, Match(entity_id, entity.preferred, name, "family name", None, "family name"))
        return list(found.values())

    def _match(self, entity_id: str, variant: Variant, how: str) -> Match:
        entity = self.entities[entity_id]
        return Match(entity_id, entity.preferred, variant.name, variant.kind, variant.source, how)


def _index(entities: Iterable[Entity] | NameIndex) -> NameIndex:
    return entities if isinstance(entities, NameIndex) else NameIndex(entities)


def explain(name: str, entities: Iterable[Entity] | NameIndex) -> list[Match]:
    """What fonds will match for NAME and why: the backing of `fonds authority variants NAME`."""
    return _index(entities).lookup(name)


def format_matches(name: str, matches: list[Match], index: NameIndex | None = None) -> list[str]:
    """Lines of text for `fonds authority variants NAME`: each entry, why it matched, and its variants."""
    if not matches:
        return [f"{name}: no authority entry; a search falls back to fuzzy matching"]
    lines = []
    for match in matches:
        lines.append(f"{name} -> {match.preferred} ({match.entity_id}): {match.why}")
        if index is not None and match.entity_id in index.entities:
            for variant in index.entities[match.entity_id].variants:
                source = f" [{variant.source}]" if variant.source else ""
                lines.append(f"  {variant.name}  ({variant.kind}){source}")
    return lines


def expand(name: str, entities: Iterable[Entity] | NameIndex) -> list[tuple[str, str]]:
    """(spelling, why) for every variant of the entries NAME names, the spelling given first.

    `Kim II Sung` gives ("Kim II Sung", "Kim II Sung: OCR slip for Kim Il Sung"),
    then Kim Il Sung, Kim Il-sung, 김일성, Kim Ir Sen ... each with its kind.
    """
    index = _index(entities)
    matches = index.lookup(name)
    if not matches:
        return []
    spellings: dict[str, str] = {name: f"{name}: {matches[0].why}"}
    for match in matches:
        entity = index.entities[match.entity_id]
        spellings.setdefault(entity.preferred, f"{entity.preferred}: preferred name of {entity.id}")
        for variant in entity.variants:
            if variant.kind == "surname with title":
                continue
            spellings.setdefault(variant.name, f"{variant.name}: {variant.kind} of {entity.preferred}")
    return list(spellings.items())
