"""Collection pages: a FRUS volume as printed, a project's records by date, and labels no two share.

`/collections/ID` (and its JSON twin) shows a collection's title, description, date span,
counts and table of contents in the collection's own order:

- a FRUS volume (kind `volume`) and its compilations and chapters list their documents by
  document number, as the volume prints them ("Document 66"), each chapter under its heading;
  chapters come in the order of their first document (or the collection's `order`, when the
  holdings give one). A page reads from the store the documents it lists, and only those (a chapter's
  page, the chapter's; their fields only, no record decoded), once per state of the index: the table
  of contents is kept (`Archive.cached_list`, a few volumes' worth) until the index moves on. A record
  page's neighbours in the volume are two indexed lookups in the store's print order
  (store/print_order.py), which keeps one key per document and volume.
- a volume of more than PRINTED_LIMIT documents (a printed FRUS volume holds a few hundred; an
  archive may load far bigger runs as one volume) is not read whole for one page: its page, and its
  chapters' pages, list the records by date a page at a time from the index, as any other
  collection, and say why (`CollectionPage.too_many_to_print`). Record pages keep the printed
  previous and next document at any size.
- any other collection (a Wilson Center project, an archival series) lists its sub-collections
  and then its records by date, a page at a time, from the index.

`labels` gives every collection a label that no other collection shares: two chapters called
"Korea" in two volumes read "Korea (FRUS 1958–1960, vol. XVIII)" and "Korea (FRUS 1964–1968,
vol. XXIX, pt. 1)".
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from fonds import query as q
from fonds.errors import NotFound
from fonds.collection import Collection
from fonds.record import Record
from fonds.store.base import RecordSummary
from fonds.store.print_order import VOLUME_KIND, natural_key
from fonds.web.pages import Archive, collection_href, record_href


PAGE_SIZE = 100
PRINTED_LIMIT = 5_000  # documents at most in a volume listed whole, as printed, on one page
FRUS_TITLE = "Foreign Relations of the United States"
_FRUS_VOLUME = re.compile(
    r"(?P<years>\d{4}\s*[–-]\s*\d{2,4}).*?Volume\s+(?P<volume>[IVXLC]+)(?:,\s*Part\s+(?P<part>\d+))?", re.I
)
DESCRIPTIONS = {
    VOLUME_KIND: (
        "A volume of Foreign Relations of the United States, the official documentary record of "
        "U.S. foreign policy, published by the Office of the Historian of the U.S. Department of State. "
        "Its documents are listed as the volume prints them."
    ),
    "project": (
        "Documents gathered, and where needed translated, by a project of the Wilson Center; "
        "published in the Wilson Center Digital Archive. Its records are listed by date."
    ),
}


def short_title(collection: Collection) -> str:
    """`FRUS 1958–1960, vol. XVIII` for a FRUS volume; the title for anything else."""
    if collection.kind == VOLUME_KIND and collection.title.startswith(FRUS_TITLE):
        found = _FRUS_VOLUME.search(collection.title)
        if found:
            years = re.sub(r"\s*[–-]\s*", "–", found["years"])
            part = f", pt. {found['part']}" if found["part"] else ""
            return f"FRUS {years}, vol. {found['volume'].upper()}{part}"
    return collection.title


def root_of(collection: Collection, collections: Mapping[str, Collection]) -> Collection:
    """The top of the collection's tree (a volume, a project); the collection itself when it has no parent."""
    seen = {collection.id}
    while collection.parent and collection.parent in collections and collection.parent not in seen:
        collection = collections[collection.parent]
        seen.add(collection.id)
    return collection


def ancestors(collection: Collection, collections: Mapping[str, Collection]) -> list[Collection]:
    """The collections above this one, the top first."""
    chain: list[Collection] = []
    seen = {collection.id}
    while collection.parent and collection.parent in collections and collection.parent not in seen:
        collection = collections[collection.parent]
        seen.add(collection.id)
        chain.append(collection)
    return chain[::-1]


def labels(collections: Mapping[str, Collection]) -> dict[str, str]:
    """A label for each collection id, unique among them: the title, qualified when titles repeat.

    A repeated title gets the short title of the volume or project above it; if that still
    repeats (two chapters of one volume with one heading), the parent's title and then the id.
    """
    result = {cid: c.title for cid, c in collections.items()}
    for qualify in (
        lambda c: short_title(root_of(c, collections)) if root_of(c, collections).id != c.id else "",
        lambda c: collections[c.parent].title if c.parent in collections else "",
        lambda c: c.id,
    ):
        by_label: dict[str, list[str]] = {}
        for cid, label in result.items():
            by_label.setdefault(label, []).append(cid)
        for ids in by_label.values():
            if len(ids) < 2:
                continue
            for cid in ids:
                extra = qualify(collections[cid])
                if extra and extra != result[cid]:
                    result[cid] = f"{result[cid]} ({extra})"
    return result


# -- what a collection holds ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One document in a table of contents (slots, no href kept: a worker holds one per document
    of every FRUS volume it has shown)."""

    id: str
    title: str
    date: str | None
    type: str | None
    number: str | None = None
    earliest: str | None = None
    latest: str | None = None
    home: str | None = None  # the most specific collection of the volume that holds it

    @property
    def href(self) -> str:
        return record_href(self.id)

    @property
    def label(self) -> str:
        """`Document 66` for a numbered document in a volume; empty otherwise."""
        return f"Document {self.number}" if self.number else ""

    def json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date, "type": self.type, "number": self.number}


def volume_of(archive: Archive, record: Record) -> Collection | None:
    """The FRUS volume (a collection of kind `volume`) that holds the record, if any."""
    collections = archive.collections()
    for cid in record.collections:
        if cid in collections:
            top = root_of(collections[cid], collections)
            if top.kind == VOLUME_KIND:
                return top
    return None


def volume_items(archive: Archive, volume_id: str) -> tuple[Item, ...]:
    """Every live document of a volume, or of a collection inside one (a chapter), in document-number
    order, read from the store (the fields only: no record decoded). A table of contents lists them
    all; a record page needs only its neighbours, which the store's print order gives
    (store/print_order.py)."""
    collections = archive.collections()
    depth = {cid: len(ancestors(c, collections)) for cid, c in collections.items()}
    items = [_item(summary, depth) for summary in archive.store.record_summaries(volume_id)]
    return tuple(sorted(items, key=_sort_key))


def contents(archive: Archive, collection_id: str) -> Sequence[Item]:
    """`volume_items` of a volume or a collection inside one, read once per state of the index
    (`Archive.cached_list`)."""
    return archive.cached_list(f"contents:{collection_id}", lambda: volume_items(archive, collection_id))


def _sort_key(item: Item) -> Any:
    """The printed order: document number, then date, then id (store/print_order.print_key as a tuple)."""
    return (natural_key(item.number), item.earliest or "9999", natural_key(item.id))


def within(collection_id: str, volume_id: str, collections: Mapping[str, Collection]) -> bool:
    """Whether a collection is the volume or inside it (as `Store.list_stored(collection=)` counts)."""
    if collection_id == volume_id:
        return True
    found = collections.get(collection_id)
    return found is not None and any(c.id == volume_id for c in ancestors(found, collections))


def _item(record: RecordSummary, depth: Mapping[str, int]) -> Item:
    home = max((c for c in record.collections if c in depth), key=lambda c: depth[c], default=None)
    return Item(
        id=record.id,
        title=record.title,
        date=record.date_text,
        type=sys.intern(record.type) if record.type else None,  # a few values shared by every document
        number=record.number,
        earliest=record.earliest,
        latest=record.latest,
        home=sys.intern(home) if home else None,
    )


# -- the page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A collection inside the one shown (a compilation, a chapter, a series) and what it holds."""

    id: str
    title: str
    kind: str
    href: str
    records: int
    items: tuple[Item, ...] = ()
    sections: tuple[Section, ...] = ()
    first: str | None = None  # the first and last document numbers it holds
    last: str | None = None

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "records": self.records,
            "items": [i.json() for i in self.items],
            "sections": [s.json() for s in self.sections],
        }


@dataclass(frozen=True)
class CollectionPage:
    collection: Collection
    label: str
    description: str
    trail: tuple[tuple[str, str], ...]  # the collections above: title, href
    records: int
    first_year: int | None
    last_year: int | None
    in_print_order: bool  # a volume's documents, by number; otherwise by date
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    page: int
    pages: int
    previous_href: str | None
    next_href: str | None
    search_href: str
    too_many_to_print: int = 0  # the volume's size when it is too big to list as printed (PRINTED_LIMIT)
    template: str = "collection.html"

    @property
    def chapters(self) -> int:
        def count(sections: Sequence[Section]) -> int:
            return sum(1 + count(s.sections) for s in sections)

        return count(self.sections)

    def json(self) -> dict[str, Any]:
        c = self.collection
        return {
            "id": c.id,
            "title": c.title,
            "label": self.label,
            "kind": c.kind,
            "parent": c.parent,
            "description": self.description,
            "records": self.records,
            "date_span": {"first_year": self.first_year, "last_year": self.last_year},
            "order": "document number" if self.in_print_order else "date",
            "printed_order_omitted": self.too_many_to_print > 0,
            "sections": [s.json() for s in self.sections],
            "items": [i.json() for i in self.items],
            "page": self.page,
            "pages": self.pages,
        }


def collection_page(archive: Archive, collection_id: str, page: int = 1) -> CollectionPage:
    """The page of one collection. Raises NotFound for an unknown id, QueryError for a page past the end."""
    collections = archive.collections()
    collection = collections.get(collection_id)
    if collection is None:
        raise NotFound(
            f"there is no collection {collection_id!r} in this archive; see Browse for the collections it holds"
        )
    counts: dict[str, int] = archive.cached("collection-counts", archive.store.collection_counts)
    top = root_of(collection, collections)
    trail = tuple((c.title, collection_href(c.id)) for c in ancestors(collection, collections))
    description = collection.summary or DESCRIPTIONS.get(top.kind, "")
    if collection.kind != top.kind and top.kind in DESCRIPTIONS:
        description = collection.summary or f"Part of {top.title}."
    label = labels(collections)[collection.id]
    search = "/search?" + _filter_query(collection.id)
    if top.kind == VOLUME_KIND:
        size = counts.get(top.id, 0)
        if size <= PRINTED_LIMIT:
            return _volume_page(archive, collection, label, description, trail, counts, search)
        dated = _dated_page(archive, collection, label, description, trail, counts, page, search)
        return replace(dated, too_many_to_print=size)
    return _dated_page(archive, collection, label, description, trail, counts, page, search)


def _filter_query(collection_id: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"filter": f"collection:{collection_id}"})


def _volume_page(
    archive: Archive,
    collection: Collection,
    label: str,
    description: str,
    trail: tuple[tuple[str, str], ...],
    counts: Mapping[str, int],
    search: str,
) -> CollectionPage:
    collections = archive.collections()
    listed = contents(archive, collection.id)  # the collection's documents and those of the ones below it
    mine = [i for i in listed if i.home == collection.id]
    below = _descendants(collection.id, collections) | {collection.id}
    held = [i for i in listed if i.home in below]
    years = sorted({y for i in held for y in _years(i)})
    return CollectionPage(
        collection=collection,
        label=label,
        description=description,
        trail=trail,
        records=counts.get(collection.id, len(held)),
        first_year=years[0] if years else None,
        last_year=years[-1] if years else None,
        in_print_order=True,
        sections=_sections(collection.id, collections, listed, counts),
        items=tuple(mine),
        page=1,
        pages=1,
        previous_href=None,
        next_href=None,
        search_href=search,
    )


def _descendants(collection_id: str, collections: Mapping[str, Collection]) -> set[str]:
    found: set[str] = set()
    frontier = [collection_id]
    while frontier:
        current = frontier.pop()
        for c in collections.values():
            if c.parent == current and c.id not in found and c.id != collection_id:
                found.add(c.id)
                frontier.append(c.id)
    return found


def _years(item: Item) -> Iterable[int]:
    if item.earliest and item.latest and item.earliest[:4].isdigit() and item.latest[:4].isdigit():
        return range(int(item.earliest[:4]), int(item.latest[:4]) + 1)
    return ()


def _sections(
    parent: str, collections: Mapping[str, Collection], items: Sequence[Item], counts: Mapping[str, int]
) -> tuple[Section, ...]:
    """The collections under `parent`, each with the documents whose most specific collection it is."""
    sections = []
    for child in (c for c in collections.values() if c.parent == parent):
        below = _descendants(child.id, collections) | {child.id}
        held = [i for i in items if i.home in below]
        own = tuple(i for i in items if i.home == child.id)
        numbers = [i.number for i in held if i.number]
        sections.append(
            (
                child.order,
                natural_key(held[0].number if held else None),
                natural_key(child.id),
                Section(
                    id=child.id,
                    title=child.title,
                    kind=child.kind,
                    href=collection_href(child.id),
                    records=counts.get(child.id, len(held)),
                    items=own,
                    sections=_sections(child.id, collections, items, counts),
                    first=numbers[0] if numbers else None,
                    last=numbers[-1] if numbers else None,
                ),
            )
        )
    sections.sort(key=lambda s: (s[0], s[1], s[2]))
    return tuple(s[3] for s in sections)


def _dated_page(
    archive: Archive,
    collection: Collection,
    label: str,
    description: str,
    trail: tuple[tuple[str, str], ...],
    counts: Mapping[str, int],
    page: int,
    search: str,
) -> CollectionPage:
    collections = archive.collections()
    node = q.Filter("collection", collection.id)
    total_pages = max(1, -(-counts.get(collection.id, 0) // PAGE_SIZE))
    if page > total_pages:
        raise NotFound(f"page {page} is past the end of this collection; it has {total_pages} page(s)")
    result = archive.index.search(
        node, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort="date", facets=True, snippets=False
    )
    years = sorted(int(y) for y, _ in result.facets.get("year", []) if y.lstrip("-").isdigit())
    items = tuple(Item(h.id, h.title, h.date, h.type) for h in result.hits)
    children = sorted(
        (c for c in collections.values() if c.parent == collection.id),
        key=lambda c: (c.order, natural_key(c.id)),
    )
    sections = tuple(
        Section(c.id, c.title, c.kind, collection_href(c.id), counts.get(c.id, 0)) for c in children
    )
    href = collection_href(collection.id)
    return CollectionPage(
        collection=collection,
        label=label,
        description=description,
        trail=trail,
        records=result.total,
        first_year=years[0] if years else None,
        last_year=years[-1] if years else None,
        in_print_order=False,
        sections=sections,
        items=items,
        page=page,
        pages=total_pages,
        previous_href=f"{href}?page={page - 1}" if page > 1 else None,
        next_href=f"{href}?page={page + 1}" if page < total_pages else None,
        search_href=search,
    )
