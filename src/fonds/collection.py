"""The Collection: one level of a hierarchy of records, as plain data. No I/O, no SQL, no HTML.

A project (NKIDP), a FRUS volume or chapter, or a level of an archival hierarchy (EAD
`archdesc`, `c01`...`c12`), with an EAD-like description. Records name the collections they
belong to by id (`Record.collections`); the stores keep the description as JSON in
`collections.details` (`Collection.details`, `Collection.from_row`). `sorted_collections`
lists a tree parents first, siblings by (`order`, `id`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from fonds.dates import HistoricalDate

COLLECTION_DETAILS = ("unitid", "date", "summary", "extent", "creator", "repository", "languages", "links")


@dataclass(frozen=True)
class Collection:
    """A named group of records: a project (NKIDP), a FRUS volume, a chapter, or a level of an
    archival hierarchy (an EAD `archdesc` or `c`/`c01`...`c12` component).

    `kind` is the level: `project`, `volume`, `chapter`, or an EAD level (`fonds`, `series`,
    `subseries`, `file`, `item`, `otherlevel`...). `parent` is the id of the collection above.
    `order` is the position among its siblings as the finding aid lists them (0 first); browse
    and exports list siblings by (`order`, `id`). The other fields describe the unit as EAD's
    `did` does: `unitid`, `date` (`unitdate`, with `@normal` in its bounds), `summary`
    (`scopecontent`), `extent` (`physdesc`), `creator` (`origination`), `repository`,
    `languages` (`langmaterial`, ISO 639 codes) and `links` (`dao` hrefs).
    """

    id: str
    title: str
    parent: str | None = None
    kind: str = "collection"
    order: int = 0
    unitid: str | None = None
    date: HistoricalDate | None = None
    summary: str | None = None
    extent: str | None = None
    creator: str | None = None
    repository: str | None = None
    languages: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    def details(self) -> dict[str, Any]:
        """The description beyond id/title/parent/kind, as JSON (empty values left out)."""
        data: dict[str, Any] = {}
        if self.order:
            data["order"] = self.order
        for name in COLLECTION_DETAILS:
            value = getattr(self, name)
            if name == "date" and value is not None:
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = list(value)
            if value:
                data[name] = value
        return data

    def to_dict(self) -> dict[str, Any]:
        """Collection JSON: `{"id", "title", "parent", "kind", ...details}` (dumps carry it)."""
        return {"id": self.id, "title": self.title, "parent": self.parent, "kind": self.kind, **self.details()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Collection:
        """Read Collection JSON (as `to_dict` writes it). Raises KeyError/TypeError on a wrong shape."""
        date = data.get("date")
        return cls(
            id=data["id"],
            title=data["title"],
            parent=data.get("parent"),
            kind=data.get("kind") or "collection",
            order=int(data.get("order") or 0),
            unitid=data.get("unitid"),
            date=HistoricalDate.from_dict(date) if date else None,
            summary=data.get("summary"),
            extent=data.get("extent"),
            creator=data.get("creator"),
            repository=data.get("repository"),
            languages=tuple(data.get("languages") or ()),
            links=tuple(data.get("links") or ()),
        )

    @classmethod
    def from_row(cls, id: str, title: str, parent: str | None, kind: str, details: str | None) -> Collection:
        """A collection as a store row holds it: the four columns and the details as JSON text."""
        extra = json.loads(details) if details else {}
        return cls.from_dict({**extra, "id": id, "title": title, "parent": parent, "kind": kind})


def sorted_collections(collections: Iterable[Collection]) -> list[Collection]:
    """Collections as a tree lists them: parents before children, siblings by (order, id)."""
    items = list(collections)
    children: dict[str | None, list[Collection]] = {}
    ids = {c.id for c in items}
    for collection in items:
        parent = collection.parent if collection.parent in ids else None
        children.setdefault(parent, []).append(collection)
    result: list[Collection] = []
    stack = sorted(children.get(None, []), key=lambda c: (c.order, c.id), reverse=True)
    while stack:
        collection = stack.pop()
        result.append(collection)
        stack.extend(sorted(children.get(collection.id, []), key=lambda c: (c.order, c.id), reverse=True))
    placed = {c.id for c in result}
    return result + [c for c in items if c.id not in placed]  # parents in a cycle: kept, at the end
