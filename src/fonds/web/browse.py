"""The browse page: the collection tree, and every repository's archival hierarchy.

A repository's records are placed by their archival reference, in archival order: fond, opis,
papka and delo for AVPRF-style references ("fond 0102" > "opis 18" > ...), and for the others the
series and file their reference names, a file path written with commas ("National Security Files,
Countries Series, USSR") read as one level per part. Leaf-level parts (listy, pages) are not
levels: they locate a record inside its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from fonds.record import Record, ordered_reference
from fonds.web.pages import Archive, CollectionCount, collection_tree, filter_href, record_href

LEAF_PARTS = ("listy", "list", "pages", "page", "folio", "folios")
LABELLED_PARTS = ("fond", "opis", "papka", "delo")

@dataclass
class Level:
    """One level of an archival hierarchy: a repository, a fond, an opis, a delo."""

    label: str
    count: int = 0
    href: str | None = None
    children: dict[str, Level] = field(default_factory=dict)
    records: list[tuple[str, str, str]] = field(default_factory=list)  # id, title, href

    def json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "records": self.count,
            "children": [c.json() for c in self.children.values()],
            "items": [{"id": i, "title": t} for i, t, _ in self.records],
        }


@dataclass(frozen=True)
class BrowsePage:
    collections: tuple[CollectionCount, ...]
    repositories: tuple[Level, ...]
    template: str = "browse.html"

    def json(self) -> dict[str, Any]:
        def tree(c: CollectionCount) -> dict[str, Any]:
            return {"id": c.id, "title": c.title, "records": c.count, "children": [tree(k) for k in c.children]}

        return {
            "collections": [tree(c) for c in self.collections],
            "repositories": [r.json() for r in self.repositories],
        }


def browse_page(archive: Archive) -> BrowsePage:
    repositories: tuple[Level, ...] = archive.cached("repositories", lambda: repository_tree(archive.store.iter_records()))
    return BrowsePage(collection_tree(archive), repositories)


def repository_tree(records: Iterable[Record]) -> tuple[Level, ...]:
    """Repositories (most records first), each with its levels; a level's records in the order met."""
    roots: dict[str, Level] = {}
    for record in records:
        name = record.source.repository
        if not name:
            continue
        code = record.source.repository_code
        root = roots.setdefault(name, Level(f"{name} ({code})" if code else name, href=filter_href("repository", name)))
        root.count += 1
        level = root
        path = levels_of(record)
        for label in path:
            level = level.children.setdefault(label, Level(label))
            level.count += 1
        if path:
            level.records.append((record.id, record.title, record_href(record.id)))
    return tuple(sorted(roots.values(), key=lambda r: (-r.count, r.label)))


def levels_of(record: Record) -> list[str]:
    """The labels of the levels that hold a record: `["fond 0102", "opis 18", "papka 93", "delo 5"]`,
    or `["National Security Files", "Countries Series", "USSR"]` for a file path."""
    path: list[str] = []
    for key, value in ordered_reference(record.source.reference).items():
        value = value.strip()
        if not value or key in LEAF_PARTS:
            continue
        if key in LABELLED_PARTS:
            path.append(f"{key} {value}")
        elif key in ("file", "text"):
            path.extend(part.strip() for part in value.split(", ") if part.strip())
        else:
            path.append(f"{key} {value}")
    return path
