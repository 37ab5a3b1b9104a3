"""Paragraph alignment of two renditions (an original and its translation) by length.

Gale & Church (1993), "A Program for Aligning Sentences in Bilingual Corpora", Computational
Linguistics 19(1): the length of a passage in one language predicts the length of its translation.
Here the units are paragraphs and lengths are counted in non-space characters, so it works across
scripts: the expected ratio `c` is measured on the two texts themselves (Chinese takes about a third
of the characters English does), not fixed at 1. Matches are 1-1, 1-0, 0-1, 2-1, 1-2 and 2-2, with
the paper's prior probabilities and variance (s² = 6.8 per character).

Measured (tests/renditions/test_align.py): UDHR en/zh and en/ko 60/60 paragraphs; with 3 paragraphs
missing from the translation 49/57; UN Charter ch. I-II en/zh and en/es 24/24 units. On the Belovezha
OCR beside its English translation, 6 of 14 article headings line up by length alone and 11 of 14
with heading anchors (the other three headings were misread by OCR: "Статья Г.", "Статья Ш.").
"""

from __future__ import annotations

import math
import re
from typing import Sequence

# (source paragraphs, target paragraphs) -> prior probability (Gale & Church, table 5).
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2, (2, 2): 0.011}
VARIANCE = 6.8

Bead = tuple[tuple[int, ...], tuple[int, ...]]


def length(paragraph: str) -> int:
    """Characters that count: everything but whitespace."""
    return sum(not c.isspace() for c in paragraph)


# Numbered headings ("Article 5", "Статья 5", "Artículo 5", "第五条") anchor the alignment: where both
# texts have the heading of the same number, in the same order, they are aligned, and lengths decide
# only between anchors. An OCR slip that loses a paragraph then costs that article, not the rest.
_HEADING = re.compile(r"^[#*\s]*(?:article|artículo|articulo|artikel|статья|art\.)\s*(\d+)\b", re.IGNORECASE)
_CJK_HEADING = re.compile(r"^[#*\s]*第([一二三四五六七八九十百零〇\d]+)条")
_CJK_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def heading_number(paragraph: str) -> int | None:
    """The number of a numbered heading paragraph (short, starting with Article/Статья/第…条), else None."""
    if len(paragraph) > 80:
        return None
    match = _HEADING.match(paragraph)
    if match:
        return int(match.group(1))
    match = _CJK_HEADING.match(paragraph)
    return _cjk_number(match.group(1)) if match else None


def _cjk_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total, digit = total + (digit or 1) * 100, 0
        elif char == "十":
            total, digit = total + (digit or 1) * 10, 0
        elif char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        else:
            return None
    return total + digit


def align(source: Sequence[str], target: Sequence[str]) -> list[Bead]:
    """Align two lists of paragraphs in order; each bead is (source indices, target indices).

    Numbered headings found in both (`heading_number`), in the same order, are aligned with each
    other first; Gale–Church aligns the stretches between them. Every paragraph appears in exactly
    one bead; beads are in order. Empty input gives beads of the other side's paragraphs alone.
    """
    pairs = _anchors(source, target)
    if not pairs:
        return _gale_church(source, target)
    beads: list[Bead] = []
    i = j = 0
    for a, b in pairs + [(len(source), len(target))]:
        for s, t in _gale_church(source[i:a], target[j:b]):
            beads.append((tuple(x + i for x in s), tuple(y + j for y in t)))
        if a < len(source):
            beads.append(((a,), (b,)))
        i, j = a + 1, b + 1
    return beads


def _anchors(source: Sequence[str], target: Sequence[str]) -> list[tuple[int, int]]:
    """(source index, target index) of headings with the same number, in order on both sides:
    the longest such chain (each number used once per side)."""
    left = [(i, n) for i, p in enumerate(source) if (n := heading_number(p)) is not None]
    right = {n: j for j, p in reversed(list(enumerate(target))) if (n := heading_number(p)) is not None}
    candidates = [(i, right[n]) for i, n in left if n in right]
    # Longest chain increasing in both indices (n is small: a document's articles).
    best: list[list[tuple[int, int]]] = []
    for k, (i, j) in enumerate(candidates):
        chain = max((best[m] for m in range(k) if candidates[m][1] < j), key=len, default=[])
        best.append(chain + [(i, j)])
    return max(best, key=len, default=[])


def _gale_church(source: Sequence[str], target: Sequence[str]) -> list[Bead]:
    a = [length(p) for p in source]
    b = [length(p) for p in target]
    if not a or not b:
        return [((i,), ()) for i in range(len(a))] + [((), (j,)) for j in range(len(b))]
    ratio = (sum(b) / sum(a)) if sum(a) else 1.0
    n, m = len(a), len(b)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, step = inf, (0, 0)
            for (di, dj), prior in PRIORS.items():
                if i < di or j < dj or cost[i - di][j - dj] == inf:
                    continue
                here = cost[i - di][j - dj] + _match_cost(sum(a[i - di:i]), sum(b[j - dj:j]), ratio, prior)
                if here < best:
                    best, step = here, (di, dj)
            cost[i][j], back[i][j] = best, step
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        beads.append((tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    beads.reverse()
    return beads


def _match_cost(la: int, lb: int, ratio: float, prior: float) -> float:
    """-log P(match kind) P(delta | match), delta the standardised length difference."""
    mean = (la + lb / ratio) / 2
    if mean == 0:
        delta = 0.0
    else:
        delta = (lb - la * ratio) / math.sqrt(mean * VARIANCE)
    tail = 2 * (1 - _normal_cdf(abs(delta)))
    return -math.log(prior) - math.log(max(tail, 1e-300))


def _normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def paragraphs(text: str) -> list[str]:
    """A rendition's paragraphs: the blocks between blank lines, stripped, empty ones dropped."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
