"""Name authority: persons, organizations and places with a preferred name and variants.

Plain data, like `record.py`. Each variant says what kind of form it is
(a romanization system, an OCR slip, initials, original script...) and where
it came from, so that a search hit can say why it matched.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Mapping

ENTITY_KINDS = ("person", "organization", "place")


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
        return {
            "id": self.id,
            "kind": self.kind,
            "preferred": self.preferred,
            "description": self.description,
            "dates": self.dates,
            "variants": [{"name": v.name, "kind": v.kind, "source": v.source} for v in self.variants],
            "sources": list(self.sources),
        }

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
        )


def normalize(name: str) -> str:
    """A name in Unicode NFC with its spaces collapsed: the form names are compared in."""
    return " ".join(unicodedata.normalize("NFC", name).split())
