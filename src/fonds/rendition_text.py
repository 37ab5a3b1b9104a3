"""Words restricted to one rendition: `rendition:translation WORD`, `rendition:transcript lang:ru WORD`.

A word searched beside a `rendition:` filter (with or without a `lang:` filter) matches only inside
the text of a rendition of that kind (and language), with that rendition's own language analysis
(Russian stemming for a Russian transcript, CJK bigrams...), not anywhere in the record. A `lang:`
filter alone stays what the Language facet means: records in that language (their original's or
any rendition's), so that the facet's count and its search agree.

How the index holds it (index.py, schema version 6):

- A record with two or more text renditions keeps each rendition's text under a key of its own,
  `KIND_LANGUAGE` (`transcript_ru`, `translation_en`, `translation_` without a language), in JSON
  fields: `rtext` (the English analysis every text gets) and `rtext_cjk`, `rtext_ru`, `rtext_de`,
  `rtext_fr` (each language's analysis, fed as analysis.language_fields feeds the record's own
  fields). `rtext_keys` lists the keys a record has, so a search knows which keys exist.
- A record with one text rendition (most records) needs no copy: its rendition's text is the
  record's `text`. Its `solo` field says which rendition that is (`kind:translation`, `lang:en`,
  `both:translation/en`), so a restricted word is the word in `text` (and the language fields) of a
  record whose only text is a rendition of that kind and language. Only records with several
  renditions pay for a second copy of their text in the index.

A restricted word is then: (`solo` says so AND the word in `text`) OR the word under any `rtext`
key of that kind and language. Single-character CJK words and prefixes (`Khrush*`) under a
restriction are looked for in a single-rendition record's text only (JSON fields take no regular
expressions); name variants are not widened under a restriction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tantivy

from fonds import query as q
from fonds.analysis import ANALYZED_FIELDS, ENGLISH, language_fields
from fonds.record import Record

ENGLISH_FIELD = "rtext"
LANGUAGE_FIELDS = {name: "r" + name for name in ANALYZED_FIELDS}  # text_ru -> rtext_ru
KEYS_FIELD = "rtext_keys"
SOLO_FIELD = "solo"
MAX_KEYS = 1000


def key(kind: str, language: str | None) -> str:
    """A rendition's key in the JSON fields: `transcript_ru`; `translation_` without a language."""
    return f"{kind}_{language or ''}".replace(".", "-")


@dataclass(frozen=True)
class Scope:
    """What a search restricts its words to: a rendition kind, a language, or both."""

    kind: str | None
    language: str | None

    def holds(self, kind: str | None, language: str | None) -> bool:
        """Whether a rendition of `kind` in `language` is one the words may match in."""
        return (self.kind is None or kind == self.kind) and (self.language is None or language == self.language)

    def solo_term(self) -> str:
        if self.kind and self.language:
            return f"both:{self.kind}/{self.language}"
        return f"kind:{self.kind}" if self.kind else f"lang:{self.language}"

    def holds_key(self, found: str) -> bool:
        kind, _, language = found.partition("_")
        return self.holds(kind, language or None)


def add_fields(builder: tantivy.SchemaBuilder) -> None:
    """The schema's per-rendition fields (see the module docstring)."""
    builder.add_json_field(ENGLISH_FIELD, stored=False, tokenizer_name=ENGLISH)
    for name, field_name in LANGUAGE_FIELDS.items():
        builder.add_json_field(field_name, stored=False, tokenizer_name=name)
    builder.add_text_field(KEYS_FIELD, stored=False, tokenizer_name="raw", fast=True)
    builder.add_text_field(SOLO_FIELD, stored=False, tokenizer_name="raw")


def document_fields(record: Record) -> dict[str, Any]:
    """The per-rendition fields of a record's index document."""
    texts = [r for r in record.renditions if r.text]
    if not texts:
        return {}
    if len(texts) == 1:
        only = texts[0]
        solo = [f"kind:{only.kind}"]
        if only.language:
            solo += [f"lang:{only.language}", f"both:{only.kind}/{only.language}"]
        return {SOLO_FIELD: solo}
    english: dict[str, str] = {}
    analysed: dict[str, dict[str, str]] = {}
    for rendition in texts:
        name = key(rendition.kind, rendition.language)
        english[name] = f"{english[name]}\n\n{rendition.text}" if name in english else rendition.text
        for field_name, value in language_fields(rendition.text, rendition.language).items():
            keyed = analysed.setdefault(LANGUAGE_FIELDS[field_name], {})
            keyed[name] = f"{keyed[name]} {value}" if name in keyed else value
    return {ENGLISH_FIELD: english, **analysed, KEYS_FIELD: sorted(english)}


class Keys:
    """The rendition keys an index holds, read (once per search, and only if asked) from the
    terms of `rtext_keys`; `Keys(searcher)(scope)` gives those the scope holds."""

    def __init__(self, searcher: tantivy.Searcher) -> None:
        self.searcher = searcher
        self._all: list[str] | None = None

    def __call__(self, scope: Scope) -> list[str]:
        if self._all is None:
            spec = {"keys": {"terms": {"field": KEYS_FIELD, "size": MAX_KEYS}}}
            try:
                raw = self.searcher.aggregate(tantivy.Query.all_query(), spec)
            except ValueError:
                raw = {}
            self._all = sorted(str(b["key"]) for b in raw.get("keys", {}).get("buckets", []))
        return [k for k in self._all if scope.holds_key(k)]


def scope_in(items: list[q.Node] | tuple[q.Node, ...]) -> Scope | None:
    """The restriction the filters of one conjunction put on its words: one `rendition:` and at most
    one `lang:`. Several of either restrict nothing (they only filter), nor does `lang:` alone."""
    kinds = [i.value for i in items if isinstance(i, q.Filter) and i.field == "rendition"]
    languages = [i.value for i in items if isinstance(i, q.Filter) and i.field == "lang"]
    if len(kinds) != 1 or len(languages) > 1:
        return None
    if not any(_has_words(i) for i in items):
        return None
    return Scope(kinds[0] if kinds else None, languages[0] if languages else None)


def scope_of(node: q.Node | None) -> Scope | None:
    """The restriction of a whole search (its top conjunction's), for the hit's snippet and `matched`."""
    return scope_in(node.items) if isinstance(node, q.And) else None


def _has_words(node: q.Node) -> bool:
    if isinstance(node, (q.Word, q.Phrase)):
        return node.field is None
    if isinstance(node, (q.And, q.Or)):
        return any(_has_words(i) for i in node.items)
    if isinstance(node, q.Not):
        return _has_words(node.item)
    return False


def scoped_text(spans: list[list[Any]], text: str, scope: Scope) -> str:
    """The text of the renditions a scope holds (from the hit's stored spans), for its snippet."""
    return "\n\n".join(text[start:end] for kind, language, _machine, start, end in spans if scope.holds(kind, language))
