"""The parsed search turned into Tantivy queries, every language's fields included.

A word (or a phrase) is looked for in `title`, `summary`, `text` and `persons` through the
English analyzer, and in the language fields its script calls for (`analysis.Analysis.query_fields`):
a CJK word as the phrase of its bigrams in `text_cjk` (so `苏联大使` is found inside `苏联大使馆`),
a Cyrillic word stemmed in `text_ru`, a Latin word stemmed in `text_de` and `text_fr`.

Names (see docs/search.md): unquoted words that together name a person in the authority
(`Kim Il Sung`, `Chairman Kim`), a single word that is one of a person's own variants in any
script (`Хрущёв`, `김일성`, `金日成`, `Chruschtschow`), and `person:` values are widened to every
variant of that person; each variant used is kept in `expansions` with why it matched. A quoted
phrase is never widened: `"Chairman Kim"` means those two words, in that order.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Callable, Sequence

import tantivy
from tantivy import Occur, Query

from fonds import query as q
from fonds.analysis import CJK_FIELD, ENGLISH, Analysis
from fonds.errors import QueryError
from fonds.rendition_text import ENGLISH_FIELD as RENDITION_ENGLISH
from fonds.rendition_text import LANGUAGE_FIELDS as RENDITION_LANGUAGE_FIELDS
from fonds.rendition_text import SOLO_FIELD, Scope, scope_in

TEXT_BOOSTS = {"title": 3.0, "summary": 1.5, "text": 1.0, "persons": 2.0}
LANGUAGE_BOOST = 1.0
FUZZY_FIELDS = ("title", "text")
MAX_VARIANTS = 50  # name variants searched for one name
FAMILY_ONLY = "family name of "  # the `why` of a name found only as someone's family name
NameResolver = Callable[[str], Sequence[tuple[str, str]]]
_PREFIX_FOLD = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase()).filter(
    tantivy.Filter.ascii_fold()
).build()


def day(iso: str | None, default: int) -> int:
    """A date as the integer YYYYMMDD the index keeps (`1962-08-14` -> 19620814); `default` when None."""
    return int(iso.replace("-", "")) if iso else default


def is_family_only(variants: Sequence[tuple[str, str]]) -> bool:
    """Whether a resolver's answer came only from a family name (`Kim`), not from a variant itself."""
    return bool(variants) and variants[0][1].split(": ", 1)[-1].startswith(FAMILY_ONLY)


class NameQueries:
    """The query each list of name variants compiled to (`Compiler.variants`), for one index (its schema
    and analysis): a name searched again reuses its query instead of comparing its variants pairwise
    again (about 2 ms of CPU for a name of 44 variants). Keyed by the variants themselves, so a changed
    authority gives new keys. At most SIZE lists, the least recently used dropped; thread-safe."""

    SIZE = 1024

    def __init__(self) -> None:
        self._known: OrderedDict[tuple[str, ...], Query | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, variants: tuple[str, ...]) -> tuple[Query | None] | None:
        """(the query,) of these variants when compiled before (the query None when none is needed), else None."""
        with self._lock:
            if variants not in self._known:
                return None
            self._known.move_to_end(variants)
            return (self._known[variants],)

    def put(self, variants: tuple[str, ...], query: Query | None) -> None:
        with self._lock:
            self._known[variants] = query
            if len(self._known) > self.SIZE:
                self._known.popitem(last=False)


class Compiler:
    """Turns one parsed search into a Tantivy query; `expansions` collects the name variants used.
    `name_queries` (one per index) keeps the queries of name variants from one search to the next."""

    def __init__(
        self,
        schema: tantivy.Schema,
        analysis: Analysis,
        resolve: NameResolver | None,
        expansions: list[tuple[str, str]],
        *,
        fuzzy: bool = False,
        scope_keys: Callable[[Scope], list[str]] | None = None,
        name_queries: NameQueries | None = None,
    ) -> None:
        self.schema = schema
        self.name_queries = name_queries
        self.analysis = analysis
        self.resolve = resolve
        self.expansions = expansions
        self.fuzzy = fuzzy
        self.scope_keys = scope_keys  # the rendition keys an index holds (rendition_text.Keys)
        self.scope: Scope | None = None  # words restricted to renditions (`rendition:`, `lang:`)
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
            if self.scope is not None and node.field is None:
                return self.scoped(node.text)
            return self.text(node.text, self.fields_for(node.field), language=node.field in (None, "text"))
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
        if self.resolve and not self.negated and len(plain) >= 2 and len(plain) == len(node.items):
            name = " ".join(w.text for w in plain)
            name_query = self.names(name)
            if name_query is not None:
                return Query.boolean_query([(Occur.Should, name_query), (Occur.Should, self.all_words(node.items))])
        outer = self.scope
        scope = scope_in(node.items) if self.scope_keys is not None else None
        if scope is not None:
            self.scope = scope
        try:
            for item in _rendition_in_language(node.items):
                if isinstance(item, q.Not):
                    items.append((Occur.MustNot, self.excluded(item.item)))
                else:
                    items.append((Occur.Must, self.node(item)))
        finally:
            self.scope = outer
        if all(occur == Occur.MustNot for occur, _ in items):
            items.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(items)

    def excluded(self, node: q.Node) -> Query:
        """A search after NOT: never fuzzy and never widened by names, so it leaves out only what it names."""
        self.negated += 1
        try:
            return self.node(node)
        finally:
            self.negated -= 1

    def all_words(self, items: Sequence[q.Node]) -> Query:
        return Query.boolean_query([(Occur.Must, self.node(item)) for item in items])

    def fields_for(self, field: str | None) -> list[str]:
        return [field] if field else list(TEXT_BOOSTS)

    # -- words and phrases ------------------------------------------------------------------

    def word(self, node: q.Word) -> Query:
        fields = self.fields_for(node.field)
        if self.scope is not None and node.field is None:
            if node.prefix:  # JSON fields take no prefixes: a single-rendition record's text only
                return Query.boolean_query([(Occur.Must, self.solo()), (Occur.Must, self.prefix(node.text, ["text"]))])
            return self.scoped(node.text)
        if node.prefix:
            return self.prefix(node.text, fields)
        tokens = self.analysis.tokens(node.text)
        query = self.text(node.text, fields, language=node.field in (None, "text"))
        if len(tokens) != 1:  # "Il-sung", "N.S." (a phrase), or a CJK word: no fuzzy clauses
            return self.with_name(node, query)
        token = tokens[0]
        clauses: list[tuple[Occur, Query]] = [(Occur.Should, query)]
        fuzzy_fields = [f for f in fields if f in FUZZY_FIELDS]
        if fuzzy_fields and not self.negated and len(token) >= 4 and not any(c.isdigit() for c in token):
            self.is_fuzzy_possible = True
            if self.fuzzy:
                distance = 1 if len(token) < 8 else 2
                for f in fuzzy_fields:
                    fuzzy = Query.fuzzy_term_query(self.schema, f, token, distance=distance, prefix=False)
                    clauses.append((Occur.Should, Query.const_score_query(fuzzy, 0.01)))
        return self.with_name(node, Query.boolean_query(clauses))

    def with_name(self, node: q.Word, query: Query) -> Query:
        """A plain word that is one of a person's own variants (`Хрущёв`, `金日成`), widened to all of them."""
        if self.resolve is None or node.field is not None or self.negated or self.scope is not None:
            return query
        variants = self.resolve(node.text)
        if not variants or is_family_only(variants):  # `Kim` alone names too many people
            return query
        expanded = self.variants(variants)
        if expanded is None:
            return query
        return Query.boolean_query([(Occur.Should, query), (Occur.Should, expanded)])

    def text(self, text: str, fields: list[str], *, language: bool, names_only: bool = False) -> Query:
        """Words as a term (one) or a phrase (several) in each field, plus the language fields.

        `names_only` leaves out the German and French fields (names are not stemmed there).
        """
        clauses: list[tuple[Occur, Query]] = []
        tokens = self.analysis.tokens(text, ENGLISH)
        if tokens:
            for f in fields:
                clauses.append((Occur.Should, Query.boost_query(self.terms(f, tokens), TEXT_BOOSTS.get(f, 1.0))))
        if language:
            for f in self.analysis.query_fields(text):
                if names_only and f in ("text_de", "text_fr"):
                    continue
                if f == CJK_FIELD:
                    forms = [self.terms(f, terms) for terms in self.analysis.cjk_forms(text) if terms]
                    clauses.extend((Occur.Should, Query.boost_query(form, LANGUAGE_BOOST)) for form in forms)
                    continue
                if names_only and f == "text_ru":
                    clauses.append((Occur.Should, self.russian_name(text)))
                    continue
                terms = self.analysis.tokens(text, f)
                if terms:
                    clauses.append((Occur.Should, Query.boost_query(self.terms(f, terms), LANGUAGE_BOOST)))
        if not clauses:
            return Query.empty_query()
        return Query.boolean_query(clauses)

    # -- words restricted to renditions (rendition_text.py) ---------------------------------------

    def solo(self) -> Query:
        assert self.scope is not None
        return Query.term_query(self.schema, SOLO_FIELD, self.scope.solo_term())

    def scoped(self, text: str) -> Query:
        """Words found only in the text of renditions the scope holds, in each one's own analysis:
        a record whose only text is such a rendition, or the rendition's own key in `rtext*`."""
        assert self.scope is not None and self.scope_keys is not None
        clauses = [(Occur.Should, Query.boolean_query([
            (Occur.Must, self.solo()), (Occur.Must, self.text(text, ["text"], language=True)),
        ]))]
        for found in self.scope_keys(self.scope):
            keyed = self.keyed(text, found)
            if keyed is not None:
                clauses.append((Occur.Should, keyed))
        return Query.boolean_query(clauses)

    def keyed(self, text: str, found: str) -> Query | None:
        """Words in one rendition's JSON fields (`rtext.transcript_ru`, `rtext_ru.transcript_ru`...)."""
        clauses: list[tuple[Occur, Query]] = []
        tokens = self.analysis.tokens(text, ENGLISH)
        if tokens:
            clauses.append((Occur.Should, self.terms(f"{RENDITION_ENGLISH}.{found}", tokens)))
        for f in self.analysis.query_fields(text):
            path = f"{RENDITION_LANGUAGE_FIELDS[f]}.{found}"
            if f == CJK_FIELD:
                forms = [terms for terms in self.analysis.cjk_forms(text) if terms and not (len(terms) == 1 and len(terms[0]) == 1)]
                clauses.extend((Occur.Should, self.terms(path, terms)) for terms in forms)
                continue
            terms = self.analysis.tokens(text, f)
            if terms:
                clauses.append((Occur.Should, Query.boost_query(self.terms(path, terms), LANGUAGE_BOOST)))
        return Query.boolean_query(clauses) if clauses else None

    def russian_name(self, name: str) -> Query:
        """A name's words in `text_ru` in any grammatical case (`Хрущёв` finds `Хрущёву`), as a phrase."""
        words = [w for w in re.findall(r"\w+", name)]
        alternatives = ["|".join(re.escape(t) for t in self.analysis.name_terms(w)) for w in words]
        alternatives = [a for a in alternatives if a]
        if not alternatives:
            return Query.empty_query()
        if len(alternatives) == 1:
            return Query.regex_query(self.schema, "text_ru", alternatives[0])
        return Query.regex_phrase_query(self.schema, "text_ru", list[str | tuple[int, str]](alternatives))

    def terms(self, field: str, tokens: list[str]) -> Query:
        if len(tokens) > 1:
            return Query.phrase_query(self.schema, field, list[str | tuple[int, str]](tokens))
        token = tokens[0]
        if field == CJK_FIELD and len(token) == 1:  # one character: any bigram that holds it
            character = re.escape(token)
            return Query.regex_query(self.schema, field, f"{character}.?|.{character}")
        return Query.term_query(self.schema, field, token)

    def prefix(self, text: str, fields: list[str]) -> Query:
        """`Khrush*`, `O'Bri*`, `Il-s*`: the last word a prefix, any words before it a phrase."""
        words = [t for t in _PREFIX_FOLD.analyze(text) if t]
        if not words:
            return Query.empty_query()
        clauses: list[tuple[Occur, Query]] = []
        last = words[-1]
        stem = (self.analysis.tokens(last) or [last])[0]
        pattern = "|".join(re.escape(p) for p in dict.fromkeys((last, stem))) if stem else re.escape(last)
        for f in fields:
            if len(words) == 1:
                query = Query.regex_query(self.schema, f, f"({pattern}).*")
            else:
                before = [t for word in words[:-1] for t in self.analysis.tokens(word)]
                query = Query.phrase_prefix_query(self.schema, f, list[str | tuple[int, str]]([*before, last]))
            clauses.append((Occur.Should, query))
        return Query.boolean_query(clauses)

    # -- names ------------------------------------------------------------------------------

    def names(self, name: str) -> Query | None:
        """Every variant of the persons a name resolves to, or None when it names no one."""
        if self.resolve is None:
            return None
        return self.variants(self.resolve(name))

    def variants(self, variants: Sequence[tuple[str, str]]) -> Query | None:
        """Every variant in every field (`text(..., names_only=True)`), except those another variant's
        clauses already find: `Nikita Sergeyevich Khrushchev` is left out beside `Khrushchev` (every record
        it finds holds the word khrushchev in the same field), `Kim Il-sung` beside `Kim Il Sung` (the same
        phrase), so the same records are found without their phrase queries, which at 1M records cost most of a name search (docs/benchmarks.md). All variants
        stay in `expansions` (for `matched` and snippets)."""
        if not variants:
            return None
        self.expansions.extend(variants)
        used = tuple(variant for variant, _why in variants[:MAX_VARIANTS])
        known = self.name_queries.get(used) if self.name_queries is not None else None
        if known is not None:
            return known[0]
        query = self.variants_query(used)
        if self.name_queries is not None:
            self.name_queries.put(used, query)
        return query

    def variants_query(self, used: Sequence[str]) -> Query | None:
        """The query of `variants` (above), made anew."""
        signatures = [self.name_signature(variant) for variant in used]
        clauses: list[tuple[Occur, Query]] = []
        for i, variant in enumerate(used):
            if any(j != i and _covers(signatures[j], signatures[i], j < i) for j in range(len(used))):
                continue
            query = self.text(variant, list(TEXT_BOOSTS), language=True, names_only=True)
            clauses.append((Occur.Should, query))
        return Query.boolean_query(clauses) if clauses else None

    def name_signature(self, variant: str) -> dict[str, list[str]] | None:
        """What `text(variant, ..., names_only=True)` looks for: each field's terms in order (a term, or a
        phrase of them; in `text_ru` each word's alternatives). None for what this does not compare (CJK)."""
        fields = [f for f in self.analysis.query_fields(variant) if f not in ("text_de", "text_fr")]
        if CJK_FIELD in fields:
            return None
        found = {ENGLISH: self.analysis.tokens(variant, ENGLISH)}
        for f in fields:
            if f == "text_ru":
                found[f] = ["|".join(self.analysis.name_terms(w)) for w in re.findall(r"\w+", variant)]
            else:
                found[f] = self.analysis.tokens(variant, f)
        return found

    def person(self, name: str) -> Query:
        clauses = [(Occur.Should, self.text(name, ["persons"], language=False))]
        clauses.append((Occur.Should, Query.term_query(self.schema, "person_id", name)))
        expanded = self.names(name)
        if expanded is not None:
            clauses.append((Occur.Should, expanded))
        return Query.boolean_query(clauses)

    # -- filters ----------------------------------------------------------------------------

    def filter(self, node: q.Filter) -> Query:
        if node.field in ("lang", "rendition"):  # controlled values: the term itself
            return Query.term_query(self.schema, node.field, node.value)
        exact = Query.term_query(self.schema, node.field, node.value)
        words = self.text(node.value, [f"{node.field}_text"], language=False)
        return Query.boolean_query([(Occur.Should, exact), (Occur.Should, words)])

    def date_range(self, node: q.DateRange) -> Query:
        lo = day(node.earliest, 0)
        hi = day(node.latest, 99991231)
        integer = tantivy.FieldType.Integer
        return Query.boolean_query(
            [
                (Occur.Must, Query.range_query(self.schema, "earliest", integer, 1, hi)),
                (Occur.Must, Query.range_query(self.schema, "latest", integer, lo, 99991230)),
            ]
        )


def _covers(wide: dict[str, list[str]] | None, narrow: dict[str, list[str]] | None, earlier: bool) -> bool:
    """Whether the variant of signature `wide` finds every record the one of `narrow` finds: in every field
    `narrow` searches, `wide` searches a term or phrase that is a contiguous part of `narrow`'s phrase
    (`Khrushchev` in `Nikita Sergeyevich Khrushchev`, `Kim Il Sung` in `Marshal Kim Il Sung`). Of two
    variants that search exactly the same, the earlier is kept."""
    if wide is None or narrow is None or not narrow.keys() <= wide.keys():
        return False
    for field, terms in narrow.items():
        if not _contiguous(wide[field], terms):
            return False
    if all(wide[f] == narrow[f] for f in narrow) and wide.keys() == narrow.keys():  # the same search
        return earlier
    return True


def _contiguous(part: list[str], whole: list[str]) -> bool:
    """Whether `part` (not empty) is `whole` or a run of consecutive items of it."""
    if not part or not all(part) or len(part) > len(whole):
        return False
    return any(whole[i:i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def _rendition_in_language(items: Sequence[q.Node]) -> list[q.Node]:
    """`rendition:K` and `lang:L` side by side in a conjunction become one filter, `rendition:K/L`:
    a rendition of that kind in that language, not merely a record with both somewhere."""
    kinds = [i for i in items if isinstance(i, q.Filter) and i.field == "rendition"]
    languages = [i for i in items if isinstance(i, q.Filter) and i.field == "lang"]
    if len(kinds) != 1 or len(languages) != 1:
        return list(items)
    joined = q.Filter("rendition", f"{kinds[0].value}/{languages[0].value}")
    return [joined if i is kinds[0] else i for i in items if i is not languages[0]]
