"""The reading room's pages as plain data: one small dataclass per page, built from store and index.

Each page has `template` (the Jinja template named after it) and `json()` (its
JSON twin). Views in app.py build a page and hand it to one responder, so the
HTML page and the JSON twin always come from the same data.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

from markupsafe import Markup

from fonds import query as q
from fonds.config import Settings
from fonds.errors import NotFound
from fonds.index import Index
from fonds.record import Collection, Record, format_reference
from fonds.store.base import Stats, Store
from fonds.vocabulary import language_names
from fonds.web import citing
from fonds.web.markup import note_id, rendition_html

HIERARCHY_PARTS = ("fond", "opis", "papka", "delo")


def record_href(record_id: str, suffix: str = "") -> str:
    return f"/records/{quote(record_id, safe='')}{suffix}"


def person_href(entity_id: str, suffix: str = "") -> str:
    return f"/persons/{quote(entity_id, safe='')}{suffix}"


def search_href(text: str) -> str:
    return f"/search?q={quote(text, safe='')}"


def language_label(code: str) -> str:
    return language_names().get(code, code)


class Archive:
    """What every view reads from: the store, the index and the settings, plus small caches."""

    def __init__(self, store: Store, index: Index, settings: Settings) -> None:
        self.store = store
        self.index = index
        self.settings = settings
        self.resolve_names = _name_resolver(store)
        self.store_lock = threading.RLock()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """A value built once per state of the index (its change-log checkpoint)."""
        seq = self.index.checkpoint
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == seq:
            return hit[1]
        value = build()
        with self._lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = (seq, value)
        return value

    def collections(self) -> dict[str, Collection]:
        result: dict[str, Collection] = self.cached("collections", lambda: {c.id: c for c in self.store.collections()})
        return result

    def person_name(self, entity_id: str) -> str:
        def build() -> str:
            try:
                return self.store.get_entity(entity_id).preferred
            except NotFound:
                return entity_id

        name: str = self.cached(f"person-name:{entity_id}", build)
        return name


def _name_resolver(store: Store) -> Any:
    """The name-variant resolver for searches, built once from the archive's authority."""
    from fonds.naming import Names

    return Names.of(store).resolve


# -- home ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionCount:
    id: str
    title: str
    count: int
    href: str
    children: tuple[CollectionCount, ...] = ()


@dataclass(frozen=True)
class HomePage:
    name: str
    stats: Stats
    collections: tuple[CollectionCount, ...]
    first_year: int | None
    last_year: int | None
    languages: tuple[tuple[str, str, int], ...]  # code, name, count
    repositories: tuple[tuple[str, int], ...]
    template: str = "home.html"

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "records": self.stats.records,
            "persons": self.stats.persons,
            "collections": [{"id": c.id, "title": c.title, "records": c.count} for c in self.collections],
            "date_span": {"first_year": self.first_year, "last_year": self.last_year},
            "languages": [{"code": c, "name": n, "records": k} for c, n, k in self.languages],
            "repositories": [{"name": n, "records": k} for n, k in self.repositories],
        }


def home_page(archive: Archive) -> HomePage:
    result = archive.index.search(None, limit=1, facets=True)
    years = [int(y) for y, _ in result.facets.get("year", []) if y.lstrip("-").isdigit()]
    languages = tuple((c, language_label(c), n) for c, n in result.facets.get("language", []))
    return HomePage(
        name=archive.settings.repository_name,
        stats=archive.store.stats(),
        collections=collection_tree(archive),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
        languages=languages,
        repositories=tuple(result.facets.get("repository", [])),
    )


def collection_tree(archive: Archive) -> tuple[CollectionCount, ...]:
    counts = archive.store.collection_counts()
    collections = archive.collections()

    def node(c: Collection) -> CollectionCount:
        children = tuple(node(k) for k in collections.values() if k.parent == c.id)
        return CollectionCount(c.id, c.title, counts.get(c.id, 0), search_href(_filter("collection", c.id)), children)

    return tuple(node(c) for c in collections.values() if not c.parent or c.parent not in collections)


def _filter(name: str, value: str) -> str:
    """`collection:NKIDP`, or `repository:"Department of State"` when the value needs quotes."""
    simple = value and all(ch.isalnum() or ch in "-_.'" for ch in value)
    return f"{name}:{value}" if simple else f'{name}:"{value}"'


# -- record --------------------------------------------------------------------------------


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
    version: Any = None  # web/history.VersionNote: the version shown and how to cite it
    staff: Any = None  # web/staff.staff_links: what a logged-in staff member may do here
    template: str = "record.html"

    @property
    def has_supplied(self) -> bool:
        return any(r.has_supplied for r in self.renditions)

    @property
    def has_marks(self) -> bool:
        return any(r.has_marks for r in self.renditions)

    def json(self) -> dict[str, Any]:
        return self.record.public_dict()


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
    seen_persons: dict[str, tuple[str, str, str, str]] = {}
    for link in record.persons:
        seen_persons.setdefault(link.id, (link.id, archive.person_name(link.id), link.role, person_href(link.id)))
    exports = tuple(
        (citing.EXPORT_LABELS.get(name, name), record_href(record.id, f".{name}"))
        for name, fmt in citing.exports().items()
        if name == fmt.canonical
    )
    previous, following, collection_title = neighbours(archive, record)
    return RecordPage(
        record=record,
        public_url=public_url,
        reference=format_reference(record.source.reference) or None if record.source.reference else None,
        languages=tuple((c, language_label(c)) for c in record.original_languages),
        collections=tuple(
            (c, collections[c].title if c in collections else c, search_href(_filter("collection", c)))
            for c in record.collections
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
    )


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


# -- browse --------------------------------------------------------------------------------


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


def repository_tree(records: Any) -> tuple[Level, ...]:
    roots: dict[str, Level] = {}
    for record in records:
        name = record.source.repository
        if not name:
            continue
        code = record.source.repository_code
        root = roots.setdefault(
            name, Level(f"{name} ({code})" if code else name, href=search_href(_filter("repository", name)))
        )
        root.count += 1
        level = root
        parts = [(k, record.source.reference[k]) for k in HIERARCHY_PARTS if k in record.source.reference]
        for key, value in parts:
            level = level.children.setdefault(f"{key} {value}", Level(f"{key} {value}"))
            level.count += 1
        if parts:
            level.records.append((record.id, record.title, record_href(record.id)))
    return tuple(sorted(roots.values(), key=lambda r: (-r.count, r.label)))


# -- about ---------------------------------------------------------------------------------

SEARCH_HELP = (
    ("Kim Il Sung", "all the words, anywhere; names also match their other spellings"),
    ('"mutual greetings"', "the exact phrase"),
    ("Cuba OR Berlin", "either word"),
    ("Khrushchev NOT Berlin", "leave out records with a word (also -Berlin)"),
    ("missil*", "words that begin with missil"),
    ('person:"Kim Il Sung"', "records that name a person, in any of their spellings"),
    ("title:memorandum", "a word in the title (also summary: and text:)"),
    ("lang:ru", "records held in or written in Russian (a code or a name)"),
    ('repository:AVPRF', "records kept in one repository"),
    ("collection:NKIDP", "records in one collection"),
    ('type:"Memorandum of Conversation"', "records of one type"),
    ("date:1962", "dated in 1962; also date:1962-08 and date:1962-08-14"),
    ("date:1962-08..1962-12", "dated between August and December 1962; date:..1961 and date:1963.. are open-ended"),
)


@dataclass(frozen=True)
class AboutPage:
    name: str
    help: tuple[tuple[str, str], ...] = SEARCH_HELP
    fields: tuple[str, ...] = q.FIELDS
    template: str = "about.html"

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "search": [{"example": e, "meaning": m} for e, m in self.help],
            "fields": list(self.fields),
            "citation_formats": [label for _, label in citing.CITATION_FORMATS],
            "exports": sorted(citing.exports()),
        }


def about_page(archive: Archive) -> AboutPage:
    return AboutPage(archive.settings.repository_name)

