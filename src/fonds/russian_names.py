"""Russian names in their cases: the nominative of a given name, patronymic or family name, and
the keys a Cyrillic word may have as a name, for the linking matcher (linking.py).

A Russian text names a person in any of six cases (`Никите Сергеевичу Хрущёву`); the authority
holds the nominative. pymorphy3 (with the OpenCorpora dictionary in pymorphy3-dicts-ru) gives the
nominative of the names it knows; a name it does not know (Korean and Chinese names in Cyrillic,
`Ким Ир Сену`) loses a common case ending instead.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from fonds.romanize import fold

_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")


@cache
def _morphology() -> Any:
    import pymorphy3  # with pymorphy3-dicts-ru: the OpenCorpora dictionary, shipped in the wheel

    return pymorphy3.MorphAnalyzer(lang="ru")


_CASE_ENDINGS = ("ому", "ым", "ом", "ой", "ою", "у", "ю", "а", "я", "е")  # longest first


@cache
def case_keys(word: str) -> tuple[str, ...]:
    """The folded keys a Cyrillic word may have as a name in the nominative: through the
    dictionary (`Сергеевичу` -> сергеевич), else without a case ending (`Сену` -> сен, for the
    Korean and Chinese names the dictionary does not hold); () for other words."""
    if not _CYRILLIC_WORD.fullmatch(word):
        return ()
    keys = [fold(nominative(word))]
    keys.extend(fold(word[: -len(e)]) for e in _CASE_ENDINGS if word.endswith(e) and len(word) - len(e) >= 2)
    own = fold(word)
    return tuple(k for k in dict.fromkeys(keys) if k != own)


@cache
def nominative(word: str) -> str:
    """A Russian given name, patronymic or family name in the nominative (`Никите` -> `Никита`,
    `Сергеевичу` -> `Сергеевич`, `Хрущёву` -> `Хрущёв`); any other word as it is.

    pymorphy3's analyses of the word are read in order of likelihood; the first that is a name
    (grammemes Name, Surn, Patr in the OpenCorpora tag set) gives its normal form. A word it does
    not know is left alone: its guesses for unknown words would turn `Чхоль` into a verb.
    """
    if not _CYRILLIC_WORD.fullmatch(word) or not word[:1].isupper():
        return word
    for parse in _morphology().parse(word):
        if parse.is_known and _NAME_GRAMMEMES & set(parse.tag.grammemes):
            normal = str(parse.normal_form)
            return normal[:1].upper() + normal[1:]
    return word
