"""The Tantivy index: derived from the store's change log, never written around it.

The index keeps a checkpoint (the last change-log sequence number it applied)
in its folder. `update` applies every change after it, so a crash at any
point is mended the next time any command opens the index: applying a change
twice gives the same index. `rebuild` deletes everything and starts again.
When INDEX_VERSION changes, opening the index deletes its folder; the checkpoint
goes with it, so the next `update` fills the new schema from the store. An update
from checkpoint 0 reads the records once and commits once, as `rebuild` does:
committing every BATCH changes leaves many small segments, and facets cost about
1.7x as much over six segments as over one (10k records). The write path (documents,
`update`, `rebuild`, the checkpoint, failures) is in index_writing.py; `Index.update` and
`Index.rebuild` call it.

What a search costs, and how it is kept small (see docs/benchmarks.md):

- Fuzzy matching is a fallback. A search first runs with its exact words; only
  when that finds fewer than FUZZY_BELOW records is it run again with fuzzy
  clauses (edit distance 1, or 2 for words of 8+ letters, words of 4+ letters
  without digits) on the title and text, never on words after NOT. So a
  misspelling still finds its record, exact matches always rank first, and a
  common word is not widened to every word one letter away ("wheat" to "what").
  Snippets do not highlight fuzzy matches, so a hit found only fuzzily shows the
  start of its summary or text.
- Each language is analysed in fields of its own (analysis.py: `text_cjk` bigrams,
  `text_ru`, `text_de`, `text_fr` stemmed), fed by each rendition according to its
  language; the query is compiled by compiler.py.
- The text is indexed but not stored. A stored-only `snippet_text` keeps its first
  SNIPPET_CHARS characters, for snippets and for `matched` (a text field whose analyzer gives no
  term: reading a document back costs about half what it did as a bytes field). A hit whose terms lie
  only beyond that gets a snippet from its summary or title, or no highlight.
- Snippets (snippets.py) are built only when the search has words to highlight (not
  for filters, dates, an empty search or a person: search without name variants:
  those show the start of the summary or text), and only with `snippets=True`.
  The needles are compiled once per search; each hit's text is folded once and
  searched with them (fast literal scanning, at most LOOKS occurrences per needle;
  a name's needle only in a text holding its longest word; a search of one needle stops at its
  first match in running text).
- The query of a name's variants is kept per index (compiler.NameQueries): a name searched
  again does not compare its ~44 variants pairwise again (2 ms of a name search at 10k).
- `search(..., timings=Timings())` (search_timings.py) says how long each part took; the
  benchmarks' profile reads it (benchmarks/search_parts.py).
- `matched` (which name variants a hit contains) is computed only when the search
  expanded a name, over the title, summary and stored text.
- `neighbours` finds the records before and after one record in a search's order
  from document addresses alone, fetching only the two documents it returns; in date
  order it ranks only the hits of the record's date and the two dates around it (fast-field
  ranges on `date_sort`), so a record page costs the same in a collection of any size.
- Facet counts (facet_counts.py) are exact and cached per index state: keyed by the compiled
  query (so the same search, filters and name expansions) and the checkpoint, in each process
  and, for searches of many hits, in a folder beside the index that every reading process
  shares. Page 2, the JSON twin and the next reader's same search reuse page 1's counts.
  `defer_facets_over` leaves uncached counts of a search of many hits out of its answer
  (`facets_deferred`), for a second request to fetch: what a page's first answer costs then
  stops growing with the hit count.
- Several processes may read one index (`serve --workers N`); one writes it. `refresh`
  (called by every search) reloads the searcher when the checkpoint another process
  wrote has moved, so a reader sees each commit as soon as its checkpoint is written.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import tantivy
from tantivy import Query

from fonds import query as q
from fonds import index_writing, rendition_text
from fonds.analysis import ANALYZED_FIELDS, ENGLISH, Analysis, analyzers
from fonds.containment import Failures
from fonds.compiler import MAX_VARIANTS, Compiler, NameQueries, NameResolver
from fonds.errors import QueryError, StoreError
from fonds.facet_counts import FOLDER, FacetCounts
from fonds.index_writing import BATCH, INDEX_VERSION, SNIPPET_CHARS, document  # noqa: F401 (re-exported)
from fonds.search_timings import UNTIMED, Timings
from fonds.folding import fold_text
from fonds.snippets import Snippets, find, matched_variants, needles, snippet_or_start
from fonds.store.base import Store

STORED_ONLY = "stored_only"  # the tokenizer of a field kept for reading back, not searched
FUZZY_BELOW = 3  # exact matches below this many: run the search again with fuzzy clauses
DATE_SORT_MIN, DATE_SORT_MAX = -(2**63), 2**63 - 1  # the bounds of `date_sort` (i64)


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    date: str | None
    snippet: str
    matched: tuple[str, ...] = ()
    score: float = 0.0
    type: str | None = None


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    facets_deferred: bool = False  # many hits, counts not cached: left for a second request (facet_counts.py)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    for name in ("title", "summary"):
        builder.add_text_field(name, stored=True, tokenizer_name="fonds")
    builder.add_text_field("text", stored=False, tokenizer_name="fonds")
    # the first SNIPPET_CHARS of text, stored only (its analyzer gives no term): read as text, a stored
    # bytes field costs ~5 ns a byte to read back (about 100 us for 20,000), a stored text field ~1
    builder.add_text_field("snippet_text", stored=True, tokenizer_name=STORED_ONLY, index_option="basic")
    builder.add_text_field("persons", stored=False, tokenizer_name="fonds")
    for name in ANALYZED_FIELDS:  # each language's own analysis (see analysis.py); named as its tokenizer
        builder.add_text_field(name, stored=False, tokenizer_name=name)
    for name in ("repository_text", "collection_text", "type_text"):
        builder.add_text_field(name, stored=False, tokenizer_name="fonds")
    for name in ("lang", "repository", "collection", "type", "person_id", "rendition"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    builder.add_bytes_field("rendition_spans", stored=True, indexed=False)  # JSON: where each rendition is in `text`
    rendition_text.add_fields(builder)
    builder.add_integer_field("year", stored=False, indexed=True, fast=True)
    builder.add_integer_field("earliest", stored=False, indexed=True, fast=True)
    builder.add_integer_field("latest", stored=False, indexed=True, fast=True)
    builder.add_integer_field("date_sort", stored=False, indexed=False, fast=True)
    builder.add_text_field("date_text", stored=True, tokenizer_name="raw")
    builder.add_text_field("type_stored", stored=True, tokenizer_name="raw")
    return builder.build()


class Index:
    """A Tantivy index in a folder, following one store's change log."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.schema = _schema()
        self._lock = threading.Lock()
        self.facet_counts = FacetCounts(self.path / FOLDER)
        self.name_queries = NameQueries()  # the queries of name variants, from one search to the next (compiler.py)
        self._seen = -1  # the checkpoint this process's searcher was last reloaded at
        self._checkpoint_seen: tuple[Any, int] | None = None  # (the checkpoint file's stat, its seq)
        self.failures = Failures("index")  # the records the last update or rebuild left out
        self.names_read: tuple[str, dict[str, Sequence[str]]] | None = None  # index_writing.current_names
        self.names_checked: str | None = None  # the authority version index_writing._stale last settled
        self._open()

    def _open(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        meta = self._meta()
        if meta.get("version") not in (None, INDEX_VERSION):
            shutil.rmtree(self.path)
            self.path.mkdir(parents=True)
        try:
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except ValueError as error:
            raise StoreError(f"{self.path}: the search index cannot be opened ({error}); run: fonds reindex") from None
        for name, analyzer in analyzers().items():
            self.index.register_tokenizer(name, analyzer)
        self.index.register_tokenizer(STORED_ONLY, _no_terms())
        self.analysis = Analysis()

    # -- checkpoint -------------------------------------------------------------------------

    @property
    def _meta_path(self) -> Path:
        return self.path / "fonds-index.json"

    def _meta(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self._meta_path.read_text())
            return data
        except (OSError, ValueError):
            return {}

    @property
    def checkpoint(self) -> int:
        """The last change-log sequence number applied. Read again only when the checkpoint file
        changed (it is replaced whole, so a new inode or mtime): asked on every request."""
        try:
            stat = self._meta_path.stat()
            mark = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            mark = None
        known = self._checkpoint_seen
        if mark is not None and known is not None and known[0] == mark:
            return known[1]
        seq = int(self._meta().get("seq", 0))
        self._checkpoint_seen = (mark, seq) if mark is not None else None
        return seq

    # -- writing (fonds.index_writing) ------------------------------------------------------

    def update(self, store: Store, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every change after the checkpoint. Returns how many were applied.

        If another process holds the writer, returns 0: that process brings the index up to date.
        """
        return index_writing.update(self, store, progress=progress)

    def rebuild(self, store: Store, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Fill the index again from every stored record (`fonds reindex`). Returns how many records."""
        return index_writing.rebuild(self, store, progress=progress)

    # -- searching --------------------------------------------------------------------------

    def refresh(self) -> int:
        """The checkpoint; the searcher is reloaded first if it moved since this process last looked
        (another process, `serve`'s follower, committed). Cheap: one small file read."""
        seq = self.checkpoint
        if seq != self._seen:
            self.index.reload()
            self._seen = seq
        return seq

    def search(
        self,
        node: q.Node | None,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
        facets: bool = True,
        snippets: bool = True,
        resolve_names: NameResolver | None = None,
        defer_facets_over: int | None = None,
        timings: Timings | None = None,
    ) -> SearchResult:
        """Run a parsed search. `snippets=False` leaves out highlighting and `matched`, for lists of records.
        With `defer_facets_over=N`, a search of more than N hits whose facet counts are not cached gets
        none (`facets_deferred`); asked again without it, it gets them (facet_counts.py). `timings`
        (search_timings.py) is given the milliseconds each part of the search took."""
        laps = UNTIMED if timings is None else timings
        laps.start()
        _check_sort(sort)
        seq = self.refresh()
        searcher = self.index.searcher()
        resolve = _remembering(resolve_names) if resolve_names else None
        expansions: list[tuple[str, str]] = []
        keys = rendition_text.Keys(searcher)
        compiler = Compiler(self.schema, self.analysis, resolve, expansions, scope_keys=keys, name_queries=self.name_queries)
        compiled = compiler.compile(node)
        laps.lap("compile")
        result = self._run(searcher, compiled, limit=limit, offset=offset, sort=sort)
        laps.lap("search")
        if compiler.is_fuzzy_possible and int(result.count or 0) < FUZZY_BELOW:
            expansions = []
            compiled = Compiler(self.schema, self.analysis, resolve, expansions, fuzzy=True, scope_keys=keys,
                                name_queries=self.name_queries).compile(node)
            laps.lap("compile")
            result = self._run(searcher, compiled, limit=limit, offset=offset, sort=sort)
            laps.lap("search")
        highlighter = None
        if snippets and _has_text_terms(node, expanded=bool(expansions)):
            variants = [variant for variant, _why in expansions[:MAX_VARIANTS]]
            highlighter = Snippets(needles(node, variants, self.analysis), self.analysis)
        laps.lap("snippets")
        docs = [(score, searcher.doc(address)) for score, address in result.hits]
        laps.lap("documents")
        scope = rendition_text.scope_of(node)
        hits = tuple(_hit(doc, score, highlighter, expansions if snippets else [], scope) for score, doc in docs)
        laps.lap("snippets")
        total = int(result.count or 0)
        counts = self.facet_counts.counts(searcher, compiled, seq, total, defer_over=defer_facets_over) if facets else {}
        laps.lap("facets")
        return SearchResult(total=total, hits=hits, facets=counts or {}, facets_deferred=counts is None)

    def neighbours(self, node: q.Node | None, record_id: str, *, sort: str = "date") -> tuple[Hit | None, Hit | None] | None:
        """The hits just before and after a record in a search's order; None when the search does not find it.

        Only the two neighbours' documents are read (no snippets, no facets, no names). In date
        order (`date`, `-date`) the cost follows the records sharing the record's date and the
        dates next to it, not the search's hit count (`_date_window`); in relevance order every
        hit's address is ranked.
        """
        _check_sort(sort)
        self.refresh()
        searcher = self.index.searcher()
        compiled = Compiler(self.schema, self.analysis, None, [], scope_keys=rendition_text.Keys(searcher)).compile(node)
        if sort == "relevance":
            found = searcher.search(Query.term_query(self.schema, "id", record_id), limit=1, count=False)
            if not found.hits:
                return None
            target = found.hits[0][1]
            hits = self._run(searcher, compiled, limit=max(1, int(searcher.num_docs)), offset=0, sort=sort).hits
        else:
            window = self._date_window(searcher, compiled, record_id, sort)
            if window is None:
                return None
            target, hits = window
        at = next((i for i, (_score, address) in enumerate(hits) if address == target), None)
        if at is None:
            return None

        def hit(i: int) -> Hit | None:
            if not 0 <= i < len(hits):
                return None
            score, address = hits[i]
            return _hit(searcher.doc(address), score, None, [])

        return hit(at - 1), hit(at + 1)

    def titles(self, record_ids: Sequence[str]) -> dict[str, str]:
        """The stored title of each of these records the index holds, by id (a term lookup each)."""
        self.refresh()
        searcher = self.index.searcher()
        found: dict[str, str] = {}
        for record_id in record_ids:
            hits = searcher.search(Query.term_query(self.schema, "id", record_id), limit=1, count=False).hits
            if hits:
                found[record_id] = _first(searcher.doc(hits[0][1]), "title")
        return found

    def _date_window(self, searcher: tantivy.Searcher, compiled: Query, record_id: str, sort: str) -> tuple[Any, list[Any]] | None:
        """The record's address and the search's hits dated from the date just before the record's
        to the date just after it, in `sort` order; None when the search does not find the record.

        Three searches of at most one hit find the record's `date_sort` and the nearest other values
        on each side (a fast-field range, no document read); the window is then the hits between them.
        Tantivy orders equal dates by document address, one total order for any subset of hits, so
        the window holds the record's neighbours exactly as the whole search's order has them.
        """
        def both(*queries: Query) -> Query:
            return Query.boolean_query([(tantivy.Occur.Must, part) for part in queries])

        def dates(lower: int, upper: int) -> Query:
            return Query.range_query(self.schema, "date_sort", tantivy.FieldType.Integer, lower, upper)

        def first(query: Query, order: Any) -> Any:
            hits = searcher.search(query, limit=1, count=False, order_by_field="date_sort", order=order).hits
            return hits[0] if hits else None

        found = first(both(compiled, Query.term_query(self.schema, "id", record_id)), tantivy.Order.Asc)
        if found is None:
            return None
        value, target = int(found[0]), found[1]
        below = first(both(compiled, dates(DATE_SORT_MIN, value - 1)), tantivy.Order.Desc)
        above = first(both(compiled, dates(value + 1, DATE_SORT_MAX)), tantivy.Order.Asc)
        lower = int(below[0]) if below is not None else value
        upper = int(above[0]) if above is not None else value
        window = both(compiled, dates(lower, upper))
        counted: Any = searcher.search(window, limit=1, count=True)
        count = max(1, int(counted.count or 0))
        return target, list(self._run(searcher, window, limit=count, offset=0, sort=sort).hits)

    def _run(self, searcher: tantivy.Searcher, compiled: Query, *, limit: int, offset: int, sort: str) -> Any:
        order = {"date": tantivy.Order.Asc, "-date": tantivy.Order.Desc}.get(sort)
        try:
            if order is None:
                return searcher.search(compiled, limit=limit, offset=offset, count=True)
            return searcher.search(
                compiled, limit=limit, offset=offset, count=True, order_by_field="date_sort", order=order
            )
        except ValueError as error:
            raise QueryError(f"the search could not be run ({error}); simplify it") from None

    def count(self) -> int:
        """How many records the index holds, as of its last checkpoint (another process's commits too)."""
        self.refresh()
        return int(self.index.searcher().num_docs)

    def tokens(self, text: str, field: str = ENGLISH) -> list[str]:
        """The terms `text` gives in a field's analysis (the English one by default)."""
        return self.analysis.tokens(text, field)


def _check_sort(sort: str) -> None:
    if sort not in ("relevance", "date", "-date"):
        raise QueryError(f"sort {sort!r} is not one we know; use relevance or date")


def _remembering(resolve: NameResolver) -> NameResolver:
    """The resolver, asked once per name: a search compiled twice (the fuzzy fallback) reuses its answers."""
    known: dict[str, Sequence[tuple[str, str]]] = {}

    def resolve_once(name: str) -> Sequence[tuple[str, str]]:
        if name not in known:
            known[name] = list(resolve(name))
        return known[name]

    return resolve_once


def _hit(doc: tantivy.Document, score: Any, snippets: Snippets | None, expansions: list[tuple[str, str]],
         scope: rendition_text.Scope | None = None) -> Hit:
    title = _first(doc, "title")
    summary = _first(doc, "summary")
    text = _stored_text(doc)
    matched = matched_variants(expansions, " ".join((title, summary, text))) if expansions else ()
    if snippets is not None:
        matched += _renditions_matched(doc, text, snippets, scope)
    if scope is not None:  # the snippet from the renditions the words were restricted to
        text = rendition_text.scoped_text(_spans(doc), text, scope) or text
    return Hit(
        id=_first(doc, "id"),
        title=title,
        date=_first(doc, "date_text") or None,
        snippet=snippet_or_start(snippets, text, summary, title),
        matched=matched,
        score=float(score) if isinstance(score, float) else 0.0,
        type=_first(doc, "type_stored") or None,
    )


def _spans(doc: tantivy.Document) -> list[list[Any]]:
    raw = doc.get_first("rendition_spans")
    spans: list[list[Any]] = json.loads(bytes(raw).decode("utf-8")) if raw else []
    return spans


def _may_hold_two_spans(doc: tantivy.Document) -> bool:
    """False when the record's `rendition_spans` cannot list two renditions: its JSON, a list of lists,
    has fewer than three `[` (each inner list opens one)."""
    raw = doc.get_first("rendition_spans")
    return raw is not None and bytes(raw).count(b"[") >= 3


def _renditions_matched(doc: tantivy.Document, text: str, snippets: Snippets,
                        scope: rendition_text.Scope | None = None) -> tuple[str, ...]:
    """'in the transcript (ru, machine-made)' for each rendition whose text holds a searched word
    (found as snippets find them: by each script's analysis). Records with more than one text
    rendition say it, and every record when the words were restricted to renditions (`rendition:`,
    `lang:`; then only those renditions); only the first SNIPPET_CHARS of the text are looked at."""
    if scope is None and not _may_hold_two_spans(doc):  # most records: no JSON to read
        return ()
    spans = _spans(doc)
    if scope is not None:
        spans = [s for s in spans if scope.holds(s[0], s[1])]
    elif len(spans) < 2:
        return ()
    if not spans or not snippets.needles:
        return ()
    found = []
    for kind, language, machine, start, end in spans:
        part = text[start:end]
        if part and find(part, fold_text(part), snippets.needles, snippets.analysis):
            details = ", ".join(filter(None, [language, "machine-made" if machine else None]))
            found.append(f"in the {kind}" + (f" ({details})" if details else ""))
    return tuple(found)


def _first(doc: tantivy.Document, name: str) -> str:
    values = doc.get_all(name)
    return str(values[0]) if values else ""


def _stored_text(doc: tantivy.Document) -> str:
    value = doc.get_first("snippet_text")
    return value if isinstance(value, str) else ""


def _no_terms() -> tantivy.TextAnalyzer:
    """The analyzer of a stored-only text field: the whole text as one token, dropped (a filter
    keeping tokens shorter than 0 bytes); a few microseconds a document."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.remove_long(0)).build()


def _has_text_terms(node: q.Node | None, *, expanded: bool) -> bool:
    """Whether a search has words that a snippet could highlight (not only filters, dates, or unexpanded person:)."""
    if isinstance(node, (q.Word, q.Phrase)):
        return True
    if isinstance(node, q.Person):
        return expanded  # person: alone searches the persons field, which has no snippet
    if isinstance(node, (q.And, q.Or)):
        return any(_has_text_terms(item, expanded=expanded) for item in node.items)
    return False  # Filter, DateRange, Not, None
