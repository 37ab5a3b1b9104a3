"""The text of FRUS TEI elements: plain text of an element, and a rendition's text with its
footnotes and page breaks at their offsets (offsets in Unicode code points)."""

from __future__ import annotations

from lxml import etree

from fonds.record import Note, PageBreak

_BLOCKS = {
    "p", "dateline", "list", "item", "closer", "signed", "opener", "salute", "table", "row",
    "head", "quote", "lg", "l", "postscript", "ab", "figure", "div", "attachment",
}


def plain(element: etree._Element | None, *, skip_notes: bool = False) -> str:
    """The element's text with whitespace collapsed (notes left out if asked)."""
    if element is None:
        return ""
    if not skip_notes:
        return " ".join("".join(element.itertext()).split())
    text = TextBuilder(keep_notes=False)
    text.walk(element, skip=set())
    return " ".join(text.value.split())


class TextBuilder:
    """Builds a rendition's text: blocks split by blank lines, notes and page breaks at offsets."""

    def __init__(self, *, keep_notes: bool = True) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.space = False
        self.block = False
        self.keep_notes = keep_notes
        self.notes: list[Note] = []
        self.breaks: list[PageBreak] = []
        self.waiting: list[str] = []  # page breaks that stand before the next word

    @property
    def pages(self) -> list[PageBreak]:
        return self.breaks + [PageBreak(n, self.length) for n in self.waiting]

    @property
    def value(self) -> str:
        return "".join(self.parts)

    def add(self, chunk: str | None) -> None:
        if not chunk:
            return
        words = chunk.split()
        if chunk[0].isspace():
            self.space = True
        if words:
            if self.length and self.block:
                self._write("\n\n")
            elif self.length and self.space and not self.parts[-1].endswith("\n"):
                self._write(" ")
            self.block = self.space = False
            self.breaks.extend(PageBreak(n, self.length) for n in self.waiting)
            self.waiting.clear()
            self._write(" ".join(words))
        if chunk[-1].isspace():
            self.space = True

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def walk(self, element: etree._Element, skip: set[etree._Element | None]) -> None:
        self.add(element.text)
        for child in element:
            if child in skip or not isinstance(child.tag, str):
                self.add(child.tail)
                continue
            name = etree.QName(child).localname
            if name == "note":
                if self.keep_notes:
                    self.notes.append(Note(child.get("n") or "", plain(child), self.length))
            elif name == "pb":
                self.waiting.append(child.get("n") or "")
            elif name == "lb":
                if self.length and not self.block:
                    self._write("\n")
                    self.space = False
            else:
                block = name in _BLOCKS
                if block:
                    self.block = True
                self.walk(child, skip)
                if block:
                    self.block = True
            self.add(child.tail)
