"""The search page: the query, its filters and facets, the hits, the histogram and the pages.

The search is the query text plus an optional date range (`from`, `to`). A facet
link adds its filter to the query text, or takes it out again when it is there.
Every parameter is checked here; a bad one is a QueryError (400) that says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode

from markupsafe import Markup

from fonds import query as q
from fonds.errors import QueryError
from fonds.web.markup import snippet_html
from fonds.web.pages import Archive, _filter, language_label, record_href

SORTS = {"relevance": "relevance", "date": "date (oldest first)", "-date": "date (newest first)"}
FACET_LABELS = {
    "language": "Language",
    "repository": "Repository",
    "collection": "Collection",
    "type": "Type",
    "person": "Person",
}
FACET_FIELDS = {"language": "lang", "repository": "repository", "collection": "collection", "type": "type", "person": "person"}
MAX_OFFSET = 10_000
_DATE = re.compile(r"^[0-9]{1,4}(-[0-9]{2}(-[0-9]{2})?)?$")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1

    @property
    def full_query(self) -> str:
        """The query text with the date range added, as the parser reads it."""
        if self.date_from or self.date_to:
            return f"{self.q} date:{self.date_from}..{self.date_to}".strip()
        return self.q

    def href(self, **changes: Any) -> str:
        values = {"q": self.q, "from": self.date_from, "to": self.date_to, "sort": self.sort, "page": self.page}
        values.update({("from" if k == "date_from" else "to" if k == "date_to" else k): v for k, v in changes.items()})
        if values["sort"] == "relevance":
            values.pop("sort")
        if values["page"] == 1:
            values.pop("page")
        return "/search?" + urlencode({k: v for k, v in values.items() if v not in ("", None)})


def read_params(query: Mapping[str, str]) -> SearchParams:
    text = query.get("q", "").strip()
    date_from = query.get("from", "").strip()
    date_to = query.get("to", "").strip()
    for label, value in (("from", date_from), ("to", date_to)):
        if value and not _DATE.match(value):
            raise QueryError(f"the {label} date {value!r} is not one we understand; use 1962, 1962-08 or 1962-08-14")
    sort = query.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise QueryError(f"sort {sort!r} is not one we know; use relevance, date or -date")
    raw_page = query.get("page", "1") or "1"
    if not (raw_page.isascii() and raw_page.isdigit()) or int(raw_page) < 1:
        raise QueryError(f"page {raw_page!r} is not a page number; use 1, 2, 3...")
    return SearchParams(text, date_from, date_to, sort, int(raw_page))


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
    template: str = "search.html"

    def json(self) -> dict[str, Any]:
        return {
            "query": self.params.full_query,
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
        }


def search_page(archive: Archive, params: SearchParams) -> SearchPage:
    node = q.parse(params.full_query)
    size = archive.settings.page_size
    offset = (params.page - 1) * size
    if offset > MAX_OFFSET:
        raise QueryError(f"page {params.page} is too far; narrow the search instead (at most {MAX_OFFSET} hits are shown)")
    result = archive.index.search(
        node, limit=size, offset=offset, sort=params.sort, resolve_names=archive.resolve_names
    )
    hits = tuple(
        HitView(h.id, record_href(h.id), h.title, h.date, h.type, snippet_html(h.snippet), h.matched)
        for h in result.hits
    )
    last_page = max(1, min(-(-result.total // size), MAX_OFFSET // size + 1))
    window = range(max(1, params.page - 4), min(last_page, params.page + 4) + 1)
    return SearchPage(
        params=params,
        total=result.total,
        hits=hits,
        facets=facet_groups(archive, params, result.facets),
        histogram=histogram(params, result.facets.get("year", [])),
        pages=tuple(PageLink(n, params.href(page=n), n == params.page) for n in window) if last_page > 1 else (),
        previous_href=params.href(page=params.page - 1) if params.page > 1 else None,
        next_href=params.href(page=params.page + 1) if params.page < last_page else None,
        first=offset + 1,
        sorts=tuple((value, label, params.href(sort=value, page=1)) for value, label in SORTS.items()),
        raw_facets=result.facets,
    )


def toggle(text: str, term: str) -> tuple[str, bool]:
    """The query with `term` removed if it is there, else added; and whether it was there."""
    pattern = re.compile(rf"(?<!\S){re.escape(term)}(?!\S)")
    if pattern.search(text):
        return " ".join(pattern.sub(" ", text).split()), True
    return f"{text} {term}".strip(), False


def facet_groups(archive: Archive, params: SearchParams, facets: dict[str, list[tuple[str, int]]]) -> tuple[FacetGroup, ...]:
    collections = archive.collections()
    groups = []
    for name, label in FACET_LABELS.items():
        values = []
        for value, count in facets.get(name, []):
            if '"' in value:
                continue
            term = _filter(FACET_FIELDS[name], value)
            new_text, active = toggle(params.q, term)
            values.append(FacetValue(value, facet_label(archive, name, value, collections), count, active,
                                     params.href(q=new_text, page=1)))
        if values:
            groups.append(FacetGroup(name, label, tuple(values)))
    return tuple(groups)


def facet_label(archive: Archive, name: str, value: str, collections: Mapping[str, Any]) -> str:
    if name == "language":
        return language_label(value)
    if name == "person":
        return archive.person_name(value)
    if name == "collection" and value in collections:
        return str(collections[value].title)
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
