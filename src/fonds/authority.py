"""Name authority: persons, organizations and places with a preferred name and variants.

Plain data, like `record.py`. Each variant says what kind of form it is
(a romanization system, an OCR slip, initials, original script...) and where
it came from, so that a search hit can say why it matched.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, replace
from importlib.resources import files
from typing import Any, Mapping

ENTITY_KINDS = ("person", "organization", "place", "repository")

# What a variant is. Russian transliterations name their scheme after a colon:
# "Russian transliteration: BGN/PCGN".
VARIANT_KINDS = (
    "preferred",
    "printed form",
    "original script",
    "McCune-Reischauer",
    "Revised Romanization",
    "Wade-Giles",
    "Pinyin",
    "Russian transliteration",
    "OCR slip",
    "initials",
    "given name and patronymic",
    "surname with title",
    "hyphen/space form",
    "variant",
)


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str = "variant"
    source: str | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    preferred: str
    kind: str = "person"
    description: str | None = None
    variants: tuple[Variant, ...] = ()
    sources: tuple[str, ...] = ()
    dates: str | None = None
    family: str | None = None
    given: str | None = None
    language: str | None = None
    titles: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The preferred name and every variant, without repeats."""
        seen: dict[str, None] = {normalize(self.preferred): None}
        for variant in self.variants:
            seen.setdefault(normalize(variant.name), None)
        return tuple(seen)

    def with_variants(self, variants: tuple[Variant, ...]) -> Entity:
        known = {(normalize(v.name), v.kind) for v in self.variants}
        extra = tuple(v for v in variants if (normalize(v.name), v.kind) not in known)
        return replace(self, variants=self.variants + extra)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "kind": self.kind,
            "preferred": self.preferred,
            "description": self.description,
            "dates": self.dates,
            "variants": [{"name": v.name, "kind": v.kind, "source": v.source} for v in self.variants],
            "sources": list(self.sources),
        }
        # The name parts are written only when known, so older entries keep their shape.
        parts = {"family": self.family, "given": self.given, "language": self.language, "titles": list(self.titles)}
        data.update({key: value for key, value in parts.items() if value})
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            kind=data.get("kind", "person"),
            preferred=data["preferred"],
            description=data.get("description"),
            dates=data.get("dates"),
            variants=tuple(Variant(**v) for v in data.get("variants") or ()),
            sources=tuple(data.get("sources") or ()),
            family=data.get("family"),
            given=data.get("given"),
            language=data.get("language"),
            titles=tuple(data.get("titles") or ()),
        )


def normalize(name: str) -> str:
    """A name in Unicode NFC with its spaces collapsed: the form names are compared in."""
    return " ".join(unicodedata.normalize("NFC", name).split())


CURATED_SOURCE = "curated: fonds/data/persons.json"


def load_curated() -> tuple[Entity, ...]:
    """The curated persons shipped with fonds (heads of state, ministers, envoys), without generated variants."""
    text = files("fonds").joinpath("data", "persons.json").read_text(encoding="utf-8")
    return tuple(_curated_entity(item) for item in json.loads(text)["persons"])


def _curated_entity(item: Mapping[str, Any]) -> Entity:
    variants: list[Variant] = []
    for key in ("hangul", "cyrillic"):
        if item.get(key):
            variants.append(Variant(item[key], "original script", CURATED_SOURCE))
    for name in item.get("original") or ():
        variants.append(Variant(name, "original script", CURATED_SOURCE))
    if item.get("pinyin"):
        variants.append(Variant(item["pinyin"], "Pinyin", CURATED_SOURCE))
    for name in item.get("variants") or ():
        variants.append(Variant(name, "printed form", CURATED_SOURCE))
    return Entity(
        id=item["id"],
        preferred=item["preferred"],
        description=item.get("description"),
        dates=item.get("dates"),
        variants=tuple(variants),
        sources=(CURATED_SOURCE,),
        family=item.get("family"),
        given=item.get("given"),
        language=item.get("language"),
        titles=tuple(item.get("titles") or ()),
    )
