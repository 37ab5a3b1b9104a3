"""The Tantivy index: derived from the store's change log, never written around it.

The index keeps a checkpoint (the last change-log sequence number it applied)
in its folder. `update` applies every change after it, so a crash at any
point is mended the next time any command opens the index: applying a change
twice gives the same index. `rebuild` deletes everything and starts again.
When INDEX_VERSION changes, opening the index deletes its folder; the checkpoint
goes with it, so the next `update` fills the new schema from the store. An update
from checkpoint 0 reads the records once and commits once, as `rebuild` does:
committing every BATCH changes leaves many small segments, and facets cost about
1.7x as much over six segments as over one (10k records).

What a search costs, and how it is kept small (see docs/benchmarks.md):

- Fuzzy matching is a fallback. A search first runs with its exact words; only
  when that finds fewer than FUZZY_BELOW records is it run again with fuzzy
  clauses (edit distance 1, or 2 for words of 8+ letters, words of 4+ letters
  without digits) on the title and text, never on words after NOT. So a
  misspelling still finds its record, exact matches always rank first, and a
  common word is not widened to every word one letter away ("wheat" to "what").
  Tantivy's snippets do not highlight fuzzy matches (they never did), so a hit
  found only fuzzily shows the start of its summary or text.
- The text is indexed but not stored. A stored-only `snippet_text` keeps its first
  SNIPPET_CHARS characters, for snippets and for `matched`. A hit whose terms lie
  only beyond that gets a snippet from its summary or title, or no highlight.
- Snippets are built only when the search has words to highlight (not for
  filters, dates, an empty search or a person: search without name variants:
  those show the start of the summary or text), and only with `snippets=True`.
  The text's generator runs over short windows around the first word of each
  searched term (words that begin with the term's letters, confirmed by the
  analyzer: "Korean" is not "korea"), not over the whole text; the generator
  still picks the best fragment among them. Only a non-ASCII text where no window
  was found ("Sŏng" for song) goes through the generator whole. The summary's
  and title's generators are made only when the text has no highlight.
- `matched` (which name variants a hit contains) is computed only when the search
  expanded a name, over the title, summary and stored text.
- `neighbours` finds the records before and after one record in a search's order
  from document addresses alone, fetching only the two documents it returns.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import tantivy
from tantivy import Occur, Query

from fonds import query as q
from fonds.dates import SORT_LAST
from fonds.errors import NotFound, QueryError, StoreError
from fonds.record import Record
from fonds.store.base import Store

INDEX_VERSION = 3  # 3: date_sort YYYYMMDDHHMM (HistoricalDate.sort_key); 2: text no longer stored; stored-only snippet_text (its first SNIPPET_CHARS)
BATCH = 500
SNIPPET_CHARS = 20_000  # how much of each text snippets and `matched` look at
SNIPPET_LENGTH = 240  # characters in a snippet
PLAIN_LENGTH = 200  # characters of summary or text shown when nothing is highlighted
FUZZY_BELOW = 3  # exact matches below this many: run the search again with fuzzy clauses
FUZZY_FIELDS = ("title", "text")
MAX_NEEDLES = 12  # words looked for in a text to place its snippet (the search's own first, then name variants)
CHUNK = 4096  # characters of text lowercased at a time while looking for the terms
LOOKS = 30  # words beginning with a term's letters checked per text before giving up
WINDOWS = 4  # distinct words around which the text's snippet is looked for
WINDOW_BEFORE, WINDOW_AFTER = 100, 220
FACETS = {
    "language": ("lang", 60),
    "repository": ("repository", 30),
    "collection": ("collection", 50),
    "type": ("type", 30),
    "year": ("year", 200),
    "person": ("person_id", 20),
}
TEXT_BOOSTS = {"title": 3.0, "summary": 1.5, "text": 1.0, "persons": 2.0}
NameResolver = Callable[[str], Sequence[tuple[str, str]]]


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


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(60))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    for name in ("title", "summary"):
        builder.add_text_field(name, stored=True, tokenizer_name="fonds")
    builder.add_text_field("text", stored=False, tokenizer_name="fonds")
    builder.add_bytes_field("snippet_text", stored=True, indexed=False)  # UTF-8, the first SNIPPET_CHARS of text
    builder.add_text_field("persons", stored=False, tokenizer_name="fonds")
    for name in ("repository_text", "collection_text", "type_text"):
        builder.add_text_field(name, stored=False, tokenizer_name="fonds")
    for name in ("lang", "repository", "collection", "type", "person_id"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    builder.add_integer_field("year", stored=False, indexed=True, fast=True)
    builder.add_integer_field("earliest", stored=False, indexed=True, fast=True)
    builder.add_integer_field("latest", stored=False, indexed=True, fast=True)
    builder.add_integer_field("date_sort", stored=False, indexed=False, fast=True)
    builder.add_text_field("date_text", stored=True, tokenizer_name="raw")
    builder.add_text_field("type_stored", stored=True, tokenizer_name="raw")
    return builder.build()


def _day(iso: str | None, default: int) -> int:
    return int(iso.replace("-", "")) if iso else default


def document(record: Record, names: dict[str, Sequence[str]] | None = None) -> tantivy.Document:
    """The index document for a record. `names` gives each linked person's variants."""
    persons: list[str] = []
    for link in record.persons:
        persons.append(link.name)
        persons.extend((names or {}).get(link.id, ()))
    collections = list(record.collections)
    return tantivy.Document(
        id=record.id,
        title=record.title,
        summary=record.summary or "",
        text=record.text,
        snippet_text=record.text[:SNIPPET_CHARS].encode("utf-8"),
        persons=" ; ".join(persons),
        repository_text=" ".join(filter(None, [record.source.repository, record.source.repository_code])),
        collection_text=" ".join(collections),
        type_text=record.type or "",
        lang=list(record.languages),
        repository=[record.source.repository] if record.source.repository else [],
        collection=collections,
        type=[record.type] if record.type else [],
        person_id=sorted({p.id for p in record.persons}),
        year=list(record.date.years),
        earliest=_day(record.date.search_bounds[0], 0),  # an open side reaches past the archive's span
        latest=_day(record.date.search_bounds[1], 99991231),
        date_sort=record.date.sort_key or SORT_LAST,  # YYYYMMDDHHMM: the time of day too
        date_text=record.date.text or "",
        type_stored=record.type or "",
    )


class Index:
    """A Tantivy index in a folder, following one store's change log."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.schema = _schema()
        self._lock = threading.Lock()
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
        self.index.register_tokenizer("fonds", _analyzer())
        self.analyzer = _analyzer()

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
        return int(self._meta().get("seq", 0))

    def _save_checkpoint(self, seq: int, store: Store) -> None:
        tmp = self._meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": INDEX_VERSION, "seq": seq, "store": store.url}))
        tmp.replace(self._meta_path)

    # -- writing ----------------------------------------------------------------------------

    def update(self, store: Store, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every change after the checkpoint. Returns how many were applied.

        If another process holds the writer, returns 0: that process brings the index up to date.
        """
        with self._lock:
            last = store.last_seq()
            start = self.checkpoint
            if start > last:  # the store was replaced: start again
                return self._rebuild_locked(store, progress)
            if start == last:
                return 0
            try:
                writer = self.index.writer(heap_size=64_000_000, num_threads=1)
            except ValueError:
                return 0
            if start == 0:  # a new index (or one whose version changed): one pass, one commit, few segments
                self._fill(writer, store, progress)
                return last
            applied = 0
            names = _entity_names(store)
            try:
                seq = start
                while True:
                    changes = store.changes_since(seq, limit=BATCH)
                    if not changes:
                        break
                    latest = {c.record_id: c for c in changes}
                    for record_id, change in latest.items():
                        writer.delete_documents_by_term("id", record_id)
                        if change.op == "delete":
                            continue
                        try:
                            record = store.get(record_id)
                        except NotFound:  # deleted since: a later change says so
                            continue
                        writer.add_document(document(record, names))
                    writer.commit()
                    seq = changes[-1].seq
                    self._save_checkpoint(seq, store)
                    applied += len(changes)
                    if progress:
                        progress(seq - start, last - start)
            finally:
                writer.wait_merging_threads()
            self.index.reload()
            return applied

    def rebuild(self, store: Store, *, progress: Callable[[int, int], None] | None = None) -> int:
        with self._lock:
            return self._rebuild_locked(store, progress)

    def _rebuild_locked(self, store: Store, progress: Callable[[int, int], None] | None) -> int:
        try:
            writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        except ValueError as error:
            raise StoreError(
                f"{self.path}: another fonds process is writing the index ({error}); stop it and try again"
            ) from None
        return self._fill(writer, store, progress)

    def _fill(self, writer: tantivy.IndexWriter, store: Store, progress: Callable[[int, int], None] | None) -> int:
        """Replace the whole index with the store's records, in one commit. Returns how many records."""
        last = store.last_seq()
        names = _entity_names(store)
        count = 0
        total = store.stats().records
        try:
            writer.delete_all_documents()
            for record in store.iter_records():
                writer.add_document(document(record, names))
                count += 1
                if progress and count % BATCH == 0:
                    progress(count, total)
            writer.commit()
            self._save_checkpoint(last, store)
        finally:
            writer.wait_merging_threads()
        self.index.reload()
        if progress:
            progress(count, total)
        return count

    # -- searching --------------------------------------------------------------------------

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
    ) -> SearchResult:
        """Run a parsed search. `snippets=False` leaves out highlighting and `matched`, for lists of records."""
        _check_sort(sort)
        searcher = self.index.searcher()
        resolve = _remembering(resolve_names) if resolve_names else None
        expansions: list[tuple[str, str]] = []
        compiler = _Compiler(self, resolve, expansions)
        compiled = compiler.compile(node)
        result = self._run(searcher, compiled, limit=limit, offset=offset, sort=sort)
        if compiler.is_fuzzy_possible and int(result.count or 0) < FUZZY_BELOW:
            expansions = []
            compiled = _Compiler(self, resolve, expansions, fuzzy=True).compile(node)
            result = self._run(searcher, compiled, limit=limit, offset=offset, sort=sort)
        highlighter = None
        if snippets and _has_text_terms(node, expanded=bool(expansions)):
            needles = self._needles(node, expansions)
            highlighter = _Highlighter(self, searcher, compiled, needles)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            hits.append(_hit(doc, score, highlighter, expansions if snippets else []))
        facet_counts = self._facets(searcher, compiled) if facets else {}
        return SearchResult(total=int(result.count or 0), hits=tuple(hits), facets=facet_counts)

    def neighbours(self, node: q.Node | None, record_id: str, *, sort: str = "date") -> tuple[Hit | None, Hit | None] | None:
        """The hits just before and after a record in a search's order; None when the search does not find it.

        Only the two neighbours' documents are read (no snippets, no facets, no names),
        so this stays cheap for a search with tens of thousands of hits.
        """
        _check_sort(sort)
        searcher = self.index.searcher()
        found = searcher.search(Query.term_query(self.schema, "id", record_id), limit=1, count=False)
        if not found.hits:
            return None
        target = found.hits[0][1]
        compiled = _Compiler(self, None, []).compile(node)
        hits = self._run(searcher, compiled, limit=max(1, int(searcher.num_docs)), offset=0, sort=sort).hits
        at = next((i for i, (_score, address) in enumerate(hits) if address == target), None)
        if at is None:
            return None

        def hit(i: int) -> Hit | None:
            if not 0 <= i < len(hits):
                return None
            score, address = hits[i]
            return _hit(searcher.doc(address), score, None, [])

        return hit(at - 1), hit(at + 1)

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

    def _needles(self, node: q.Node | None, expansions: list[tuple[str, str]]) -> dict[str, str]:
        """The analyzed terms a snippet should show, each under the lowercase word beginning to look for."""
        words = _positive_words(node) + [variant for variant, _why in expansions]
        needles: dict[str, str] = {}
        for word in words:
            for token in self.tokens(word):
                if len(token) >= 3:  # shorter ones ("n", "il") begin too many other words
                    needles[token[:-1] if token.endswith("i") and len(token) > 3 else token] = token  # treati <- treaty
            if len(needles) >= MAX_NEEDLES:
                break
        return needles

    def _facets(self, searcher: tantivy.Searcher, compiled: Query) -> dict[str, list[tuple[str, int]]]:
        spec = {name: {"terms": {"field": fname, "size": size}} for name, (fname, size) in FACETS.items()}
        try:
            raw = searcher.aggregate(compiled, spec)
        except ValueError:
            return {}
        facets: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            buckets = raw.get(name, {}).get("buckets", [])
            facets[name] = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
        facets["year"].sort()
        return facets

    def count(self) -> int:
        return int(self.index.searcher().num_docs)

    def tokens(self, text: str) -> list[str]:
        return [t for t in self.analyzer.analyze(text) if t]


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


def _hit(
    doc: tantivy.Document, score: Any, highlighter: _Highlighter | None, expansions: list[tuple[str, str]]
) -> Hit:
    title = _first(doc, "title")
    summary = _first(doc, "summary")
    text = _stored_text(doc)
    snippet = highlighter.snippet(text, summary, title) if highlighter else ""
    if not snippet:
        snippet = _escape((summary or text)[:PLAIN_LENGTH])
    matched: tuple[str, ...] = ()
    if expansions:
        haystack = " ".join((title, summary, text)).lower()
        matched = tuple(dict.fromkeys(why for variant, why in expansions if variant.lower() in haystack))
    return Hit(
        id=_first(doc, "id"),
        title=title,
        date=_first(doc, "date_text") or None,
        snippet=snippet,
        matched=matched,
        score=float(score) if isinstance(score, float) else 0.0,
        type=_first(doc, "type_stored") or None,
    )


def _first(doc: tantivy.Document, name: str) -> str:
    values = doc.get_all(name)
    return str(values[0]) if values else ""


def _stored_text(doc: tantivy.Document) -> str:
    values = doc.get_all("snippet_text")
    return bytes(values[0]).decode("utf-8", errors="replace") if values else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _has_text_terms(node: q.Node | None, *, expanded: bool) -> bool:
    """Whether a search has words that a snippet could highlight (not only filters, dates, or unexpanded person:)."""
    if isinstance(node, (q.Word, q.Phrase)):
        return True
    if isinstance(node, q.Person):
        return expanded  # person: alone searches the persons field, which has no snippet
    if isinstance(node, (q.And, q.Or)):
        return any(_has_text_terms(item, expanded=expanded) for item in node.items)
    return False  # Filter, DateRange, Not, None


def _positive_words(node: q.Node | None) -> list[str]:
    """The words and phrases a search looks for in the text (not those after NOT, not title: or summary: ones)."""
    if isinstance(node, (q.Word, q.Phrase)):
        return [node.text] if node.field in (None, "text") else []
    if isinstance(node, (q.And, q.Or)):
        return [word for item in node.items for word in _positive_words(item)]
    return []


class _Highlighter:
    """Snippets for one search's hits: each generator is made once, and only when it is needed."""

    def __init__(self, index: Index, searcher: tantivy.Searcher, query: Query, needles: dict[str, str]):
        self.index = index
        self.searcher = searcher
        self.query = query
        self.needles = needles
        self.generators: dict[str, Any] = {}

    def snippet(self, text: str, summary: str, title: str) -> str:
        """Highlighted HTML from the text, else the summary, else the title; "" when nothing is highlighted."""
        if text:
            windows = _windows(text, self.needles, self.index.tokens)
            html = self.highlight("text", windows) if windows else ""
            if not windows and not text.isascii():  # a term found only through folding ("Sŏng" for song)
                html = self.highlight("text", text)
            if html:
                return html
        for name, value in (("summary", summary), ("title", title)):
            html = self.highlight(name, value) if value else ""
            if html:
                return html
        return ""

    def highlight(self, field_name: str, value: str) -> str:
        generator = self.generators.get(field_name)
        if generator is None:
            generator = tantivy.SnippetGenerator.create(self.searcher, self.query, self.index.schema, field_name)
            generator.set_max_num_chars(SNIPPET_LENGTH)
            self.generators[field_name] = generator
        html = str(generator.snippet_from_doc(tantivy.Document(**{field_name: value})).to_html())
        return html if "<b>" in html else ""


def _word_starts(text: str, needle: str) -> Iterator[int]:
    """Where `needle` begins a word in `text`, in order."""
    at = text.find(needle)
    while at >= 0:
        if at == 0 or not text[at - 1].isalnum():
            yield at
        at = text.find(needle, at + 1)


def _first_term(text: str, needle: str, term: str, analyze: Callable[[str], list[str]]) -> int:
    """Where the first word that analyzes to `term` begins, among the words that begin with `needle`; or -1."""
    for count, at in enumerate(_word_starts(text, needle)):
        if count == LOOKS:
            break
        end = at + len(needle)
        while end < len(text) and text[end].isalnum():
            end += 1
        if term in analyze(text[at:end]):  # "Korean" begins with "korea" but is another term
            return at
    return -1


def _windows(text: str, needles: dict[str, str], analyze: Callable[[str], list[str]]) -> str:
    """The stretches of text around the first word of each searched term (at most WINDOWS), joined; "" if none."""
    starts: list[int] = []
    pending = dict(needles)
    begin = 0
    while pending and begin < len(text):  # lowercased a chunk at a time: most terms turn up early
        end = min(len(text), begin + CHUNK)
        while end < len(text) and text[end].isalnum():  # end between words
            end += 1
        chunk = text[begin:end].lower()  # "McNamara" for mcnamara; the same length but for a few letters ("İ")
        for needle, term in list(pending.items()):
            at = _first_term(chunk, needle, term, analyze)
            if at >= 0:
                starts.append(begin + at)
                del pending[needle]
        begin = end
    spans: list[tuple[int, int]] = []
    for at in sorted(starts)[:WINDOWS]:
        start, end = max(0, at - WINDOW_BEFORE), min(len(text), at + WINDOW_AFTER)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    pieces = []
    for start, end in spans:
        if start > 0:  # begin and end on whole words
            space = text.find(" ", start, start + 30)
            start = space + 1 if space >= 0 else start
        if end < len(text):
            space = text.rfind(" ", end - 30, end)
            end = space if space > start else end
        pieces.append(text[start:end])
    return " … ".join(pieces)


def _entity_names(store: Store) -> dict[str, Sequence[str]]:
    return {entity.id: entity.names for entity in store.iter_entities()}


class _Compiler:
    """Turns the parsed search into Tantivy queries."""

    def __init__(
        self, index: Index, resolve: NameResolver | None, expansions: list[tuple[str, str]], *, fuzzy: bool = False
    ) -> None:
        self.index = index
        self.schema = index.schema
        self.resolve = resolve
        self.expansions = expansions
        self.fuzzy = fuzzy
        self.is_fuzzy_possible = False  # a word that fuzzy clauses could widen (the fallback's condition)
        self.negated = 0

    def compile(self, node: q.Node | None) -> Query:
        if node is None:
            return Query.all_query()
        return self.node(node)

    def node(self, node: q.Node) -> Query:
        if isinstance(node, q.And):
            return self.conjunction(node)
        if isinstance(node, q.Or):
            return Query.boolean_query([(Occur.Should, self.node(item)) for item in node.items])
        if isinstance(node, q.Not):
            return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, self.excluded(node.item))])
        if isinstance(node, q.Word):
            return self.word(node)
        if isinstance(node, q.Phrase):
            return self.phrase(node.text, [node.field] if node.field else list(TEXT_BOOSTS), names=node.field is None)
        if isinstance(node, q.Person):
            return self.person(node.name)
        if isinstance(node, q.Filter):
            return self.filter(node)
        if isinstance(node, q.DateRange):
            return self.date_range(node)
        raise QueryError(f"cannot search for {node!r}")  # pragma: no cover

    def conjunction(self, node: q.And) -> Query:
        items: list[tuple[Occur, Query]] = []
        plain = [i for i in node.items if isinstance(i, q.Word) and i.field is None and not i.prefix]
        if self.resolve and len(plain) >= 2 and len(plain) == len(node.items):
            name = " ".join(w.text for w in plain)
            name_query = self.names(name)
            if name_query is not None:
                return Query.boolean_query(
                    [(Occur.Should, name_query), (Occur.Should, self.all_words(node.items))]
                )
        for item in node.items:
            if isinstance(item, q.Not):
                items.append((Occur.MustNot, self.excluded(item.item)))
            else:
                items.append((Occur.Must, self.node(item)))
        if all(occur == Occur.MustNot for occur, _ in items):
            items.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(items)

    def excluded(self, node: q.Node) -> Query:
        """A search after NOT: never fuzzy, so that it leaves out only what it names."""
        self.negated += 1
        try:
            return self.node(node)
        finally:
            self.negated -= 1

    def all_words(self, items: Sequence[q.Node]) -> Query:
        return Query.boolean_query([(Occur.Must, self.node(item)) for item in items])

    def fields_for(self, field: str | None) -> list[str]:
        return [field] if field else list(TEXT_BOOSTS)

    def word(self, node: q.Word) -> Query:
        fields = self.fields_for(node.field)
        if node.prefix:
            prefix = node.text.lower()
            pattern = re.escape(prefix) + ".*"
            return Query.boolean_query(
                [(Occur.Should, Query.regex_query(self.schema, f, pattern)) for f in fields]
            )
        tokens = self.index.tokens(node.text)
        if not tokens:
            return Query.empty_query()
        if len(tokens) > 1:  # "Il-sung", "N.S." -> a phrase
            return self.phrase(" ".join(tokens), fields, names=False, analyzed=True)
        token = tokens[0]
        clauses: list[tuple[Occur, Query]] = []
        for f in fields:
            term = Query.term_query(self.schema, f, token)
            clauses.append((Occur.Should, Query.boost_query(term, TEXT_BOOSTS.get(f, 1.0))))
        fuzzy_fields = [f for f in fields if f in FUZZY_FIELDS]
        if fuzzy_fields and not self.negated and len(token) >= 4 and not any(c.isdigit() for c in token):
            self.is_fuzzy_possible = True
            if self.fuzzy:
                distance = 1 if len(token) < 8 else 2
                for f in fuzzy_fields:
                    fuzzy = Query.fuzzy_term_query(self.schema, f, token, distance=distance, prefix=False)
                    clauses.append((Occur.Should, Query.const_score_query(fuzzy, 0.01)))
        return Query.boolean_query(clauses)

    def phrase(self, text: str, fields: list[str], *, names: bool, analyzed: bool = False) -> Query:
        tokens = text.split() if analyzed else self.index.tokens(text)
        if not tokens:
            return Query.empty_query()
        clauses: list[tuple[Occur, Query]] = []
        for f in fields:
            if len(tokens) == 1:
                query = Query.term_query(self.schema, f, tokens[0])
            else:
                query = Query.phrase_query(self.schema, f, list[str | tuple[int, str]](tokens))
            clauses.append((Occur.Should, Query.boost_query(query, TEXT_BOOSTS.get(f, 1.0))))
        if names:
            expanded = self.names(text)
            if expanded is not None:
                clauses.append((Occur.Should, expanded))
        return Query.boolean_query(clauses)

    def names(self, name: str) -> Query | None:
        """Every variant of the persons a name resolves to, or None when it names no one."""
        if self.resolve is None:
            return None
        variants = list(self.resolve(name))
        if not variants:
            return None
        self.expansions.extend(variants)
        clauses: list[tuple[Occur, Query]] = []
        for variant, _why in variants[:50]:
            tokens = self.index.tokens(variant)
            if not tokens:
                continue
            for f in TEXT_BOOSTS:
                query = (
                    Query.term_query(self.schema, f, tokens[0])
                    if len(tokens) == 1
                    else Query.phrase_query(self.schema, f, list[str | tuple[int, str]](tokens))
                )
                clauses.append((Occur.Should, Query.boost_query(query, TEXT_BOOSTS[f])))
        return Query.boolean_query(clauses) if clauses else None

    def person(self, name: str) -> Query:
        clauses = [(Occur.Should, self.phrase(name, ["persons"], names=False))]
        clauses.append((Occur.Should, Query.term_query(self.schema, "person_id", name)))
        expanded = self.names(name)
        if expanded is not None:
            clauses.append((Occur.Should, expanded))
        return Query.boolean_query(clauses)

    def filter(self, node: q.Filter) -> Query:
        if node.field == "lang":
            return Query.term_query(self.schema, "lang", node.value)
        exact = Query.term_query(self.schema, node.field, node.value)
        words = self.phrase(node.value, [f"{node.field}_text"], names=False)
        return Query.boolean_query([(Occur.Should, exact), (Occur.Should, words)])

    def date_range(self, node: q.DateRange) -> Query:
        lo = _day(node.earliest, 0)
        hi = _day(node.latest, 99991231)
        integer = tantivy.FieldType.Integer
        return Query.boolean_query(
            [
                (Occur.Must, Query.range_query(self.schema, "earliest", integer, 1, hi)),
                (Occur.Must, Query.range_query(self.schema, "latest", integer, lo, 99991230)),
            ]
        )
