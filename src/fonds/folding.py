"""Folding text for matching: lower-cased, diacritics off, `ё` as `е`, Han as simplified, character
for character (the folded text has the text's length, so positions found in it carry over).

Snippets (snippets.py) and `matched` fold each hit's text and search the folded needles in it; most
texts are English with a few typographic quotes and dashes, for which folding is ASCII lower-casing
done on UTF-8 bytes (`str.lower` is slow over any non-ASCII string).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from fonds.analysis import CJK_RUN, fold_han, fold_russian, has_cjk

_FOLDABLE = re.compile("[\u00c0-\u024f\u1e00-\u1effё]")  # Latin letters with diacritics, and ё
_ASCII_BYTES = bytes(range(128))


@lru_cache(maxsize=8192)
def _fold_character(c: str) -> str:
    """One character lower-cased, without its diacritics, `ё` as `е`; itself when that would not be one character."""
    lowered = c.lower()
    if len(lowered) != 1:  # a few letters lower-case to two ("İ"): keep them as they are
        return c
    base = unicodedata.normalize("NFD", fold_russian(lowered))[0]
    return base if len(base) == 1 else lowered


def fold_text(text: str, *, han: bool = True) -> str:
    """Text lower-cased with diacritics off (`Sŏng` -> `song`), `ё` as `е`, Han as simplified
    (unless `han` is False: a search without CJK words need not look for it): the same length as
    the text, character for character, so positions carry over."""
    if text.isascii():
        return text.lower()
    others = _non_ascii(text)
    if others.lower() == others and not _FOLDABLE.search(others) and not (han and has_cjk(others)):
        return _lower_ascii(text)  # only ASCII letters change (typographic quotes and dashes do not)
    folded = text.lower()
    if len(folded) != len(text):  # a few letters lower-case to two ("İ"): one at a time
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    folded = _FOLDABLE.sub(lambda found: _fold_character(found.group()), folded)
    if han and has_cjk(folded):
        folded = CJK_RUN.sub(lambda run: _fold_run(run.group()), folded)
    return folded


def lower(text: str) -> str:
    """`text.lower()`, several times faster for a long text whose non-ASCII characters do not change
    (typographic quotes and dashes in English text: `str.lower` is slow over any non-ASCII string)."""
    if text.isascii():
        return text.lower()
    others = _non_ascii(text)
    return _lower_ascii(text) if others.lower() == others else text.lower()


def _non_ascii(text: str) -> str:
    """The text's non-ASCII characters, in order (found as UTF-8 bytes, a fast C loop)."""
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate (from a request's JSON) passes through
    return data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


def _lower_ascii(text: str) -> str:
    """The text with its ASCII letters lower-cased, the rest as it is."""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


@lru_cache(maxsize=8192)
def _fold_run(run: str) -> str:
    """A run of CJK characters with Han folded to simplified, if that keeps its length."""
    simplified = fold_han(run)
    return simplified if len(simplified) == len(run) else run
