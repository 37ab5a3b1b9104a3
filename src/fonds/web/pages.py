"""The reading room's pages as plain data: one small dataclass per page, built from store and index.

Each page has `template` (the Jinja template named after it) and `json()` (its
JSON twin). Views in app.py build a page and hand it to one responder, so the
HTML page and the JSON twin always come from the same data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar
from urllib.parse import quote, urlencode

from fonds import query as q
from fonds.config import Settings
from fonds.errors import NotFound
from fonds.index import Index
from fonds.naming import Names
from fonds.collection import Collection
from fonds.store.base import Stats, Store
from fonds.store.print_order import natural_key
from fonds.vocabulary import language_names
from fonds.web import citing

# The entries (a table of contents' documents) that `Archive.cached_list` keeps in all in one process: a
# FRUS volume listed as printed holds up to 5,000 (web/collections.PRINTED_LIMIT), an entry a few hundred
# bytes, so a few volumes and their chapters, some MB, whatever the archive's size.
LIST_BUDGET = 20_000
# A cached value whose last build took more CPU seconds than this is rebuilt in the background after
# a checkpoint, the earlier value answering meanwhile (`Archive.cached`); a quicker one is rebuilt
# by the first request that needs it, as a stale answer would be seen by tests and staff at once.
BACKGROUND_CPU = 0.05
T = TypeVar("T")
LOG = logging.getLogger("fonds.web")


def record_href(record_id: str, suffix: str = "") -> str:
    return f"/records/{quote(record_id, safe='')}{suffix}"


def person_href(entity_id: str, suffix: str = "") -> str:
    return f"/persons/{quote(entity_id, safe='')}{suffix}"


def search_href(text: str) -> str:
    return f"/search?q={quote(text, safe='')}"


def collection_href(collection_id: str, suffix: str = "") -> str:
    return f"/collections/{quote(collection_id, safe='')}{suffix}"


def filter_href(field: str, value: str) -> str:
    """The search for every record with one value of a field: `/search?filter=type%3ALetter`.

    The value is sent as it is, whatever characters it holds (quotes, brackets, spaces):
    filters are not query text, so nothing needs escaping. Fields: FILTER_FIELDS in search.py.
    """
    return "/search?" + urlencode({"filter": f"{field}:{value}"})


def language_label(code: str) -> str:
    """`ru` -> `Russian`; a tag with script or region -> `Chinese (zh-Hant)`; unknown -> the code."""
    names = language_names()
    if code in names:
        return names[code]
    base = names.get(code.split("-")[0].lower())
    return f"{base} ({code})" if base else code


class _Build:
    """One build of a cached value for checkpoint `seq`; `done` is set once `value` or `error` is."""

    def __init__(self, seq: int, *, background: bool = False) -> None:
        self.seq = seq
        self.background = background  # built in a thread of its own, the earlier value answering meanwhile
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class Archive:
    """What every view reads from: the store, the index and the settings, plus small caches."""

    def __init__(self, store: Store, index: Index, settings: Settings) -> None:
        self.store = store
        self.index = index
        self.settings = settings
        self.store_lock = threading.RLock()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}
        self._building: dict[str, _Build] = {}  # the value being built for each key, and for which checkpoint
        self._build_cpu: dict[str, float] = {}  # CPU seconds each key's last build took
        self._lists: OrderedDict[str, tuple[int, Sequence[Any]]] = OrderedDict()

    def resolve_names(self, name: str) -> Any:
        """Every spelling of the persons a searched name resolves to (naming.Names.resolve)."""
        return self.names().resolve(name)

    def names(self) -> Names:
        """The archive's names, per authority state: built on first use, not at start, and kept in a
        file beside the index across restarts (fonds.naming_cache). Their NameIndex is built with
        them, so that after a checkpoint the search that first needs it does not (see `cached`)."""
        from fonds.naming_cache import names

        def build() -> Names:
            found = names(self.store, self.index.path)
            found.index  # noqa: B018 - built here, in the builder's thread, not in the first search
            return found

        value: Names = self.cached("names", build)
        return value

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """A value built once per state of the index (its change-log checkpoint).

        After the checkpoint moves, one thread builds the new value; the others asking meanwhile
        wait for it rather than each building it too. A value whose last build took more than
        BACKGROUND_CPU CPU seconds (the names after an authority change: ~0.5-1 s per worker) is
        rebuilt in a background thread instead, and the value of the earlier checkpoint answers
        until the new one is swapped in: no request pays for the rebuild. A build that fails is
        not kept (asked again, it is tried again) and raises in the thread that waits for it."""
        seq = self.index.checkpoint
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == seq:
                return hit[1]
            job = self._building.get(key)
            slow = hit is not None and self._build_cpu.get(key, 0.0) > BACKGROUND_CPU
            mine = job is None or job.seq != seq or (job.background and not slow)
            if mine:
                job = _Build(seq, background=slow)
                if job.background or key not in self._building:
                    self._building[key] = job
        assert job is not None
        if slow and hit is not None:
            if mine:
                threading.Thread(target=self._build_behind, args=(key, build, job), name=f"fonds-cache-{key}",
                                 daemon=True).start()
            return hit[1]
        if mine:  # in the request's own thread, which holds the store's lock if the store needs one
            self._build(key, build, job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.value

    def _build_behind(self, key: str, build: Callable[[], Any], job: _Build) -> None:
        """`_build` in a background thread: under the store's lock if the store shares one connection
        (app._in_thread); a failure is logged (the next request after it tries again)."""
        if getattr(self.store, "thread_safe", False):
            self._build(key, build, job)
        else:
            with self.store_lock:
                self._build(key, build, job)
        if job.error is not None:
            LOG.warning("the cached %s of checkpoint %s could not be built", key, job.seq, exc_info=job.error)

    def _build(self, key: str, build: Callable[[], Any], job: _Build) -> None:
        """Run `build` for `job` (its checkpoint), keep the value under `key` and wake who waits."""
        started = time.thread_time()
        try:
            job.value = build()
        except Exception as error:  # noqa: BLE001 - raised again in every thread that waits for it
            job.error = error
        with self._lock:
            if job.error is None:
                self._build_cpu[key] = time.thread_time() - started
                if len(self._cache) > 256:
                    self._cache.clear()
                current = self._cache.get(key)
                if current is None or current[0] <= job.seq:
                    self._cache[key] = (job.seq, job.value)
            if self._building.get(key) is job:
                del self._building[key]
        job.done.set()

    def cached_list(self, key: str, build: Callable[[], Sequence[T]]) -> Sequence[T]:
        """A long list (a volume's table of contents) built once per state of the index, as `cached`
        builds a value; the least recently asked lists are dropped once those kept hold more than
        LIST_BUDGET entries in all, so that a reader walking every volume does not grow the process."""
        seq = self.index.checkpoint
        with self._lock:
            hit = self._lists.get(key)
            if hit is not None and hit[0] == seq:
                self._lists.move_to_end(key)
                return hit[1]
        value = build()
        with self._lock:
            self._lists[key] = (seq, value)
            self._lists.move_to_end(key)
            kept = sum(len(entry[1]) for entry in self._lists.values())
            while kept > LIST_BUDGET and len(self._lists) > 1:
                kept -= len(self._lists.popitem(last=False)[1][1])
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
    """Every collection under its parent, each linking to its page; siblings by (order, id)."""
    counts: dict[str, int] = archive.cached("collection-counts", archive.store.collection_counts)
    collections = archive.collections()
    children: dict[str | None, list[Collection]] = {}
    for c in collections.values():
        children.setdefault(c.parent if c.parent in collections else None, []).append(c)

    def node(c: Collection, seen: frozenset[str]) -> CollectionCount:
        below = sorted(children.get(c.id, []), key=lambda k: (k.order, natural_key(k.id)))
        kids = tuple(node(k, seen | {k.id}) for k in below if k.id not in seen)
        return CollectionCount(c.id, c.title, counts.get(c.id, 0), collection_href(c.id), kids)

    top = sorted(children.get(None, []), key=lambda k: (k.order, natural_key(k.id)))
    return tuple(node(c, frozenset({c.id})) for c in top)


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
class Provenance:
    """Where a body of records comes from, and the rights its publisher states."""

    name: str
    publisher: str
    href: str
    about: str
    rights: str
    rights_href: str | None = None


PROVENANCE = (
    Provenance(
        "Wilson Center Digital Archive",
        "the Wilson Center's History and Public Policy Program",
        "https://digitalarchive.wilsoncenter.org/",
        "Documents from archives around the world (the Archive of the Foreign Policy of the Russian "
        "Federation, the Foreign Ministry Archive of the People's Republic of China, and others), gathered "
        "and translated by its projects, such as the North Korea International Documentation Project and "
        "the Cold War International History Project. Each record names its original archive and reference, "
        "its translator and its project.",
        "The Wilson Center makes its documents and translations available for research and teaching; its "
        "terms of use apply to them here too. Ask the Wilson Center before republishing a translation.",
    ),
    Provenance(
        "Foreign Relations of the United States (FRUS)",
        "the Office of the Historian, U.S. Department of State",
        "https://history.state.gov/historicaldocuments",
        "The official documentary record of U.S. foreign policy, published in volumes. Each document keeps "
        "its volume, chapter and document number as printed, and its source note (the file it was printed from).",
        "A work of the United States government: not protected by copyright in the United States "
        "(17 U.S.C. § 105). Rights statement: No Copyright – United States.",
        "http://rightsstatements.org/vocab/NoC-US/1.0/",
    ),
)


@dataclass(frozen=True)
class AboutPage:
    name: str
    base_url: str = ""
    admin_email: str = ""
    help: tuple[tuple[str, str], ...] = SEARCH_HELP
    fields: tuple[str, ...] = q.FIELDS
    provenance: tuple[Provenance, ...] = PROVENANCE
    template: str = "about.html"

    @property
    def oai_url(self) -> str:
        return f"{self.base_url}/oai"

    @property
    def openapi_url(self) -> str:
        return f"{self.base_url}/openapi.json"

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "search": [{"example": e, "meaning": m} for e, m in self.help],
            "fields": list(self.fields),
            "citation_formats": [label for _, label in citing.CITATION_FORMATS],
            "exports": sorted(citing.exports()),
            "sources": [
                {"name": p.name, "publisher": p.publisher, "url": p.href, "rights": p.rights,
                 "rights_statement": p.rights_href}
                for p in self.provenance
            ],
            "oai_pmh": self.oai_url,
            "openapi": self.openapi_url,
        }


def about_page(archive: Archive, base_url: str = "") -> AboutPage:
    """The about page; `base_url` is the address the request came to, used when the `base_url` setting is empty."""
    base = (archive.settings.base_url or base_url).rstrip("/")
    return AboutPage(archive.settings.repository_name, base, archive.settings.admin_email)
