"""The Tantivy index: derived from the store's change log, never written around it.

The index keeps a checkpoint (the last change-log sequence number it applied)
in its folder. `update` applies every change after it, so a crash at any
point is mended the next time any command opens the index: applying a change
twice gives the same index. `rebuild` deletes everything and starts again.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import tantivy
from tantivy import Occur, Query

from fonds import query as q
from fonds.errors import QueryError, StoreError
from fonds.record import Record
from fonds.store.base import Store

INDEX_VERSION = 1
BATCH = 500
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
    for name in ("title", "summary", "text"):
        builder.add_text_field(name, stored=True, tokenizer_name="fonds")
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
        earliest=_day(record.date.earliest, 0),
        latest=_day(record.date.latest, 99991231),
        date_sort=_day(record.date.earliest, 99991231),
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
                        except Exception:  # noqa: BLE001 - deleted since: a later change says so
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
        resolve_names: NameResolver | None = None,
    ) -> SearchResult:
        if sort not in ("relevance", "date", "-date"):
            raise QueryError(f"sort {sort!r} is not one we know; use relevance or date")
        expansions: list[tuple[str, str]] = []
        compiled = _Compiler(self, resolve_names, expansions).compile(node)
        searcher = self.index.searcher()
        order = {"date": tantivy.Order.Asc, "-date": tantivy.Order.Desc}.get(sort)
        try:
            if order is None:
                result = searcher.search(compiled, limit=limit, offset=offset, count=True)
            else:
                result = searcher.search(
                    compiled, limit=limit, offset=offset, count=True, order_by_field="date_sort", order=order
                )
        except ValueError as error:
            raise QueryError(f"the search could not be run ({error}); simplify it") from None
        snippets = _snippet_generators(searcher, compiled, self.schema)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            hits.append(self._hit(doc, score, snippets, expansions))
        facet_counts = self._facets(searcher, compiled) if facets else {}
        return SearchResult(total=int(result.count or 0), hits=tuple(hits), facets=facet_counts)

    def _hit(
        self,
        doc: tantivy.Document,
        score: Any,
        snippets: list[tantivy.SnippetGenerator],
        expansions: list[tuple[str, str]],
    ) -> Hit:
        snippet = ""
        for generator in snippets:
            html = generator.snippet_from_doc(doc).to_html()
            if html and "<b>" in html:
                snippet = html
                break
        if not snippet:
            snippet = _escape(_first(doc, "summary") or _first(doc, "text"))[:200]
        haystack = " ".join(_first(doc, f) for f in ("title", "summary", "text")).lower()
        matched = tuple(dict.fromkeys(why for variant, why in expansions if variant.lower() in haystack))
        return Hit(
            id=_first(doc, "id"),
            title=_first(doc, "title"),
            date=_first(doc, "date_text") or None,
            snippet=snippet,
            matched=matched,
            score=float(score) if isinstance(score, float) else 0.0,
            type=_first(doc, "type_stored") or None,
        )

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


def _first(doc: tantivy.Document, name: str) -> str:
    values = doc.get_all(name)
    return str(values[0]) if values else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _snippet_generators(searcher: tantivy.Searcher, compiled: Query, schema: tantivy.Schema) -> list[Any]:
    generators = []
    for name in ("text", "summary", "title"):
        generator = tantivy.SnippetGenerator.create(searcher, compiled, schema, name)
        generator.set_max_num_chars(240)
        generators.append(generator)
    return generators


def _entity_names(store: Store) -> dict[str, Sequence[str]]:
    try:
        return {entity.id: entity.names for entity in store.iter_entities()}
    except Exception:  # noqa: BLE001 - an index without names still finds records
        return {}


class _Compiler:
    """Turns the parsed search into Tantivy queries."""

    def __init__(self, index: Index, resolve: NameResolver | None, expansions: list[tuple[str, str]]) -> None:
        self.index = index
        self.schema = index.schema
        self.resolve = resolve
        self.expansions = expansions

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
            return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, self.node(node.item))])
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
                items.append((Occur.MustNot, self.node(item.item)))
            else:
                items.append((Occur.Must, self.node(item)))
        if all(occur == Occur.MustNot for occur, _ in items):
            items.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(items)

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
        if len(token) >= 4 and not any(c.isdigit() for c in token):
            distance = 1 if len(token) < 8 else 2
            for f in fields:
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
                query = Query.phrase_query(self.schema, f, tokens)
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
                    else Query.phrase_query(self.schema, f, tokens)
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
