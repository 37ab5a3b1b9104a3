"""Translators' editorial brackets, found as spans over the unchanged text.

- `[...]` (or `[…]`, `[. . .]`): a passage the translator omitted (gap).
- `Pak Seong-cheol [Pak Song Chol]`: another form of the name just before it (alternate).
- `[and]`, `[I] paid`: words the translator supplied (supplied).

Offsets count Unicode code points, as Python strings do.
"""

from __future__ import annotations

import re

from anyascii import anyascii
from rapidfuzz import fuzz

from fonds.record import Mark

_BRACKET = re.compile(r"\[([^\[\]\n]{0,200})\]")
_GAP = re.compile(r"^\s*(?:\.\s*){2,}\.?\s*$|^\s*…\s*$|^\s*(?:omitted|text omitted|sic omitted)\s*$", re.I)
_CAPITALIZED_RUN = re.compile(r"((?:[A-ZА-ЯЁ][\w'’.-]*\s+){0,3}[A-ZА-ЯЁ][\w'’.-]*)\s$")


def find_marks(text: str) -> tuple[Mark, ...]:
    marks: list[Mark] = []
    for found in _BRACKET.finditer(text):
        inner = found.group(1)
        if _GAP.match(inner):
            marks.append(Mark(kind="gap", start=found.start(), end=found.end()))
            continue
        alternate = _alternate_of(text, found.start(), inner)
        if alternate is not None:
            marks.append(
                Mark(kind="alternate", start=alternate, end=found.end(),
                     text=text[alternate:found.start()].rstrip(), alternate=inner.strip())
            )
            continue
        if inner.strip():
            marks.append(Mark(kind="supplied", start=found.start(), end=found.end(), text=inner))
    return tuple(marks)


def _alternate_of(text: str, bracket: int, inner: str) -> int | None:
    """Where the name that `[inner]` is another form of starts, or None if it is no such name."""
    words = inner.split()
    if not words or not all(w[:1].isupper() for w in words) or inner.strip() == "I":
        return None
    before = _CAPITALIZED_RUN.search(text[max(0, bracket - 80):bracket])
    if not before:
        return None
    run = before.group(1).split()
    # Take as many words before the bracket as the bracket has, give or take one.
    best: tuple[float, int] | None = None
    for count in range(max(1, len(words) - 1), min(len(run), len(words) + 1) + 1):
        candidate = " ".join(run[-count:])
        score = fuzz.ratio(_key(candidate), _key(inner))
        if best is None or score > best[0]:
            best = (score, count)
    if best is None or best[0] < 60:
        return None
    name = " ".join(run[-best[1]:])
    return bracket - len(name) - 1 if text[bracket - len(name) - 1:bracket - 1] == name else None


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", anyascii(name).lower())
