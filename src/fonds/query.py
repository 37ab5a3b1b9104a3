"""The user's search text, parsed once into a small tree.

    words  "exact phrases"  AND  OR  NOT  -word  prefix*  (grouping)
    title:  person:  repository:  lang:  type:  collection:
    date:1962   date:1962-08   date:1962-08..1962-12   date:..1961   date:1963..

A word of punctuation alone (`?!`, `-`, `&`) is left out; a search of nothing else is a
QueryError that says so. A mistake comes back as a QueryError that says what is wrong and where
("unclosed quote at position 7: ..."), never as a search-engine error. The
index turns the tree into engine queries; nothing else parses search text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from fonds.dates import parse_bound
from fonds.errors import QueryError
from fonds.vocabulary import language_tag

TEXT_FIELDS = ("title", "summary", "text")
FILTER_FIELDS = ("repository", "lang", "type", "collection", "rendition")
RENDITIONS = ("transcript", "translation", "scan", "original")
FIELDS = ("title", "person", "date", *FILTER_FIELDS, "summary", "text")
FIELD_ALIASES = {"language": "lang", "persons": "person", "name": "person", "repo": "repository", "year": "date"}
MAX_QUERY_LENGTH = 1000
MAX_TERMS = 64
MAX_DEPTH = 32


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Filter:
    """A field with a controlled value: lang, type, repository, collection."""

    field: str
    value: str


@dataclass(frozen=True)
class Person:
    name: str


@dataclass(frozen=True)
class DateRange:
    """Matches records whose date bounds overlap [earliest, latest]. Either end may be open."""

    earliest: str | None
    latest: str | None
    text: str


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Union[Word, Phrase, Filter, Person, DateRange, And, Or, Not]

_TOKEN = re.compile(
    r'\s*(?:(?P<open>\()|(?P<close>\))|(?P<quote>")|(?P<field>[A-Za-z_]+):(?=\S)|(?P<minus>-)(?=[^\s-])'
    r'|(?P<word>[^\s()"]+))'
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: int  # 1-based position in the query, for messages


def parse(text: str) -> Node | None:
    """Parse search text. None means "everything" (an empty search)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"the search is {len(text)} characters long; keep it under {MAX_QUERY_LENGTH}")
    tokens = _tokens(text)
    if not tokens:
        if text.strip():
            raise QueryError(
                f"the search {text.strip()!r} has no letters or digits, and punctuation alone is not searched; "
                "type a word, or leave the search empty to browse the whole archive"
            )
        return None
    parser = _Parser(tokens, text)
    node = parser.expression()
    if parser.pos < len(tokens):
        token = tokens[parser.pos]
        raise QueryError(f"unexpected {token.text!r} at position {token.at}: {_pointer(text, token.at)}")
    if _count_terms(node) > MAX_TERMS:
        raise QueryError(f"the search has more than {MAX_TERMS} terms; search for fewer words at once")
    return node


def _pointer(text: str, at: int) -> str:
    return f"{text[: at - 1]}▸{text[at - 1:]}"


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        found = _TOKEN.match(text, pos)
        if found is None:  # pragma: no cover - the pattern matches any non-space
            raise QueryError(f"cannot read the search at position {pos + 1}: {_pointer(text, pos + 1)}")
        kind = found.lastgroup or "word"
        start = found.start(kind)
        if kind == "quote":
            end = text.find('"', found.end())
            if end < 0:
                raise QueryError(
                    f"unclosed quote at position {start + 1}: {_pointer(text, start + 1)}; "
                    "add the closing \" or remove the opening one"
                )
            tokens.append(_Token("phrase", text[found.end():end], start + 1))
            pos = end + 1
            continue
        pos = found.end()
        if kind == "word" and not any(c.isalnum() for c in found.group(kind)):
            continue  # punctuation alone ("?!", "-", "&") has no terms: left out
        tokens.append(_Token(kind, found.group(kind), start + 1))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.pos = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def is_operator(self, token: _Token | None, name: str) -> bool:
        return token is not None and token.kind == "word" and token.text == name

    def expression(self) -> Node:
        items = [self.conjunction()]
        while self.is_operator(self.peek(), "OR"):
            operator = self.tokens[self.pos]
            self.pos += 1
            if self.peek() is None or self.peek().kind == "close":  # type: ignore[union-attr]
                raise QueryError(f"OR at position {operator.at} has nothing after it: {_pointer(self.text, operator.at)}")
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self) -> Node:
        items = [self.unary()]
        while True:
            token = self.peek()
            if token is None or token.kind == "close" or self.is_operator(token, "OR"):
                break
            if self.is_operator(token, "AND"):
                self.pos += 1
                if self.peek() is None or self.peek().kind == "close":  # type: ignore[union-attr]
                    raise QueryError(f"AND at position {token.at} has nothing after it: {_pointer(self.text, token.at)}")
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError(f"the search ends where a word was expected: {self.text}▸")
        if self.is_operator(token, "NOT") or token.kind == "minus":
            self.pos += 1
            if self.peek() is None:
                raise QueryError(f"{token.text} at position {token.at} has nothing after it: {_pointer(self.text, token.at)}")
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Node:
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "open":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(
                    f"parentheses nest deeper than {MAX_DEPTH} levels at position {token.at}; simplify the search"
                )
            if self.peek() is None or self.peek().kind == "close":  # type: ignore[union-attr]
                raise QueryError(f"empty or unclosed parenthesis at position {token.at}: {_pointer(self.text, token.at)}")
            node = self.expression()
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise QueryError(
                    f"unclosed parenthesis at position {token.at}: {_pointer(self.text, token.at)}; add a ')'"
                )
            self.pos += 1
            self.depth -= 1
            return node
        if token.kind == "close":
            raise QueryError(f"')' at position {token.at} closes nothing: {_pointer(self.text, token.at)}")
        if token.kind == "phrase":
            if not token.text.strip():
                raise QueryError(f"empty quotes at position {token.at}: {_pointer(self.text, token.at)}")
            return Phrase(" ".join(token.text.split()))
        if token.kind == "field":
            return self.field(token)
        if token.text in ("AND", "OR"):
            raise QueryError(f"{token.text} at position {token.at} has nothing before it: {_pointer(self.text, token.at)}")
        return _word(token.text, None)

    def field(self, token: _Token) -> Node:
        name = FIELD_ALIASES.get(token.text.lower(), token.text.lower())
        if name not in FIELDS:
            raise QueryError(
                f"unknown field '{token.text}:' at position {token.at}; use one of "
                f"{', '.join(f + ':' for f in FIELDS)}, or put the words in quotes"
            )
        value = self.peek()
        if value is None or value.kind not in ("word", "phrase"):
            raise QueryError(f"'{token.text}:' at position {token.at} needs a value: {_pointer(self.text, token.at)}")
        self.pos += 1
        text = " ".join(value.text.split())
        if name == "date":
            return _date_range(text, value.at, self.text)
        if name == "person":
            return Person(text)
        if name == "lang":
            code = language_tag(text)
            if code is None:
                raise QueryError(
                    f"unknown language {text[:40]!r} at position {value.at}; use an ISO 639-1 code (ru), a name "
                    "(Russian) or a BCP 47 tag with script or region (zh-Hant, sr-Latn, pt-BR)"
                )
            return Filter("lang", code)
        if name == "rendition":
            if text.lower() not in RENDITIONS:
                raise QueryError(
                    f"unknown rendition {text!r} at position {value.at}; use one of {', '.join(RENDITIONS)}"
                )
            return Filter("rendition", text.lower())
        if name in FILTER_FIELDS:
            return Filter(name, text)
        if value.kind == "phrase":
            return Phrase(text, name)
        return _word(text, name)


def _word(text: str, field: str | None) -> Word:
    prefix = text.endswith("*")
    stripped = text.rstrip("*")
    if prefix and len(stripped) < 2:
        raise QueryError(f"{text!r}: a prefix search needs at least two letters before the *")
    return Word(stripped, field, prefix)


def _date_range(text: str, at: int, query: str) -> DateRange:
    lo_text, dots, hi_text = text.partition("..")
    try:
        lo = parse_bound(lo_text)[0] if lo_text else None
        hi = parse_bound(hi_text if dots else lo_text)[1] if (hi_text or not dots) else None
    except ValueError:
        raise QueryError(
            f"date {text!r} at position {at} is not one we understand; use date:1962, date:1962-08, "
            "date:1962-08-14 or a range date:1962-08..1962-12"
        ) from None
    if lo is None and hi is None:
        raise QueryError(f"date range {text!r} at position {at} has no ends; give at least one date")
    if lo and hi and hi < lo:
        raise QueryError(f"date range {text!r} at position {at} ends before it begins")
    return DateRange(lo, hi, text)


def _count_terms(node: Node) -> int:
    if isinstance(node, (And, Or)):
        return sum(_count_terms(item) for item in node.items)
    if isinstance(node, Not):
        return _count_terms(node.item)
    return 1


def names_in(node: Node | None) -> list[str]:
    """The person names a search asks for by `person:` (a quoted phrase is that phrase, not a name)."""
    if node is None:
        return []
    if isinstance(node, Person):
        return [node.name]
    if isinstance(node, (And, Or)):
        return [name for item in node.items for name in names_in(item)]
    return []
