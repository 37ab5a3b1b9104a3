"""Snippets: the passage of a hit that best shows why it matched, as escaped HTML with `<b>` marks.

What a reader is shown (docs/search.md, "Snippets"):

- the passage with the most distinct searched terms (a name and all its variants count as one
  term), found in the stored text, else the summary (a match in the title alone shows the start
  of the summary or text: the title is shown already);
- from the body: a match on a short line that does not end a sentence (a signature such as
  `N. Khrushchev`, a heading, a line repeating the title) counts only when nothing better exists;
- each match highlighted whole: a stemmed word (`conversations` for conversation), a name
  variant of several words (`Kim Ir Sen`, `Kim II Sung`), a CJK word inside a longer run;
- cut at word boundaries (anywhere in CJK text, which has no spaces), with `…` where text was
  left out before or after; white space, newlines included, collapsed to single spaces.

A needle is found with a regular expression that begins with its own letters (so Python's
fast literal search does the scanning); at most LOOKS occurrences of each are checked, each
confirmed by the analyzer of its language (`Korean` begins with `korea` but is another term).
A search of one word or phrase (most searches) takes its matches lazily and stops at the first in
running text, whose window is the one shown: the rest of the hit's first chunk is not scanned.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from fonds import query as q
from fonds.analysis import Analysis, has_cjk, has_cyrillic
from fonds.folding import fold_text, lower

SNIPPET_LENGTH = 240  # characters in a snippet
PLAIN_LENGTH = 200  # characters of summary or text shown when nothing is highlighted
LOOKS = 30  # occurrences of one needle checked per text
MAX_MATCHES = 200  # matches weighed for the best passage
ANCHORS = 6  # matches tried in turn for a window holding every term, before all are weighed
CHUNK = 4096  # characters of text searched at a time
CHUNK_OVERLAP = 120  # read past a chunk's end, for a match that begins in it
LEAD = 70  # characters shown before the first match
SENTENCE_BACK = 130  # or up to this many, to begin at the start of its sentence
LINE_REACH = 400  # characters looked at either way for the ends of a match's line
SHORT_LINE = 60  # a line shorter than this that does not end a sentence is a heading or signature
_SENTENCE_END = ".!?:;\"”’)»"
_WORDS = re.compile(r"\w+")
_BETWEEN = r"[\s\-‐‑–.'’]*"  # what may join the words of a name or phrase in the text


@dataclass(frozen=True)
class Needle:
    """One way a searched term shows in text: `pattern` runs over the folded text (see `fold_text`).

    `group` is the searched term it belongs to (all variants of one name share one group);
    `confirm` (term, field) asks that the whole word found analyse to that term in that field.
    `required` is a part of every match (its longest word): a text without it is not scanned with
    `pattern`, whose first letters may be as common as `n` (`N. Khrushchev`).
    """

    group: int
    pattern: re.Pattern[str]
    confirm: tuple[str, str] | None = None
    required: str = ""


Score = tuple[tuple[int, int, int], tuple[int, int]]  # a window's (distinct terms, 1 if in running text, -start), (start, end)


class Match(NamedTuple):
    """Where a needle matched (`start`, `end` in the text) and its needle's group. A tuple: a
    search makes hundreds of them for its hits."""

    start: int
    end: int
    group: int


def needles(node: q.Node | None, variants: Sequence[str], analysis: Analysis) -> list[Needle]:
    """The needles of a search: its positive words and phrases, then the name variants it expanded to."""
    found: list[Needle] = []
    group = 0
    for text, prefix in positive_terms(node):
        found.extend(_needles_for(text, prefix, group, analysis))
        group += 1
    for variant in variants:
        found.extend(_needles_for(variant, False, group, analysis, whole=True))
    return found


def positive_terms(node: q.Node | None) -> list[tuple[str, bool]]:
    """(text, is prefix) of the words and phrases a search looks for in the text (not after NOT)."""
    if isinstance(node, q.Word):
        return [(node.text, node.prefix)] if node.field in (None, "text") else []
    if isinstance(node, q.Phrase):
        return [(node.text, False)] if node.field in (None, "text") else []
    if isinstance(node, (q.And, q.Or)):
        return [term for item in node.items for term in positive_terms(item)]
    return []


def _needles_for(text: str, prefix: bool, group: int, analysis: Analysis, *, whole: bool = False) -> list[Needle]:
    folded = fold_text(text)
    if has_cjk(folded):
        runs = [run for run in re.split(r"\s+", folded) if run]
        pattern = re.compile(_BETWEEN.join(re.escape(run) for run in runs))
        return [Needle(group, pattern, required=max(runs, key=len) if len(runs) > 1 else "")]
    words = re.findall(r"\w+", folded)
    if not words:
        return []
    if prefix or whole or len(words) > 1:  # a name is matched as written, a phrase word by word
        if whole:  # a name: whole words; in Cyrillic with a case ending (`Хрущёву`)
            ending = r"\w{0,3}" if has_cyrillic(folded) else ""
            body = _BETWEEN.join(re.escape(w) + ending for w in words) + r"(?!\w)"
        else:
            body = _BETWEEN.join(re.escape(w) + r"\w*" for w in words[:-1]) + (_BETWEEN if len(words) > 1 else "")
            body += re.escape(words[-1]) + r"\w*"
        return [Needle(group, re.compile(body), required=max(words, key=len) if len(words) > 1 else "")]
    word = words[0]
    field = "text_ru" if has_cyrillic(word) else "fonds"
    terms = analysis.tokens(word, field)
    if not terms:
        return []
    term = terms[0]
    stem = _common_start(word, term)
    if len(stem) < 2:
        stem = word
    return [Needle(group, re.compile(re.escape(stem) + r"\w*"), (term, field))]


def _common_start(word: str, term: str) -> str:
    """The letters a word and its stem share at the start (`treaty`, `treati` -> `treat`)."""
    n = 0
    while n < min(len(word), len(term)) and word[n] == term[n]:
        n += 1
    return word[:n]


def find(
    text: str, folded: str, found: Sequence[Needle], analysis: Analysis, confirmed: dict[tuple[str, str], bool] | None = None,
    *, offset: int = 0, before: int | None = None,
) -> list[Match]:
    """Where the needles occur in a text (`folded` is `fold_text(text)`), in order of position.

    `confirmed` remembers, across the hits of one search, which words analyse to which terms. The
    text may be a piece of a longer one that begins at `offset`: the matches are given in the longer
    text's positions, and only those that begin before `before` (in those positions) are kept (the
    others still count towards each needle's LOOKS)."""
    confirmed = {} if confirmed is None else confirmed
    matches: list[Match] = []
    last = len(folded) if before is None else before - offset  # matches must begin before this
    for needle in found:  # as `_occurrences`, written out: a generator per needle costs a fifth more here
        looked = 0
        group, confirm = needle.group, needle.confirm
        if needle.required and needle.required not in folded:
            continue  # no match can be here
        for hit in needle.pattern.finditer(folded):
            start = hit.start()
            if start > 0 and folded[start - 1].isalnum() and not has_cjk(folded[start]):
                continue  # inside a word
            looked += 1
            if looked > LOOKS:
                break
            end = hit.end()
            if confirm is not None and not _is_term(folded[start:end], confirm, analysis, confirmed):
                continue
            if start < last:
                matches.append(Match(start + offset, end + offset, group))
    matches.sort(key=_position)
    return matches


def _occurrences(needle: Needle, folded: str, analysis: Analysis, confirmed: dict[tuple[str, str], bool],
                 offset: int, last: int) -> Iterator[Match]:
    """One needle's matches in `folded` that begin before `last`, in order, as `find` keeps them: whole
    words, confirmed by the analyzer, at most LOOKS occurrences looked at. Lazy: the regular expression
    scans on only as far as the matches are asked for."""
    if needle.required and needle.required not in folded:
        return  # no match can be here
    looked = 0
    group, confirm = needle.group, needle.confirm
    for hit in needle.pattern.finditer(folded):
        start = hit.start()
        if start >= last:
            return  # and so do all later ones: none is kept
        if start > 0 and folded[start - 1].isalnum() and not has_cjk(folded[start]):
            continue  # inside a word
        looked += 1
        if looked > LOOKS:
            return
        end = hit.end()
        if confirm is not None and not _is_term(folded[start:end], confirm, analysis, confirmed):
            continue
        yield Match(start + offset, end + offset, group)


def _is_term(word: str, confirm: tuple[str, str], analysis: Analysis, confirmed: dict[tuple[str, str], bool]) -> bool:
    """Whether a word found analyses to the needle's term (`confirm`: term, field); remembered in `confirmed`."""
    is_term = confirmed.get((word, confirm[0]))
    if is_term is None:
        is_term = confirmed[(word, confirm[0])] = confirm[0] in analysis.tokens(word, confirm[1])
    return is_term


def _position(match: Match) -> tuple[int, int]:
    """The order of matches: by where they begin, the longer first."""
    return match.start, -match.end


def _line(text: str, at: int) -> tuple[int, int]:
    """The line around a position, looked for at most LINE_REACH characters either way (a line
    longer than that is running text whatever its ends)."""
    reach = max(0, at - LINE_REACH)
    start = text.rfind("\n", reach, at) + 1 or reach
    end = text.find("\n", at, at + LINE_REACH)
    return start, min(len(text), at + LINE_REACH) if end < 0 else end


def _normal(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


class _Asides:
    """Whether a position lies on a heading, a signature or a line repeating the title; each line judged once."""

    def __init__(self, text: str, title: str) -> None:
        self.text = text
        self.title = _normal(title)
        self.lines: dict[int, bool] = {}

    def __call__(self, at: int) -> bool:
        start, end = _line(self.text, at)
        known = self.lines.get(start)
        if known is None:
            line = self.text[start:end].strip()
            if len(line) < SHORT_LINE and not line.endswith(tuple(_SENTENCE_END)):
                known = True
            elif self.title and len(line) <= 2 * len(self.title):
                normal = _normal(line)
                known = bool(normal) and normal in self.title
            else:
                known = False
            self.lines[start] = known
        return known


def _is_aside(text: str, at: int, title: str) -> bool:
    """Whether a match lies on a heading, a signature or a line repeating the title."""
    return _Asides(text, title)(at)


def best_window(text: str, matches: Sequence[Match], title: str = "", asides: _Asides | None = None) -> tuple[int, int]:
    """The [start, end) of at most SNIPPET_LENGTH characters with the most distinct groups, from the body.
    `asides` is this text's and title's `_Asides` when the caller has one (its lines judged already)."""
    matches = matches[:MAX_MATCHES]
    is_aside = asides if asides is not None else _Asides(text, title)
    starts = [m.start for m in matches]
    best: Score | None = None
    every_group = len({m.group for m in matches})
    for anchor in matches:
        start = max(0, anchor.start - LEAD)
        end = min(len(text), start + SNIPPET_LENGTH)
        first, last = bisect_left(starts, start), bisect_left(starts, end)
        groups = {m.group for m in matches[first:last] if m.end <= end}
        score = (len(groups), 0 if is_aside(anchor.start) else 1, -anchor.start)
        if best is None or score > best[0]:
            best = (score, (start, end))
            if score[:2] == (every_group, 1):  # no later window can do better
                break
    assert best is not None
    return _chosen(text, best, is_aside)


def _chosen(text: str, best: Score, is_aside: Callable[[int], bool]) -> tuple[int, int]:
    """The best-scored window; the body's start when its match, as every other, is on a heading,
    signature or title line."""
    if best[0][1] == 0:
        body = _first_body_line(text, is_aside)
        if body is not None:
            return body, min(len(text), body + SNIPPET_LENGTH)
    return best[1]


def _first_body_line(text: str, is_aside: Callable[[int], bool]) -> int | None:
    """Where the first line of running text begins (not a heading, signature or the title)."""
    at = 0
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        if text[at:end].strip() and not is_aside(at):
            return at
        at = end + 1
    return None


def _cut(text: str, start: int, end: int, first: int) -> tuple[int, int]:
    """The window moved to word boundaries: it begins at a sentence or line start when one is near
    before the first match (`first`), else after a space; it ends before a space."""
    back = max(0, first - SENTENCE_BACK)
    sentence = max(text.rfind(mark, back, first) for mark in ("\n", ". ", "? ", "! ", "。"))
    if sentence >= 0:
        start = sentence + (2 if text[sentence : sentence + 2] in (". ", "? ", "! ") else 1)
    elif start > 0 and not has_cjk(text[start]):
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text) and not has_cjk(text[end - 1]):
        space = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
        end = space if space > first else end
    return start, end


def render(text: str, matches: Sequence[Match], title: str = "", asides: _Asides | None = None) -> str:
    """The best passage of `text` as HTML: escaped, matches in `<b>`, `…` where cut, one line."""
    start, end = best_window(text, matches, title, asides)
    return _passage(text, matches, start, end)


def _passage(text: str, matches: Sequence[Match], start: int, end: int) -> str:
    """The window [start, end) (from `best_window`) cut at word boundaries, as `render` shows it.
    `matches` must hold every match that begins before `end`, in order (later ones may be left out)."""
    inside = [m for m in matches if m.start >= start and m.end <= end]
    first = inside[0].start if inside else start
    start, end = _cut(text, start, end, first)
    pieces = ["…"] if start > 0 else []
    at = start
    for match in inside:
        if match.start < at or match.end > end:
            continue  # overlapping matches: the first (longest) one wins
        pieces.append(html.escape(text[at : match.start], quote=True))
        pieces.append(f"<b>{html.escape(text[match.start : match.end], quote=True)}</b>")
        at = match.end
    pieces.append(html.escape(text[at:end], quote=True))
    if end < len(text):
        pieces.append("…")
    return " ".join("".join(pieces).split())


def plain(text: str, length: int = PLAIN_LENGTH) -> str:
    """The start of a text as escaped HTML on one line, cut at a word boundary with `…`."""
    flat = " ".join(text[: length * 3].split())  # enough of the start, white space collapsed
    if len(flat) <= length and len(text) <= length * 3:
        return html.escape(flat, quote=True)
    cut = flat.rfind(" ", 0, length)
    if cut < length // 2 or has_cjk(flat[length - 1]):
        cut = length
    return html.escape(flat[:cut].rstrip(), quote=True) + "…"


class Snippets:
    """Snippets for one search's hits; `needles` are made once per search."""

    def __init__(self, found: Sequence[Needle], analysis: Analysis) -> None:
        self.needles = tuple(found)
        self.analysis = analysis
        self.confirmed: dict[tuple[str, str], bool] = {}
        self.han = any(has_cjk(needle.pattern.pattern) for needle in self.needles)
        self.groups = {needle.group for needle in self.needles}

    def snippet(self, text: str, summary: str, title: str) -> str:
        """Highlighted HTML from the text, else the summary; "" when nothing is found in either (a
        match in the title alone is not repeated: the hit shows its title already)."""
        if not self.needles:
            return ""
        for value, own_title in ((text, title), (summary, title)):
            if not value:
                continue
            asides = _Asides(value, own_title)
            matches, window, end = self._first_chunk(value, asides) if len(self.needles) == 1 else ([], None, 0)
            if window is not None:
                return _passage(value, matches, *window)
            matches = self._read_on(value, asides, matches, end)
            if matches:
                return render(value, matches, own_title, asides)
        return ""

    def find_early(self, text: str, title: str, asides: _Asides | None = None) -> list[Match]:
        """The needles' matches, read a CHUNK of text at a time until every searched term has
        turned up and one match lies in running text: most hits are placed from their first pages."""
        return self._read_on(text, asides if asides is not None else _Asides(text, title), [], 0)

    def _read_on(self, text: str, is_aside: Callable[[int], bool], matches: list[Match], begin: int) -> list[Match]:
        """`find_early` from the chunk at `begin` on, `matches` holding those found before it."""
        while begin < len(text):
            end, piece = _chunk(text, begin)
            matches.extend(find(piece, fold_text(piece, han=self.han), self.needles, self.analysis, self.confirmed,
                                offset=begin, before=end))
            if self._is_enough(matches, is_aside):
                break
            begin = end
        return matches

    def _is_enough(self, matches: Sequence[Match], is_aside: Callable[[int], bool]) -> bool:
        """Whether `find_early` stops reading: every searched term found, one match in running text."""
        return {m.group for m in matches} >= self.groups and any(not is_aside(m.start) for m in matches)

    def _first_chunk(self, text: str, is_aside: Callable[[int], bool]) -> tuple[list[Match], tuple[int, int] | None, int]:
        """For a search of one needle (one word or phrase, the most usual search): the first chunk's
        matches (as `find_early` finds them), the window `render` shows from them (None when
        `find_early` reads further), and where the chunk ends.

        The matches are taken lazily, in order, only until the first one in running text: its window
        is the one shown, and the rest of the chunk is neither scanned nor checked. When there is none,
        every match of the chunk is taken and weighed as `best_window` weighs them. (With several
        needles `find` and `best_window` are used as they are: merging the needles' streams in order,
        and weighing windows before knowing which terms the chunk holds, cost more than they save.)"""
        end, piece = _chunk(text, 0)
        folded = fold_text(piece, han=self.han)
        found = _occurrences(self.needles[0], folded, self.analysis, self.confirmed, 0, end)
        matches: list[Match] = []
        window, best = _first_window(text, found, matches, len(self.groups), is_aside)
        if window is None and best is not None and self._is_enough(matches, is_aside):
            window = _chosen(text, best, is_aside)  # the first chunk is all `find_early` reads
        return matches, window, end


def _chunk(text: str, begin: int) -> tuple[int, str]:
    """Where the CHUNK of text from `begin` ends (between words), and the piece to search: the chunk
    and CHUNK_OVERLAP characters past it, for a name that runs over its end."""
    end = min(len(text), begin + CHUNK)
    while end < len(text) and text[end].isalnum():
        end += 1
    return end, text[begin : min(len(text), end + CHUNK_OVERLAP)]


def _first_window(text: str, found: Iterator[Match], taken: list[Match], groups: int,
                  is_aside: Callable[[int], bool]) -> tuple[tuple[int, int] | None, Score | None]:
    """`best_window` over matches taken from `found` (in order, into `taken`) only as far as needed.

    Returns (the window, None) as soon as a match's window holds all `groups` searched terms and the
    match is not on a heading, signature or title line (what `best_window` chooses then; `taken` holds
    every match that begins before the window's end); else (None, the best score and window over every
    match, weighed as `best_window` weighs them), with every match of `found` taken."""
    starts: list[int] = []
    seen: set[int] = set()  # the groups of the matches taken
    best: Score | None = None
    for at in range(MAX_MATCHES):
        while len(taken) <= at:  # the anchor
            match = next(found, None)
            if match is None:
                return None, best
            taken.append(match)
            starts.append(match.start)
            seen.add(match.group)
        anchor = taken[at]
        if at and taken[at - 1].start == anchor.start:
            continue  # the same window as the match before
        start = max(0, anchor.start - LEAD)
        end = min(len(text), start + SNIPPET_LENGTH)
        while taken[-1].start < end:  # every match that begins in the window
            match = next(found, None)
            if match is None:
                break
            taken.append(match)
            starts.append(match.start)
            seen.add(match.group)
        last = min(MAX_MATCHES, bisect_left(starts, end))
        window = len({m.group for m in taken[bisect_left(starts, start) : last] if m.end <= end})
        score = (window, 0 if is_aside(anchor.start) else 1, -anchor.start)
        if score[:2] == (groups, 1) and len(seen) >= groups:
            return (start, end), None
        if best is None or score > best[0]:
            best = (score, (start, end))
    taken.extend(found)
    return None, best


def snippet_or_start(snippets: Snippets | None, text: str, summary: str, title: str) -> str:
    """A hit's snippet: highlighted when the search has words found in it, else the start of its summary or text."""
    found = snippets.snippet(text, summary, title) if snippets else ""
    return found or plain(summary or text)


@lru_cache(maxsize=8192)
def _folded_name(variant: str) -> str:
    """A name variant folded (`fold_text`), once per process: every hit of a name search asks for each."""
    return fold_text(variant)


def matched_variants(
    expansions: Iterable[tuple[str, str]], haystack: str, contains: Callable[[str, str], bool] | None = None
) -> tuple[str, ...]:
    """The `why` of each name variant a hit's text holds (`Kim Ir Sen: Russian transliteration of Kim Il Sung`);
    of variants that differ only in accents or case (`Khrushchev`, `Khrushchëv`), the first."""
    folded, lowered = fold_text(haystack), lower(haystack)
    test = contains or (lambda variant, text: variant in text)
    whys: dict[str, tuple[bool, str]] = {}  # folded variant -> (spelled as in the text, why)
    for variant, why in expansions:
        key = _folded_name(variant)
        if key in whys and whys[key][0]:
            continue
        if test(key, folded):
            as_written = variant.lower() in lowered
            if key not in whys or as_written:
                whys[key] = (as_written, why)
    return tuple(dict.fromkeys(why for _, why in whys.values()))
