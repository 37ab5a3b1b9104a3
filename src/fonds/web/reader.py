"""The reader on a record page: the scan beside the transcript beside the translation.

`reader_view` turns a record with a scan, or with two or more texts, into panes of plain data for
`_reader.html`: the scan's pages (IIIF image services), and each text rendition's paragraphs, each
tagged with the page it stands on and the group it is aligned in. The transcript (or the first
text) is the pivot: every other text is aligned with it paragraph by paragraph (renditions/align.py,
Gale–Church), and aligned paragraphs share a group number, so the page can highlight them together
and page all panes at once. Without JavaScript the panes are stacked sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from fonds.record import Record, Rendition
from fonds.renditions.align import align, paragraphs
from fonds.web.pages import language_label

PAGE_IMAGE_SIZE = "!1000,1400"  # the size of a page image shown without JavaScript


@dataclass(frozen=True)
class PageImage:
    n: int
    info_url: str
    image_url: str
    width: int
    height: int


@dataclass(frozen=True)
class Paragraph:
    index: int
    page: int
    group: int
    text: str


@dataclass(frozen=True)
class Pane:
    id: str
    kind: str
    label: str
    language: str | None
    machine_made: bool
    maker: str | None
    confidence: float | None
    pages: tuple[PageImage, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    file_url: str | None = None
    words_url: str | None = None  # a scan's word positions (renditions/words.py), for hits on the page images


@dataclass(frozen=True)
class ReaderView:
    panes: tuple[Pane, ...]
    page_count: int
    manifest_url: str | None
    aligned_groups: int

    @property
    def scan(self) -> Pane | None:
        return next((p for p in self.panes if p.kind == "scan"), None)


def has_reader(record: Record) -> bool:
    """A record gets the reader once a file is attached to it and it has two things to show side by
    side: a scan and a text, or two texts. Records without files keep the record page's own text view."""
    if not any(r.source is not None or r.images for r in record.renditions):
        return False
    panes = [r for r in record.renditions if (r.kind == "scan" and r.images) or (r.kind != "scan" and r.text.strip())]
    return len(panes) >= 2


def reader_view(record: Record, base: str = "") -> ReaderView | None:
    """The reader's panes for `record`, or None if it has nothing to read side by side.

    `base` is the archive's public address without a trailing slash ('' gives site-relative URLs).
    """
    if not has_reader(record):
        return None
    scan = next((r for r in record.renditions if r.kind == "scan" and r.images), None)
    texts = [(i, r) for i, r in enumerate(record.renditions) if r.kind != "scan" and r.text.strip()]
    # The transcript (the original's words) is the pivot the others align with.
    texts.sort(key=lambda item: {"transcript": 0, "original": 1}.get(item[1].kind, 2))
    panes: list[Pane] = []
    page_count = len(scan.images) if scan else 0
    if scan is not None:
        pages = tuple(
            PageImage(n, f"{base}/iiif/image/{img.sha256}/info.json",
                      f"{base}/iiif/image/{img.sha256}/full/{PAGE_IMAGE_SIZE}/0/default.jpg",
                      img.width or 0, img.height or 0)
            for n, img in enumerate(scan.images, 1)
        )
        words = next((r.words for r in record.renditions if r.words is not None and r.source is not None
                      and scan.source is not None and r.source.sha256 == scan.source.sha256), None)
        panes.append(Pane("pane-scan", "scan", _label(scan), scan.language, False, None, None, pages=pages,
                          file_url=f"{base}/files/{scan.source.sha256}" if scan.source and scan.source.name != "pages" else None,
                          words_url=f"{base}/files/{words.sha256}" if words is not None else None))
    pivot: list[Paragraph] = []
    groups = 0
    for position, (index, rendition) in enumerate(texts):
        found = _paragraphs_with_pages(rendition)
        if position == 0:
            pivot = [Paragraph(i, page, i, text) for i, (page, text) in enumerate(found)]
            paras = tuple(pivot)
        else:
            paras = _aligned(pivot, found)
            groups = max(groups, len({p.group for p in paras} & {p.group for p in pivot}))
        page_count = max(page_count, max((p.page for p in paras), default=1))
        confidences = [p.confidence for p in rendition.pages if p.confidence is not None]
        panes.append(Pane(
            id=f"pane-{index}", kind=rendition.kind, label=_label(rendition), language=rendition.language,
            machine_made=rendition.is_machine_made,
            maker=_maker(rendition),
            confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
            paragraphs=paras,
            file_url=f"{base}/files/{rendition.source.sha256}" if rendition.source else None,
        ))
    manifest = f"{base}/iiif/{record.id}/manifest.json" if scan is not None else None
    return ReaderView(tuple(panes), max(page_count, 1), manifest, groups)


def _label(rendition: Rendition) -> str:
    kind = {"scan": "Scan", "transcript": "Transcript", "translation": "Translation", "original": "Original"}.get(
        rendition.kind, rendition.kind.capitalize())
    language = language_label(rendition.language) if rendition.language else None
    return f"{kind} ({language})" if language else kind


def _maker(rendition: Rendition) -> str | None:
    maker = rendition.maker
    if maker is None:
        return None
    if maker.role == "ocr":
        return f"OCR by {maker.engine or 'machine'}{' ' + maker.version if maker.version else ''}"
    if maker.role == "text-layer":
        return "text layer of the PDF" + (f" ({maker.name})" if maker.name else "")
    verb = {"translator": "Translated", "transcriber": "Transcribed"}.get(maker.role, "Made")
    return f"{verb} by {maker.name}" if maker.name else None


def _paragraphs_with_pages(rendition: Rendition) -> list[tuple[int, str]]:
    """(page number, paragraph) for each paragraph; page 1 where the rendition has no page breaks."""
    starts = sorted((b.offset, int(b.n) if b.n.isdigit() else i + 1) for i, b in enumerate(rendition.pages))
    found: list[tuple[int, str]] = []
    offset = 0
    text = rendition.text.replace("\r\n", "\n")
    for block in text.split("\n\n"):
        page = 1
        for start, n in starts:
            if start <= offset:
                page = n
        if block.strip():
            found.append((page, block.strip()))
        offset += len(block) + 2
    return found


def _aligned(pivot: list[Paragraph], found: list[tuple[int, str]]) -> tuple[Paragraph, ...]:
    """`found` paragraphs with the group and page of the pivot paragraphs they align with."""
    beads = align([p.text for p in pivot], [text for _page, text in found])
    result: list[Paragraph | None] = [None] * len(found)
    unmatched = len(pivot)
    for source, target in beads:
        if source:
            group, page = pivot[source[0]].group, pivot[source[0]].page
        else:
            group, page = unmatched, _page_before(result, target[0], found)
            unmatched += 1
        for j in target:
            result[j] = Paragraph(j, page if source else found[j][0] if found[j][0] > 1 else page, group, found[j][1])
    return tuple(p for p in result if p is not None)


def _page_before(done: list[Paragraph | None], j: int, found: list[tuple[int, str]]) -> int:
    for k in range(j - 1, -1, -1):
        previous = done[k]
        if previous is not None:
            return previous.page
    return 1


__all__ = ["ReaderView", "Pane", "Paragraph", "PageImage", "reader_view", "has_reader", "paragraphs"]
