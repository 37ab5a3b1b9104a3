"""The one rule for the text of a name, a title or a note: it shows as what it is, and every
export can carry it.

Identifiers have their own, stricter rule (fonds.identifiers). Record text keeps what its source
printed (record_schema refuses only what XML cannot carry; pages neutralise bidirectional controls
as they draw it). But a label a person types or a file names (a repository's name, code, place
and other forms; a collection's title; an authority entry's name; a staff note or reason) is
shown alone in lists, facets, exports and a terminal, so it may not hold:

- control characters (Unicode category Cc) other than tab, line feed and carriage return: XML 1.0
  cannot carry them (an OAI-PMH ListSets with one answered 500) and ESC starts a terminal escape
  sequence when `fonds history` prints a note;
- invisible formatting characters (Cf), above all the bidirectional embeddings, overrides and
  isolates U+202A..U+202E and U+2066..U+2069 that show text reversed (CVE-2021-42574, "Trojan
  Source"), zero-width spaces, the byte order mark and the soft hyphen, which make two labels
  that look alike differ. The zero-width non-joiner and joiner (U+200C, U+200D) stay: Persian,
  the Indic scripts and emoji need them (Unicode Technical Standard #39, 3.1.1);
- lone surrogates (Cs), which are not Unicode text, and the noncharacters U+FFFE and U+FFFF;
- the line and paragraph separators U+2028 and U+2029, which break a line where none shows.
"""

from __future__ import annotations

import unicodedata

_KEPT = frozenset("\t\n\r\u200c\u200d")
_REFUSED = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Cs": "a lone surrogate (not Unicode text)",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def text_problem(value: str) -> str | None:
    """What is wrong with `value` as a name, title or note, or None when it follows the rule:
    `holds a bidirectional override (U+202E) at character 5; remove it`. Linear in the length."""
    if value.isascii() and value.isprintable():
        return None  # the common case, without looking at each character
    for position, char in enumerate(value, 1):
        if char in _KEPT:
            continue
        category = unicodedata.category(char)
        if category in _REFUSED or char in "\ufffe\uffff":
            what = _REFUSED.get(category, "a noncharacter")
            if 0x202A <= ord(char) <= 0x202E or 0x2066 <= ord(char) <= 0x2069:
                what = "a bidirectional control, which shows text reversed or out of place"
            return f"holds {what} (U+{ord(char):04X}) at character {position}; remove it"
    return None
