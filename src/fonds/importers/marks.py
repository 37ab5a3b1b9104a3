"""Translators' and editors' brackets, found as spans over the unchanged text.

Each bracket is one kind of mark (`fonds.record.MARK_KINDS`); the first rule that fits wins:

| printed (any case; common variants) | kind | `Mark.text` |
|---|---|---|
| `[...]`, `[…]`, `[. . .]`, `[omitted]`, `[text omitted]`, `[text missing]`, `[Here follows discussion of Vietnam.]` | gap (a passage left out) | |
| `[signature]`, `[signed]`, `[illegible signature]`, `[signature: A. Gromyko]` | signature | what follows the colon |
| `[stamp]`, `[seal]`, `[stamp: Top Secret]` | stamp | what follows the colon |
| `[handwritten]`, `[in handwriting]`, `[handwritten note: Agreed]`, `[handwritten: Agreed]` | handwritten | what follows the colon |
| `[redacted]`, `[excised]`, `[deleted]`, `[name redacted]`, `[1 line not declassified]` | redacted | the bracket's words |
| `[illegible]`, `[illeg.]`, `[неразборчиво]`, `[unreadable]`, `[2 words illegible]`, `[indecipherable]`, `[garble]` | illegible | the bracket's words |
| `[unclear]`, `[?]`, `[Moscow?]` (a doubtful reading) | unclear | the reading (`Moscow`), or empty |
| `word [sic]`, `[sic!]` | sic | the word before the bracket; the span covers it |
| `[page 2]`, `[p. 2]`, `[pp. 3-4]`, `[Seite 4]`, `[Page 2 of 5]`, `[page break]` | page | the page number, or empty |
| `Pak Seong-cheol [Pak Song Chol]` | alternate | the form before; `alternate` the one inside |
| `[Translator's note: ...]`, `[Editor's note: ...]`, `[Note: ...]`, `[Примечание: ...]` | note | the whole bracket's words |
| `[and]`, `[I] paid` | supplied | the supplied words |

Russian and German words for signature, stamp and illegible are known too (`[подпись]`,
`[печать]`, `[нрзб.]`, `[Unterschrift]`, `[Stempel]`). Offsets count Unicode code points, as Python strings do.
"""

from __future__ import annotations

import re

from anyascii import anyascii
from rapidfuzz import fuzz

from fonds.record import Mark

_BRACKET = re.compile(r"\[([^\[\]\n]{0,200})\]")
_CAPITALIZED_RUN = re.compile(r"((?:[A-ZА-ЯЁ][\w'’.-]*\s+){0,3}[A-ZА-ЯЁ][\w'’.-]*)\s$")
_WORD_BEFORE = re.compile(r"([\w'’.-]+)\s*$")

_AFTER_COLON = r"(?:\s*:\s*(?P<text>.*?))?\s*\.?"  # `[stamp:]` is a stamp with no words
# (kind, pattern over the bracket's inside); the first that matches wins.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("note", r"^\s*(?P<text>(?:(?:translator|editor|transcriber|archivist)(?:'s|s'|’s)?\s+)?"
                 r"(?:note|comment|remark|примечание|Anm(?:erkung|\.)(?:\s+d\.\s*(?:Übers|Hrsg)\.)?)"
                 r"(?:\s+(?:of the|by the)\s+\w+|\s+(?:переводчика|редактора|составителя))?\s*:.+?)\s*$"),
        ("gap", r"^\s*(?:(?:\.\s*){2,}\.?|…|(?:text |passage |sic )?omitted|(?:text |passage |words? )?missing|пропуск|(?:here follows?|omitted here|remainder omitted)\b.*)\s*$"),
        ("signature", rf"^\s*(?:illegible\s+)?(?:signature|signed|sig\.|подпись|Unterschrift|gez\.)(?:\s+illegible)?{_AFTER_COLON}$"),
        ("stamp", rf"^\s*(?:stamp|stamped|seal|rubber stamp|печать|штамп|Stempel){_AFTER_COLON}$"),
        ("handwritten", rf"^\s*(?:in handwriting|handwriting|handwritten|hand-written)"
                        rf"(?:\s+(?:note|text|annotation|addition|insertion|comment))?{_AFTER_COLON}$"),
        ("redacted", r"^\s*(?P<text>(?:[\w\s().,-]{0,60}\s)?(?:redacted|excised|deleted|sanitized|censored|"
                     r"not declassified|blacked out|withheld)(?:\s[\w\s().,-]{0,40})?)\s*\.?\s*$"),
        ("illegible", r"^\s*(?P<text>(?:[\w\s-]{0,30}\s)?(?:illegible|illeg\.?|unreadable|indecipherable|undecipherable|garble|garbled|неразборчиво|нрзб\.?|unleserlich|illisible)"
                      r"(?:\s+(?:word|words|text|line|lines|passage|letters?))?)\s*\.?\s*$"),
        ("unclear", r"^\s*(?:unclear|uncertain|unclear word|word unclear|\?)\s*$"),
        ("unclear", r"^\s*(?P<text>[^?\[\]]{1,60}?)\s*\?\s*$"),
        ("sic", r"^\s*sic\s*!?\s*\.?\s*$"),
        ("page", r"^\s*page\s+break\s*$|^\s*(?:page|pages|pp?\.|pg\.?|стр\.|с\.|л\.|лл\.|Seite|S\.)\s*(?P<text>[\dIVXLCivxlc][\w–-]{0,11})(?:\s+of\s+\d+)?\s*$"),
    )
)


def find_marks(text: str) -> tuple[Mark, ...]:
    """Every editorial bracket in `text` as a Mark, in order (see the table above)."""
    marks: list[Mark] = []
    for found in _BRACKET.finditer(text):
        inner = found.group(1)
        mark = _by_rule(text, found, inner)
        if mark is not None:
            marks.append(mark)
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


def _by_rule(text: str, found: re.Match[str], inner: str) -> Mark | None:
    for kind, pattern in _RULES:
        matched = pattern.match(inner)
        if not matched:
            continue
        value = (matched.groupdict().get("text") or "").strip()
        if kind == "sic":
            return _sic(text, found)
        return Mark(kind=kind, start=found.start(), end=found.end(), text=value)
    return None


def _sic(text: str, found: re.Match[str]) -> Mark:
    """`Kim II Sung [sic]`: the span covers the word before and the bracket; `text` is the word."""
    before = _WORD_BEFORE.search(text[max(0, found.start() - 60):found.start()])
    if before is None:
        return Mark(kind="sic", start=found.start(), end=found.end())
    word = before.group(1)
    start = found.start() - len(before.group(0))
    return Mark(kind="sic", start=start, end=found.end(), text=word)


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
