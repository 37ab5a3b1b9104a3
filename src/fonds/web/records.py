"""The record page: metadata, where the record sits (a FRUS volume, chapter and document number),
its source note, its renditions with editorial marks, "Cite this", and previous/next.

Previous and next follow the record's FRUS volume in its printed order (document numbers) when it
is in one, and otherwise its most specific collection by date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from fonds import query as q
from fonds.record import Record, format_reference
from fonds.store.print_order import Printed
from fonds.web import citing
from fonds.web.collections import ancestors, labels, volume_of
from fonds.web.filelinks import link_files
from fonds.web.markup import note_id, rendition_html
from fonds.web.pages import Archive, collection_href, language_label, person_href, record_href

@dataclass(frozen=True)
class NoteView:
    n: str
    text: str
    id: str


@dataclass(frozen=True)
class RenditionView:
    index: int
    id: str
    label: str
    kind: str
    language: str | None
    language_name: str | None
    html: Markup
    notes: tuple[NoteView, ...]
    has_supplied: bool
    has_marks: bool = False


@dataclass(frozen=True)
class Neighbour:
    id: str
    title: str
    href: str
    label: str = ""  # "Document 65" in a volume


@dataclass(frozen=True)
class Placement:
    """Where a FRUS document is printed: its volume, the chapters above it, its number."""

    volume: tuple[str, str]  # title, href
    chapters: tuple[tuple[str, str], ...]  # title, href; the outermost first
    number: str | None

    def json(self) -> dict[str, Any]:
        return {
            "volume": self.volume[0],
            "chapters": [title for title, _ in self.chapters],
            "number": self.number,
        }


@dataclass(frozen=True)
class RecordPage:
    record: Record
    public_url: str
    reference: str | None
    languages: tuple[tuple[str, str], ...]
    collections: tuple[tuple[str, str, str], ...]  # id, title, href
    renditions: tuple[RenditionView, ...]
    persons: tuple[tuple[str, str, str, str], ...]  # id, name, role, href
    citations: tuple[citing.Citation, ...]
    exports: tuple[tuple[str, str], ...]  # label, href
    meta: tuple[tuple[str, str], ...]
    coins: str
    previous: Neighbour | None
    next: Neighbour | None
    collection_title: str | None
    placement: Placement | None = None
    order: str = "by date"  # how previous and next are ordered
    version: Any = None  # web/history.VersionNote: the version shown and how to cite it
    staff: Any = None  # web/staff.staff_links: what a logged-in staff member may do here
    template: str = "record.html"
    reader: Any = None  # web/reader.py's ReaderView, set by the record view when there is a reader
    files_base: str = ""  # the archive's address, for the URLs of attached files in the JSON twin

    @property
    def has_supplied(self) -> bool:
        return any(r.has_supplied for r in self.renditions)

    @property
    def has_marks(self) -> bool:
        return any(r.has_marks for r in self.renditions)

    def json(self) -> dict[str, Any]:
        return link_files(self.record.public_dict(), self.files_base)


def record_page(archive: Archive, record: Record, base_url: str) -> RecordPage:
    public_url = (archive.settings.base_url.rstrip("/") or base_url.rstrip("/")) + record_href(record.id)
    renditions = []
    for i, rendition in enumerate(record.renditions):
        label = rendition.label or rendition.kind.capitalize()
        if rendition.language and not rendition.label:
            label = f"{label} ({language_label(rendition.language)})"
        notes = tuple(NoteView(n.n, n.text, note_id(i, n.n)) for n in rendition.notes)
        renditions.append(
            RenditionView(
                index=i,
                id=f"rendition-{i}",
                label=label,
                kind=rendition.kind,
                language=rendition.language,
                language_name=language_label(rendition.language) if rendition.language else None,
                html=rendition_html(record, i, rendition, person_href),
                notes=notes,
                has_supplied=any(m.kind == "supplied" for m in rendition.marks),
                has_marks=bool(rendition.marks),
            )
        )
    collections = archive.collections()
    names: dict[str, str] = archive.cached("collection-labels", lambda: labels(collections))
    seen_persons: dict[str, tuple[str, str, str, str]] = {}
    for link in record.persons:
        seen_persons.setdefault(link.id, (link.id, archive.person_name(link.id), link.role, person_href(link.id)))
    exports = tuple(
        (citing.EXPORT_LABELS.get(name, name), record_href(record.id, f".{name}"))
        for name, fmt in citing.exports().items()
        if name == fmt.canonical
    )
    placement = placement_of(archive, record)
    collection_title: str | None
    if placement is not None:
        previous, following = volume_neighbours(archive, record)
        collection_title, order = placement.volume[0], "in the order of the volume"
    else:
        previous, following, collection_title = neighbours(archive, record)
        order = "by date"
    return RecordPage(
        record=record,
        public_url=public_url,
        reference=format_reference(record.source.reference) or None if record.source.reference else None,
        languages=tuple((c, language_label(c)) for c in record.original_languages),
        collections=tuple(
            (c, names.get(c, c), collection_href(c)) for c in record.collections
        ),
        renditions=tuple(renditions),
        persons=tuple(seen_persons.values()),
        citations=tuple(citing.citations(record)),
        exports=exports,
        meta=tuple(citing.meta_tags(record, public_url)),
        coins=citing.coins(record, public_url),
        previous=previous,
        next=following,
        collection_title=collection_title,
        placement=placement,
        order=order,
    )


def placement_of(archive: Archive, record: Record) -> Placement | None:
    """The record's FRUS volume, its chapters (compilation, chapter) and its document number."""
    volume = volume_of(archive, record)
    if volume is None:
        return None
    collections = archive.collections()
    deepest = max(
        (collections[c] for c in record.collections if c in collections),
        key=lambda c: len(ancestors(c, collections)),
    )
    chain = [c for c in (*ancestors(deepest, collections), deepest) if c.id != volume.id]
    # A compilation that only repeats the volume's subject ("Soviet Union" in "..., Volume V, Soviet Union") is left out.
    chapters = tuple(
        (c.title, collection_href(c.id))
        for c in chain
        if not (c.kind == "compilation" and volume.title.endswith(c.title))
    )
    return Placement((volume.title, collection_href(volume.id)), chapters, record.number)


def volume_neighbours(archive: Archive, record: Record) -> tuple[Neighbour | None, Neighbour | None]:
    """The documents printed before and after this one in its volume: indexed lookups in the store's
    print order (store/print_order.py); their titles are read from the index."""
    volume = volume_of(archive, record)
    if volume is None:
        return None, None
    found = archive.store.volume_neighbours(volume.id, record.id) or (None, None)
    titles = archive.index.titles([printed.id for printed in found if printed is not None])

    def neighbour(printed: Printed | None) -> Neighbour | None:
        if printed is None:
            return None
        label = f"Document {printed.number}" if printed.number else ""
        return Neighbour(printed.id, titles.get(printed.id, printed.id), record_href(printed.id), label)

    return neighbour(found[0]), neighbour(found[1])


def neighbours(archive: Archive, record: Record) -> tuple[Neighbour | None, Neighbour | None, str | None]:
    """The records before and after this one in its most specific collection, by date.

    The index reads only the two neighbours (no snippets, no facets), so this is
    cheap for collections of any size and needs no cache.
    """
    if not record.collections:
        return None, None, None
    collection = record.collections[-1]
    title = archive.collections().get(collection)
    name = title.title if title else collection
    found = archive.index.neighbours(q.Filter("collection", collection), record.id, sort="date")
    if found is None:
        return None, None, name
    before, after = (Neighbour(h.id, h.title, record_href(h.id)) if h else None for h in found)
    return before, after, name


