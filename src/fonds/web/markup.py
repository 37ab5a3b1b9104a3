"""Record text as HTML: editorial marks, person mentions, footnote and page markers.

Records are untrusted input. Every piece of record text goes through
`markupsafe.escape`; the only tags in the output are the ones written here.
Spans may overlap (a person mention inside an alternate name form): they are
closed and reopened so that the HTML always nests.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape

from fonds.record import Record, Rendition

MARK_TITLES = {
    "supplied": "Supplied by the translator",
    "gap": "Passage omitted by the translator",
    "alternate": "Name as written, with another form in brackets",
    "note": "A note by the translator or editor",
}


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    open: str  # the opening tag, already safe
    close: str
    rank: int  # outer spans first when two start together


@dataclass(frozen=True)
class _Point:
    offset: int
    html: str


def rendition_html(
    record: Record, index: int, rendition: Rendition, person_href: Callable[[str], str]
) -> Markup:
    """The rendition's text with its marks, mentions, note references and page breaks."""
    text = rendition.text
    length = len(text)
    spans: list[_Span] = []
    for mark in rendition.marks:
        start, end = _clamp(mark.start, length), _clamp(mark.end, length)
        if end <= start:
            continue
        kind = mark.kind if mark.kind in MARK_TITLES else "supplied"
        title = escape(MARK_TITLES[kind])
        spans.append(_Span(start, end, f'<span class="mark mark-{kind}" title="{title}">', "</span>", 1))
        if kind == "alternate":
            bracket = text.rfind("[", start, end)
            if bracket > start:
                other = escape(mark.alternate or text[bracket + 1 : end - 1])
                spans.append(
                    _Span(bracket, end, f'<span class="alt-form" title="also written {other}">', "</span>", 3)
                )
    for link in record.persons:
        if link.start is None or link.end is None or (link.rendition or 0) != index:
            continue
        start, end = _clamp(link.start, length), _clamp(link.end, length)
        if end <= start:
            continue
        href = escape(person_href(link.id))
        label = escape(link.name)
        spans.append(_Span(start, end, f'<a class="person" href="{href}" title="{label}">', "</a>", 2))
    points = [_Point(_clamp(p.offset, length), _page_html(p.n)) for p in rendition.pages if p.offset > 0]
    for note in rendition.notes:
        if note.offset is not None:
            points.append(_Point(_clamp(note.offset, length), _noteref_html(index, note.n)))
    return Markup(_weave(text, spans, points))


def note_id(index: int, n: str) -> str:
    return f"note-{index}-{_token(n)}"


def _noteref_html(index: int, n: str) -> str:
    target = note_id(index, n)
    label = escape(n)
    return (
        f'<sup class="noteref"><a href="#{target}" id="ref-{target}" '
        f'aria-label="note {label}">{label}</a></sup>'
    )


def _page_html(n: str) -> str:
    return f'<span class="pb" role="note" aria-label="page {escape(n)}">[p. {escape(n)}]</span>'


def _weave(text: str, spans: list[_Span], points: list[_Point]) -> str:
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans), *(p.offset for p in points)})
    starting: dict[int, list[_Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.rank)):
        starting.setdefault(span.start, []).append(span)
    at_point: dict[int, list[str]] = {}
    for point in points:
        at_point.setdefault(point.offset, []).append(point.html)
    out: list[str] = []
    stack: list[_Span] = []
    for i, pos in enumerate(bounds):
        lowest = next((k for k, s in enumerate(stack) if s.end <= pos), None)
        if lowest is not None:
            popped = stack[lowest:]
            del stack[lowest:]
            out.extend(s.close for s in reversed(popped))
            for span in popped:
                if span.end > pos:
                    out.append(span.open)
                    stack.append(span)
        if pos in at_point:
            inside_link = any(s.open.startswith("<a") for s in stack)
            if inside_link:  # a link inside a link is not HTML: close and reopen around the marker
                out.extend(s.close for s in reversed(stack))
            out.extend(at_point[pos])
            if inside_link:
                out.extend(s.open for s in stack)
        for span in starting.get(pos, ()):
            out.append(span.open)
            stack.append(span)
        if i + 1 < len(bounds):
            out.append(str(escape(text[pos : bounds[i + 1]])))
    while stack:
        out.append(stack.pop().close)
    return "".join(out)


def _clamp(value: int, length: int) -> int:
    return max(0, min(int(value), length))


def _token(value: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in value)[:40] or "x"


def snippet_html(snippet: str) -> Markup:
    """The index's snippet with nothing but highlights: every other character is escaped again.

    The index escapes the document text and wraps hits in `<b>`; we do not rely on
    that. The text between `<b>` and `</b>` is unescaped once and escaped anew, so a
    stray tag in a record could only ever appear as text.
    """
    out: list[str] = []
    is_open = False
    rest = snippet
    while rest:
        tag = "</b>" if is_open else "<b>"
        found = rest.find(tag)
        piece = rest if found < 0 else rest[:found]
        out.append(str(escape(html.unescape(piece))))
        if found < 0:
            break
        out.append("</mark>" if is_open else "<mark>")
        is_open = not is_open
        rest = rest[found + len(tag) :]
    if is_open:
        out.append("</mark>")
    return Markup("".join(out))
