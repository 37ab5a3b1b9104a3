"""The one rule for identifiers: what a record, collection or authority id may hold.

Every place an id travels must be able to carry it unchanged: the importers, both
stores (PostgreSQL refuses NUL in text; UTF-8 refuses lone surrogates), the web
routes (`/records/ID`, where a path is at most `MAX_LENGTH` characters plus a
format suffix), the index, file names of exports and OAI-PMH (`oai:fonds:ID`
inside XML 1.0, which cannot hold control characters). So an identifier is:

- 1 to `MAX_LENGTH` (200) characters;
- in Unicode normalization form NFC (so two ids that look the same are the same);
- made of printable characters only: no whitespace (Unicode categories Zs, Zl, Zp
  and the ASCII controls), no control or format characters (Cc, Cf: NUL, the
  bidirectional overrides U+202A..U+202E, zero-width joiners), no surrogates (Cs),
  private-use (Co) or unassigned (Cn) code points;
- not `.` or `..` (a path segment of their own on the web and on disk).

Letters of any script are allowed: `wcda-116176`, `frus1961-63v06d66`,
`frus:frus1961-63v06#p_KNS1`, `архив-12`. `check_identifier` is the one check;
the store's `add`, the importers and the web routes call it.
"""

from __future__ import annotations

import re
import unicodedata

from fonds.errors import RecordError

MAX_LENGTH = 200
_PLAIN = re.compile(r"[!-~]{1,%d}" % MAX_LENGTH)  # printable ASCII, no space: always NFC, never refused
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
_CATEGORY_NAMES = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Cs": "a lone surrogate (not valid Unicode text)",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Zs": "a space",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def identifier_problem(value: object) -> str | None:
    """What is wrong with `value` as an identifier, or None when it follows the rule."""
    if isinstance(value, str) and _PLAIN.fullmatch(value) and value not in (".", ".."):
        return None  # the common case, checked without looking at each character
    if not isinstance(value, str):
        return f"an identifier is text, not {type(value).__name__}"
    if not value:
        return "the identifier is empty"
    if len(value) > MAX_LENGTH:
        return f"the identifier is {len(value)} characters long; at most {MAX_LENGTH} are allowed"
    for position, char in enumerate(value, 1):
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES:
            return (
                f"the identifier holds {_CATEGORY_NAMES[category]} (U+{ord(char):04X}) at character "
                f"{position}; use letters, digits and punctuation only"
            )
    if value in (".", ".."):
        return f"{value!r} cannot be an identifier"
    if not unicodedata.is_normalized("NFC", value):
        return f"the identifier is not in Unicode NFC form; write it as {unicodedata.normalize('NFC', value)!r}"
    return None


def is_identifier(value: object) -> bool:
    """Whether `value` follows the identifier rule."""
    return identifier_problem(value) is None


def check_identifier(value: object, *, origin: str, what: str = "id") -> str:
    """`value` if it follows the identifier rule; else RecordError `origin: what: problem`.

    `origin` says where the id came from (`file.json:3`, `record 'wcda-1'`); `what` names
    the field (`id`, `collections[2]`, `persons[0].id`).
    """
    problem = identifier_problem(value)
    if problem is not None:
        shown = repr(value)[:80] if isinstance(value, str) else type(value).__name__
        raise RecordError(f"{origin}: {what} {shown}: {problem}")
    assert isinstance(value, str)
    return value


INT64_MAX = 2**63 - 1  # the largest number both stores' INTEGER/BIGINT keys hold


def numbered(number: int) -> bool:
    """Whether `number` can be a stored row number (1..2**63-1): larger ones overflow SQLite's
    INTEGER and PostgreSQL's BIGINT, so a lookup of one is answered NotFound without asking."""
    return 0 < number <= INT64_MAX
