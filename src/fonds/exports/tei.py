"""TEI P5: one <TEI> document per record, valid against tei_all.

The header carries what the archive knows about the document (title, date,
translators, repository and reference, languages, summary, persons); the body
carries each rendition's text with its editorial marks, person mentions,
footnotes and page breaks. Marks are spans over the unchanged text; a span
that crosses another span's boundary cannot be nested in XML and is dropped,
so the output is always well-formed.

This module builds the document, its facsimile and its text; `tei_header.py`
builds the <teiHeader> and `tei_xml.py` holds the namespaces and the element
and text helpers both use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from fonds.exports import citation
from fonds.exports.tei_header import header
from fonds.exports.tei_xml import (
    NOT_NAME_CHAR,
    TEI_NS,
    XML_ID,
    XML_LANG,
    append_text,
    attribute_token,
    clean_text,
    el,
)
from fonds.record import Mark, Note, PageBreak, PersonLink, Record, Rendition

_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", re.DOTALL)

# When two spans cover the same text, the lower rank goes outside.
_RANKS = {
    "p": 0, "persName": 1, "alternate": 2, "sic": 3, "supplied": 4, "unclear": 5, "stamp": 6, "handwritten": 7,
    "gap": 8, "illegible": 9, "redacted": 10, "signature": 11, "page": 12, "note": 13,
}
# Marks written as <gap reason="..."> (the bracket's words in <desc>), and the reason.
_GAP_REASONS = {"gap": "omitted", "illegible": "illegible", "redacted": "redacted", "signature": "signature"}


def write(record: Record) -> str:
    """Return the record as a TEI P5 document (no XML declaration; UTF-8)."""
    return str(etree.tostring(element(record), encoding="unicode"))


def element(record: Record, *, id_prefix: str = "") -> etree._Element:
    """The record as a <TEI> element, for embedding (OAI-PMH, teiCorpus dumps). `id_prefix`
    starts every xml:id it writes, so that documents put together in one corpus keep their ids
    unique (xml:id must be unique in the whole file)."""
    people = _person_ids(record.persons, id_prefix)
    root = el(None, "TEI")
    root.append(header(record, people))
    facsimile = _facsimile(record, id_prefix)
    if facsimile is not None:
        root.append(facsimile)
    text = el(root, "text")
    language = next((r.language for r in _text_renditions(record) if r.language), None)
    if language and citation.is_language_tag(language):
        text.set(XML_LANG, language)
    body = el(text, "body")
    for index, rendition in enumerate(record.renditions):
        if rendition.text.strip():
            mentions = [p for p in record.persons if (p.rendition or 0) == index]
            division = _division(rendition, mentions, people)
            _link_pages(division, rendition, record, id_prefix)
            body.append(division)
    if not len(body):
        el(body, "p")
    return root


def _facsimile(record: Record, id_prefix: str = "") -> etree._Element | None:
    """<facsimile> with a <surface> per page of each scan (TEI P5 §11.1), its <graphic> the page
    image at `/files/SHA256` (relative to the archive's address). None if the record has no scan."""
    scans = [r for r in record.renditions if r.kind == "scan" and r.images]
    if not scans:
        return None
    facsimile = el(None, "facsimile")
    for s, scan in enumerate(scans, 1):
        for n, image in enumerate(scan.images, 1):
            surface = el(facsimile, "surface", n=str(n))
            surface.set(XML_ID, _surface_id(s, n, id_prefix))
            if image.width and image.height:
                surface.set("ulx", "0")
                surface.set("uly", "0")
                surface.set("lrx", str(image.width))
                surface.set("lry", str(image.height))
            graphic = el(surface, "graphic", url=f"/files/{image.sha256}", mimeType=image.media_type)
            if image.width and image.height:
                graphic.set("width", f"{image.width}px")
                graphic.set("height", f"{image.height}px")
    return facsimile


def _surface_id(scan: int, page: int, id_prefix: str = "") -> str:
    return f"{id_prefix}surface-{scan}-{page}"


def _link_pages(division: etree._Element, rendition: Rendition, record: Record, id_prefix: str = "") -> None:
    """A transcript made from a scan (same source file) points each <pb> at the scan's <surface>;
    a machine-made text says so in @subtype."""
    if rendition.is_machine_made:
        division.set("subtype", "machine-made")
    scans = [r for r in record.renditions if r.kind == "scan" and r.images]
    number = next((i for i, r in enumerate(scans, 1) if rendition.source is not None and r.source == rendition.source), None)
    if number is None:
        return
    pages = len(scans[number - 1].images)
    for pb in division.iter(f"{{{TEI_NS}}}pb"):
        n = pb.get("n") or ""
        if n.isdigit() and 1 <= int(n) <= pages:
            pb.set("facs", f"#{_surface_id(number, int(n), id_prefix)}")

def add_record_note(root: etree._Element, kind: str, text: str) -> None:
    """Put `<note type=kind>text</note>` in the document's notesStmt (made where TEI wants it:
    after the seriesStmt, before the sourceDesc)."""
    file_desc = root.find(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}fileDesc")
    assert file_desc is not None
    notes = file_desc.find(f"{{{TEI_NS}}}notesStmt")
    if notes is None:
        notes = etree.Element(f"{{{TEI_NS}}}notesStmt")
        file_desc.find(f"{{{TEI_NS}}}sourceDesc").addprevious(notes)
    etree.SubElement(notes, f"{{{TEI_NS}}}note", type=kind).text = clean_text(text)


def _text_renditions(record: Record) -> list[Rendition]:
    return [r for r in record.renditions if r.text.strip()]


def _person_ids(persons: tuple[PersonLink, ...], prefix: str = "") -> dict[str, str]:
    """An xml:id for every linked person, unique within the document."""
    ids: dict[str, str] = {}
    for person in persons:
        if person.id not in ids:
            base = prefix + "person-" + (NOT_NAME_CHAR.sub("-", person.id).strip("-") or "x")
            candidate, n = base, 1
            while candidate in ids.values():
                n += 1
                candidate = f"{base}-{n}"
            ids[person.id] = candidate
    return ids


# --- the text --------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    mark: Mark | None = None
    person: str | None = None


@dataclass
class _Node:
    span: _Span
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class _Milestone:
    offset: int
    page: PageBreak | None = None
    note: Note | None = None


def _division(rendition: Rendition, mentions: list[PersonLink], people: dict[str, str]) -> etree._Element:
    div = el(None, "div", type=attribute_token(rendition.kind))
    if rendition.language and citation.is_language_tag(rendition.language):
        div.set(XML_LANG, rendition.language)
    text = rendition.text
    paragraphs = _nest(text, _spans(text, rendition, mentions, people))
    stones = _milestones(rendition, len(text))
    for node in paragraphs:
        while stones and (
            stones[0].offset < node.span.start
            or (stones[0].offset == node.span.start and stones[0].page is not None)
        ):  # a page that begins with the paragraph breaks before it
            div.append(_milestone(stones.pop(0)))
        paragraph = el(div, "p")
        _fill(paragraph, text, node.span.start, node.span.end, node.children, stones, closing=True)
    for stone in stones:
        div.append(_milestone(stone))
    return div


def _spans(
    text: str, rendition: Rendition, mentions: list[PersonLink], people: dict[str, str]
) -> list[_Span]:
    spans = [_Span(m.start(), m.end(), "p") for m in _PARAGRAPH.finditer(text)]
    for mark in rendition.marks:
        if mark.kind in _RANKS:
            spans.append(_Span(mark.start, mark.end, mark.kind, mark=mark))
    for person in mentions:
        if person.start is not None and person.end is not None:
            spans.append(_Span(person.start, person.end, "persName", person=people[person.id]))
    length = len(text)
    return [s for s in spans if 0 <= s.start <= s.end <= length and (s.start < s.end or s.kind in _GAP_REASONS)]


def _nest(text: str, spans: list[_Span]) -> list[_Node]:
    """Spans as a tree; a span that crosses an open one, or lies outside every paragraph, is dropped."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, _RANKS[s.kind])):
        while stack and stack[-1].span.end <= span.start:
            stack.pop()
        if stack and span.end > stack[-1].span.end:
            continue  # crosses the open span's end
        if not stack and span.kind != "p":
            continue  # between paragraphs
        if stack and span.kind == "p":
            continue
        node = _Node(span)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _milestones(rendition: Rendition, length: int) -> list[_Milestone]:
    stones = [_Milestone(min(max(p.offset, 0), length), page=p) for p in rendition.pages]
    stones += [
        # a note tied to no offset goes after the text
        _Milestone(length + 1 if n.offset is None else min(max(n.offset, 0), length), note=n)
        for n in rendition.notes
    ]
    return sorted(stones, key=lambda s: (s.offset, s.note is not None))


def _milestone(stone: _Milestone) -> etree._Element:
    if stone.page is not None:
        return el(None, "pb", n=stone.page.n)
    assert stone.note is not None
    note = el(None, "note", stone.note.text, place="foot")
    if stone.note.n:
        note.set("n", stone.note.n)
    return note


def _fill(
    parent: etree._Element,
    text: str,
    start: int,
    end: int,
    children: list[_Node],
    stones: list[_Milestone],
    *,
    closing: bool = False,
) -> None:
    """Write text[start:end] into parent, with child spans as elements and milestones in place."""
    position = start
    for child in children:
        _text_until(parent, text, position, child.span.start, stones, inclusive=True)
        _render(parent, text, child, stones)
        position = child.span.end
    _text_until(parent, text, position, end, stones)
    if closing:  # a note standing right after the paragraph's last character belongs to it
        while stones and stones[0].offset == end and stones[0].note is not None:
            parent.append(_milestone(stones.pop(0)))


def _text_until(
    parent: etree._Element, text: str, start: int, end: int, stones: list[_Milestone], *, inclusive: bool = False
) -> None:
    """Text up to `end`, with the milestones before it (and at it, when `inclusive`)."""
    position = start
    while stones and (stones[0].offset < end or (inclusive and stones[0].offset == end)):
        stone = stones.pop(0)
        cut = max(stone.offset, position)
        append_text(parent, text[position:cut])
        parent.append(_milestone(stone))
        position = cut
    append_text(parent, text[position:end])


def _render(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    span = node.span
    if span.kind in _GAP_REASONS:
        gap = el(parent, "gap", reason=_GAP_REASONS[span.kind])
        if span.mark is not None and span.mark.text:
            el(gap, "desc", span.mark.text)
    elif span.kind in _EDITORIAL:
        _EDITORIAL[span.kind](parent, text, node, stones)
    elif span.kind == "persName":
        element = el(parent, "persName", ref=f"#{span.person}")
        _fill(element, text, span.start, span.end, node.children, stones)
    elif span.kind == "supplied":
        element = el(parent, "supplied")
        inner_start, inner_end = span.start, span.end
        if text[span.start] == "[" and text[span.end - 1] == "]" and span.end - span.start >= 2:
            inner_start, inner_end = span.start + 1, span.end - 1
        _fill(element, text, inner_start, inner_end, _inside(node.children, inner_start, inner_end), stones)
    elif span.kind == "alternate":
        _alternate(parent, text, node, stones)
    while stones and stones[0].offset < span.end:  # milestones inside what was replaced
        parent.append(_milestone(stones.pop(0)))


def _quoted(parent: etree._Element, name: str, node: _Node, **attributes: str) -> None:
    """`[stamp: Top Secret]` as <stamp>Top Secret</stamp>; `[stamp]` as <stamp/>."""
    element = el(parent, name)
    for key, value in attributes.items():
        element.set(key, value)
    if node.span.mark is not None and node.span.mark.text:
        element.text = node.span.mark.text


def _unclear(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    _quoted(parent, "unclear", node)


def _stamp(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    _quoted(parent, "stamp", node)


def _handwritten(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    """`[handwritten: Agreed]` as <add rend="handwritten">Agreed</add>; `[handwritten]` as a
    <handShift medium="handwritten"/>: what follows is in another hand."""
    if node.span.mark is not None and node.span.mark.text:
        _quoted(parent, "add", node, rend="handwritten")
    else:
        el(parent, "handShift", medium="handwritten")


def _sic(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    """`on [sic]` as <sic>on</sic>: the word as printed; the bracket is the editor's."""
    span, mark = node.span, node.span.mark
    word_end = span.start + len(mark.text) if mark is not None and mark.text else span.start
    element = el(parent, "sic")
    _fill(element, text, span.start, word_end, _inside(node.children, span.start, word_end), stones)


def _page(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    element = el(parent, "pb")
    if node.span.mark is not None and node.span.mark.text:
        element.set("n", node.span.mark.text)


def _note(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    """`[Translator's note: the word is ambiguous]` as <note type="editorial">Translator's note:
    the word is ambiguous</note> (TEI P5 3.9, notes inline where they stand)."""
    _quoted(parent, "note", node, type="editorial")


_EDITORIAL = {
    "unclear": _unclear, "stamp": _stamp, "handwritten": _handwritten, "sic": _sic, "page": _page, "note": _note,
}


def _alternate(parent: etree._Element, text: str, node: _Node, stones: list[_Milestone]) -> None:
    """`Pak Seong-cheol [Pak Song Chol]` as <choice><orig>..</orig><reg>..</reg></choice>."""
    span, mark = node.span, node.span.mark
    assert mark is not None
    covered = text[span.start:span.end]
    bracket = covered.rfind("[")
    if mark.text and covered.startswith(mark.text):
        orig_end = span.start + len(mark.text)
    elif bracket > 0:
        orig_end = span.start + len(covered[:bracket].rstrip())
    else:
        orig_end = span.end
    regular = mark.alternate
    if regular is None and bracket >= 0:
        regular = covered[bracket + 1:].rstrip("]").strip()
    choice = el(parent, "choice")
    orig = el(choice, "orig")
    _fill(orig, text, span.start, orig_end, _inside(node.children, span.start, orig_end), stones)
    el(choice, "reg", regular or "")


def _inside(children: list[_Node], start: int, end: int) -> list[_Node]:
    return [c for c in children if start <= c.span.start and c.span.end <= end]
