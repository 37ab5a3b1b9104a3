"""The search page: the query, its filters and facets, the hits, the histogram and the pages.

The search is the query text, an optional date range (`from`, `to`) and any number of
filters (`filter=type:Letter`, repeated). A facet link adds its filter, or takes it out
again when it is on (in `filter`, or typed into the query text as `type:Letter`).
Filters are field and value, not query text: a value with quotes, brackets or any other
character is matched exactly as the facet gave it. Every parameter is checked here; a bad
one is a QueryError (400) that says which.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence
from urllib.parse import urlencode

from markupsafe import Markup

from fonds import facet_counts
from fonds.query import And, Filter, Node, Person, parse
from fonds.errors import QueryError
from fonds.vocabulary import language_tag
from fonds.web.markup import snippet_html
from fonds.web.collections import labels, root_of, short_title
from fonds.web.pages import Archive, language_label, record_href

SORTS = {"relevance": "relevance", "date": "date (oldest first)", "-date": "date (newest first)"}
FACET_LABELS = {
    "language": "Language",
    "repository": "Repository",
    "collection": "Collection",
    "type": "Type",
    "person": "Person",
}
FACET_FIELDS = {"language": "lang", "repository": "repository", "collection": "collection", "type": "type", "person": "person"}
FILTER_FIELDS = tuple(FACET_FIELDS.values())
MAX_FILTERS = 20
MAX_FILTER_LENGTH = 1000
FACET_SHOWN = 8  # values shown before "more"
MAX_OFFSET = 10_000
# A `from`/`to` date as the query language takes it (query.py): a four-digit year, then month, then day.
# The OpenAPI schema gives the same pattern (web/api.py), so schema and server agree.
DATE_PARAM_PATTERN = (
    r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
)
_DATE = re.compile(DATE_PARAM_PATTERN)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    filters: tuple[tuple[str, str], ...] = ()  # (field, value): lang, repository, collection, type, person
    all_facets: bool = False  # `facets=always`: count the facets now, however many hits (facet_counts.py)

    @property
    def full_query(self) -> str:
        """The query text with the date range added, as the parser reads it."""
        if self.date_from or self.date_to:
            return f"{self.q} date:{self.date_from}..{self.date_to}".strip()
        return self.q

    def node(self) -> Node | None:
        """The parsed query, the date range and the filters, as one search."""
        parsed = parse(self.full_query)
        filters: list[Node] = [Person(value) if name == "person" else Filter(name, value) for name, value in self.filters]
        items = ([parsed] if parsed is not None else []) + filters
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def href(self, **changes: Any) -> str:
        values = {"q": self.q, "from": self.date_from, "to": self.date_to, "sort": self.sort, "page": self.page}
        values.update({("from" if k == "date_from" else "to" if k == "date_to" else k): v for k, v in changes.items()})
        filters: tuple[tuple[str, str], ...] = changes.get("filters", self.filters)
        values.pop("filters", None)
        if values["sort"] == "relevance":
            values.pop("sort")
        if values["page"] == 1:
            values.pop("page")
        pairs = [(k, v) for k, v in values.items() if v not in ("", None)]
        pairs[1:1] = [("filter", f"{name}:{value}") for name, value in filters]
        return "/search?" + urlencode(pairs)

    def facets_href(self, *, json: bool = False) -> str:
        """This search with `facets=always`: its facet counts counted now, when the first answer left them out."""
        plain = self.href()
        href = plain + ("&" if plain != "/search?" else "") + "facets=always"
        return href.replace("/search?", "/search.json?", 1) if json else href


def read_filters(raw: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """`["type:Letter", 'collection:NKIDP']` as (field, value) pairs, each once, in order.

    Raises QueryError for a filter without a known field, or too many or too long ones.
    """
    if len(raw) > MAX_FILTERS:
        raise QueryError(f"{len(raw)} filters are too many; use at most {MAX_FILTERS}")
    found: list[tuple[str, str]] = []
    for text in raw:
        name, colon, value = text.partition(":")
        if not colon or name not in FILTER_FIELDS or not value:
            raise QueryError(
                f"filter {text[:80]!r} is not one we know; write FIELD:VALUE with FIELD one of {', '.join(FILTER_FIELDS)}"
            )
        if len(value) > MAX_FILTER_LENGTH:
            raise QueryError(f"a {name} filter is {len(value)} characters long; keep it under {MAX_FILTER_LENGTH}")
        if name == "lang":
            code = language_tag(value)
            if code is None:
                raise QueryError(f"unknown language {value[:80]!r} in a filter; use an ISO 639-1 code (ru), a name "
                                 "or a BCP 47 tag with script or region (zh-Hant, pt-BR)")
            value = code
        if (name, value) not in found:
            found.append((name, value))
    return tuple(found)


def read_params(query: Mapping[str, str], filters: Sequence[str] = ()) -> SearchParams:
    text = query.get("q", "").strip()
    date_from = query.get("from", "").strip()
    date_to = query.get("to", "").strip()
    for label, value in (("from", date_from), ("to", date_to)):
        if value and not _is_date(value):
            raise QueryError(
                f"the {label} date {value[:40]!r} is not one we understand; use a year, year and month or a "
                "whole date: 1962, 1962-08 or 1962-08-14"
            )
    sort = query.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise QueryError(f"sort {sort!r} is not one we know; use relevance, date or -date")
    raw_page = query.get("page", "1") or "1"
    if not (raw_page.isascii() and raw_page.isdigit()) or int(raw_page) < 1:
        raise QueryError(f"page {raw_page!r} is not a page number; use 1, 2, 3...")
    facets = query.get("facets", "")
    if facets not in ("", "always"):
        raise QueryError(f"facets={facets[:40]!r} is not one we know; leave it out, or use facets=always to have the "
                         "counts counted however many records the search finds")
    return SearchParams(text, date_from, date_to, sort, int(raw_page), read_filters(filters), facets == "always")


def _is_date(value: str) -> bool:
    """True for 1962, 1962-08 or a day the calendar has (1962-02-30 is not one)."""
    if not _DATE.match(value):
        return False
    if len(value) == 10:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
    return True


@dataclass(frozen=True)
class HitView:
    id: str
    href: str
    title: str
    date: str | None
    type: str | None
    snippet: Markup
    matched: tuple[str, ...]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    is_active: bool
    href: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    values: tuple[FacetValue, ...]

    @property
    def shown(self) -> tuple[FacetValue, ...]:
        """The values listed at once: the first FACET_SHOWN, and any that are on."""
        return tuple(v for i, v in enumerate(self.values) if i < FACET_SHOWN or v.is_active)

    @property
    def more(self) -> tuple[FacetValue, ...]:
        """The rest, folded under "more"."""
        return tuple(v for i, v in enumerate(self.values) if i >= FACET_SHOWN and not v.is_active)


@dataclass(frozen=True)
class ActiveFilter:
    """A filter that is on, with the link that takes it off."""

    field: str
    label: str
    href: str


@dataclass(frozen=True)
class Bar:
    year: str
    count: int
    height: int  # 0-100
    href: str
    is_active: bool


@dataclass(frozen=True)
class PageLink:
    number: int
    href: str
    is_current: bool


@dataclass(frozen=True)
class SearchPage:
    params: SearchParams
    total: int
    hits: tuple[HitView, ...]
    facets: tuple[FacetGroup, ...]
    histogram: tuple[Bar, ...]
    pages: tuple[PageLink, ...]
    previous_href: str | None
    next_href: str | None
    first: int
    sorts: tuple[tuple[str, str, str], ...]  # value, label, href
    raw_facets: dict[str, list[tuple[str, int]]]
    facets_deferred: bool = False  # many hits, counts not cached yet: the page fetches `params.facets_href()`
    active: tuple[ActiveFilter, ...] = ()
    last_href: str | None = None  # a page past the last one: where the last one is
    template: str = "search.html"

    @property
    def heading(self) -> str:
        """What the results are for, in words: `for “Khrushchev”, Type: Letter`."""
        parts = [f"“{self.params.full_query}”"] if self.params.full_query else []
        parts += [f"{a.field}: {a.label}" for a in self.active]
        return ", ".join(parts)

    def json(self) -> dict[str, Any]:
        return {
            "query": self.params.full_query,
            "filters": [{"field": name, "value": value} for name, value in self.params.filters],
            "total": self.total,
            "offset": self.first - 1 if self.hits else 0,
            "hits": [
                {"id": h.id, "title": h.title, "date": h.date, "type": h.type, "snippet": str(h.snippet),
                 "matched": list(h.matched)}
                for h in self.hits
            ],
            "facets": {
                name: [{"value": v, "count": c} for v, c in values] for name, values in self.raw_facets.items()
            },
            # Counts are exact or absent: a search of many hits whose counts are not counted yet says where they are.
            "facets_deferred": self.facets_deferred,
            "facets_href": self.params.facets_href(json=True) if self.facets_deferred else None,
        }


def search_page(archive: Archive, params: SearchParams, *, links: bool = True) -> SearchPage:
    """The search page for `params`. `links=False` (the JSON twin) leaves out what only the HTML page
    shows: facet groups with their links and labels, the histogram, page and sort links."""
    node = params.node()
    size = archive.settings.page_size
    offset = (params.page - 1) * size
    if offset > MAX_OFFSET:
        raise QueryError(f"page {params.page} is too far; narrow the search instead (at most {MAX_OFFSET} hits are shown)")
    result = archive.index.search(
        node, limit=size, offset=offset, sort=params.sort, resolve_names=archive.resolve_names,
        defer_facets_over=None if params.all_facets else facet_counts.INLINE_HITS,
    )
    hits = tuple(
        HitView(h.id, record_href(h.id), h.title, h.date, h.type, snippet_html(h.snippet), h.matched)
        for h in result.hits
    )
    if not links:
        return SearchPage(params=params, total=result.total, hits=hits, facets=(), histogram=(), pages=(),
                          previous_href=None, next_href=None, first=offset + 1, sorts=(), raw_facets=result.facets,
                          facets_deferred=result.facets_deferred)
    last_page = max(1, min(-(-result.total // size), MAX_OFFSET // size + 1))
    window = range(max(1, params.page - 4), min(last_page, params.page + 4) + 1)
    groups = facet_groups(archive, params, result.facets)
    return SearchPage(
        params=params,
        total=result.total,
        hits=hits,
        facets=groups,
        histogram=histogram(params, result.facets.get("year", [])),
        pages=tuple(PageLink(n, params.href(page=n), n == params.page) for n in window) if last_page > 1 else (),
        previous_href=params.href(page=params.page - 1) if params.page > 1 else None,
        next_href=params.href(page=params.page + 1) if params.page < last_page else None,
        first=offset + 1,
        sorts=tuple((value, label, params.href(sort=value, page=1)) for value, label in SORTS.items()),
        raw_facets=result.facets,
        facets_deferred=result.facets_deferred,
        active=active_filters(archive, params),
        last_href=params.href(page=last_page) if result.total and not hits else None,
    )


def toggle(text: str, term: str) -> tuple[str, bool]:
    """The query with `term` removed if it is there, else added; and whether it was there."""
    pattern = re.compile(rf"(?<!\S){re.escape(term)}(?!\S)")
    if pattern.search(text):
        return " ".join(pattern.sub(" ", text).split()), True
    return f"{text} {term}".strip(), False


def facet_groups(archive: Archive, params: SearchParams, facets: dict[str, list[tuple[str, int]]]) -> tuple[FacetGroup, ...]:
    """The facets, each value with a label no other value of its group shares, and the link that
    turns it on (adds a filter) or off (takes the filter out of `filter` or of the query text)."""
    groups = []
    for name, label in FACET_LABELS.items():
        field = FACET_FIELDS[name]
        entries = facets.get(name, [])
        names = unique_labels(archive, name, [value for value, _ in entries])
        values = []
        for value, count in entries:
            new_text, typed = toggle(params.q, _typed(field, value))
            if typed:
                href = params.href(q=new_text, page=1)
            elif (field, value) in params.filters:
                href = params.href(filters=tuple(f for f in params.filters if f != (field, value)), page=1)
            else:
                href = params.href(filters=(*params.filters, (field, value)), page=1)
            is_active = typed or (field, value) in params.filters
            values.append(FacetValue(value, names[value], count, is_active, href))
        if values:
            groups.append(FacetGroup(name, label, tuple(values)))
    return tuple(groups)


def active_filters(archive: Archive, params: SearchParams) -> tuple[ActiveFilter, ...]:
    names = {v: k for k, v in FACET_FIELDS.items()}
    return tuple(
        ActiveFilter(
            FACET_LABELS[names[field]],
            unique_labels(archive, names[field], [value])[value],
            params.href(filters=tuple(f for f in params.filters if f != (field, value)), page=1),
        )
        for field, value in params.filters
    )


def _typed(field: str, value: str) -> str:
    """The filter as a reader may type it into the query text: `type:Letter`, `repository:"Department of State"`."""
    simple = value and all(ch.isalnum() or ch in "-_.'" for ch in value)
    return f"{field}:{value}" if simple else f'{field}:"{value}"'


def unique_labels(archive: Archive, facet: str, values: Sequence[str]) -> dict[str, str]:
    """Each value's label, qualified where two values would read alike.

    Collections take their collection-wide unique labels ("Korea (FRUS 1958–1960, vol. XVIII)");
    persons with one name are told apart by their description or dates, then their id; anything
    else that repeats gets its value.
    """
    if facet == "collection":
        collections = archive.collections()
        every: dict[str, str] = archive.cached("collection-labels", lambda: labels(collections))
        return {v: every.get(v, v) for v in values}
    result = {v: facet_label(archive, facet, v) for v in values}
    by_label: dict[str, list[str]] = {}
    for value, label in result.items():
        by_label.setdefault(label, []).append(value)
    for same in (ids for ids in by_label.values() if len(ids) > 1):
        for value in same:
            extra = _person_detail(archive, value) if facet == "person" else value
            result[value] = f"{result[value]} ({extra or value})"
    return result


def _person_detail(archive: Archive, entity_id: str) -> str:
    from fonds.errors import NotFound

    try:
        entity = archive.store.get_entity(entity_id)
    except NotFound:
        return entity_id
    return entity.dates or entity.description or entity_id


def facet_label(archive: Archive, name: str, value: str) -> str:
    if name == "language":
        return language_label(value)
    if name == "person":
        return archive.person_name(value)
    if name == "collection":
        collections = archive.collections()
        if value in collections:
            c = collections[value]
            top = root_of(c, collections)
            return c.title if top.id == c.id else f"{c.title} ({short_title(top)})"
    return value


def histogram(params: SearchParams, years: list[tuple[str, int]]) -> tuple[Bar, ...]:
    counts = {int(y): c for y, c in years if y.lstrip("-").isdigit()}
    if not counts:
        return ()
    first, last = min(counts), max(counts)
    if last - first > 200:  # a stray date would flatten every bar: show the years that have records
        span = sorted(counts)
    else:
        span = list(range(first, last + 1))
    most = max(counts.values())
    bars = []
    for year in span:
        count = counts.get(year, 0)
        is_active = params.date_from == str(year) and params.date_to == str(year)
        href = params.href(date_from="" if is_active else str(year), date_to="" if is_active else str(year), page=1)
        bars.append(Bar(str(year), count, round(100 * count / most) if count else 0, href, is_active))
    return tuple(bars)
