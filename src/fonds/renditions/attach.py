"""Attach files to a record as renditions: `fonds attach ID FILE --kind scan|transcript|translation`.

- A scan (a PDF, or image files in page order) becomes a `scan` rendition of page images and, unless
  asked not to, a `transcript` rendition of its text: the PDF's text layer where a page has one,
  Tesseract OCR in the record's original language where it has none (marked machine-made, with each
  page's word confidence).
- A transcript or translation comes from a text file (UTF-8; Markdown is kept as written), an HTML
  file (cleaned to paragraphs, htmltext.py) or a PDF's text layer.

Everything is read, checked, rendered and OCRed before anything is stored; files go into the
FileStore (content-addressed, so a failure later leaves only unreferenced files, never a broken
record); then the record is written in one store transaction. Attaching the same file again
replaces the renditions it made before, so it changes nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from fonds.errors import RecordError
from fonds.record import FileRef, Maker, PageBreak, Record, Rendition
from fonds.renditions import htmltext, ocr, pdf, words
from fonds.renditions.files import FileStore
from fonds.store.base import AddResult, Store

KINDS = ("scan", "transcript", "translation")
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff"}
TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
RENDER_DPI = pdf.RENDER_DPI
MAX_IMAGE_PIXELS = pdf.MAX_PAGE_PIXELS


@dataclass(frozen=True)
class Attached:
    """What an attach did: the record as stored, the renditions it added, and the store's result."""

    record: Record
    renditions: tuple[Rendition, ...]
    result: AddResult
    ocr_pages: int = 0
    layer_pages: int = 0


@dataclass(frozen=True)
class Options:
    """How to attach: the rendition kind, its language, its maker, OCR on/off, workers and limits."""

    kind: str
    language: str | None = None
    maker: str | None = None
    ocr: bool = True
    workers: int = 2
    max_pages: int = 2000
    ocr_cache: Path | None = None  # default: FILES/ocr-cache


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def attach(
    store: Store, files: FileStore, record_id: str, paths: Sequence[Path], options: Options,
    *, progress: Progress | None = None, agent: str = "fonds attach", note: str = "",
) -> Attached:
    """Read `paths`, store their files and add the renditions to record `record_id`.

    The record's new version names `agent` (`user NAME` for an upload) and `note`. Raises NotFound
    for an unknown record and RecordError for a file that cannot be attached (empty, damaged,
    encrypted, over the page limit, of a kind fonds cannot read); nothing is stored then.
    """
    record = store.get(record_id)
    renditions, ocr_pages, layer_pages = read(record, files, paths, options, progress=progress)
    # The record as it is now (an editor may have changed it while the pages were OCRed), with the renditions.
    updated = merge(store.get(record.id), renditions)
    result = store.add([updated], agent=agent, note=note or _note(options, paths))
    return Attached(updated, renditions, result, ocr_pages, layer_pages)


def read(
    record: Record, files: FileStore, paths: Sequence[Path], options: Options, *, progress: Progress | None = None,
) -> tuple[tuple[Rendition, ...], int, int]:
    """Everything `attach` does but writing the record: (renditions, OCRed pages, text-layer pages)
    made from `paths` for `record` (stored or not yet: ingest). The files are stored
    (content-addressed) once every check has passed."""
    precheck(paths, options)
    if options.kind == "scan":
        return _scan(record, files, list(paths), options, progress)
    return (_text(files, paths[0], options),), 0, 0


def precheck(paths: Sequence[Path], options: Options) -> None:
    """The quick checks, before any rendering or OCR: the kind, the number of files, each file
    present and not empty, a scan's files each a PDF or an image, a PDF readable, unencrypted and
    within the page limit. RecordError names the file and what to do."""
    if options.kind not in KINDS:
        raise RecordError(f"--kind {options.kind!r} is not one fonds knows; use one of {', '.join(KINDS)}")
    if not paths:
        raise RecordError("attach needs at least one file")
    for path in paths:
        pdf.check_not_empty(path)
    if options.kind != "scan":
        if len(paths) != 1:
            raise RecordError(f"a {options.kind} comes from one file; attach {len(paths)} files one at a time")
        if _is_pdf(paths[0]):
            pdf.check(paths[0], max_pages=options.max_pages)
        else:
            _read_text(paths[0])
        return
    if len(paths) == 1 and _is_pdf(paths[0]):
        pdf.check(paths[0], max_pages=options.max_pages)
        return
    if len(paths) > options.max_pages:
        raise RecordError(f"{len(paths)} page images, more than the limit of {options.max_pages}; raise max_pages")
    for path in paths:
        if _is_pdf(path):
            raise RecordError(f"{path}: a scan is one PDF or page images; attach the PDF on its own")
        _check_image(path)


def _note(options: Options, paths: Sequence[Path]) -> str:
    names = ", ".join(p.name for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return f"attached {options.kind}{' (' + options.language + ')' if options.language else ''}: {names}"


def merge(record: Record, renditions: Sequence[Rendition]) -> Record:
    """The record with `renditions` added; any it holds from the same source file and of the same
    kind are replaced, so attaching a file twice gives the same record."""
    new = {(r.kind, r.source.sha256 if r.source else None) for r in renditions}

    def replaced(old: Rendition) -> bool:
        if old.source is not None:
            return (old.kind, old.source.sha256) in new
        # A placeholder named by the record's Contents: ("Original Scan", "Transcript - Russian"):
        # no file, no text; the file attached now is what it announced.
        return not old.text and not old.images and any(
            r.kind == old.kind and (old.language is None or r.language in (None, old.language)) for r in renditions
        )

    kept = tuple(r for r in record.renditions if not replaced(r))
    return replace(record, renditions=kept + tuple(renditions))


# -- scans -------------------------------------------------------------------------------------


def _scan(
    record: Record, files: FileStore, paths: list[Path], options: Options, progress: Progress | None,
) -> tuple[tuple[Rendition, ...], int, int]:
    language = options.language or (record.original_languages[0] if record.original_languages else None)
    with tempfile.TemporaryDirectory(prefix="fonds-attach-") as work:
        if len(paths) == 1 and _is_pdf(paths[0]):
            source_path = paths[0]
            layer = pdf.read(source_path, max_pages=options.max_pages)
            images = pdf.render(source_path, Path(work), dpi=RENDER_DPI, pages=layer.pages, workers=options.workers)
            if len(images) != layer.pages:
                raise RecordError(f"{source_path}: {layer.pages} pages, but {len(images)} rendered; attach an undamaged copy")
            texts: list[str | None] = [layer.texts[i] if layer.has_layer(i) else None for i in range(layer.pages)]
            source = files_ref(source_path, "application/pdf")
        else:
            if len(paths) > options.max_pages:
                raise RecordError(f"{len(paths)} page images, more than the limit of {options.max_pages}; raise max_pages")
            images = [_check_image(path) for path in paths]
            texts = [None] * len(images)
            layer = None
            source = None
        page_refs = [_page_ref(path) for path in images]
        layer_words = (words.from_text_layer(paths[0], [(r[2], r[3]) for r in page_refs])
                       if layer is not None and any(t is not None for t in texts) else None)
        missing = [i for i, t in enumerate(texts) if t is None]
        pages_ocr: dict[int, ocr.PageText] = {}
        if options.ocr and missing:
            done = 0

            def tick(n: int) -> None:
                nonlocal done
                done += n
                if progress:
                    progress("OCR", done, len(missing))

            results = ocr.recognize_pages(
                [images[i] for i in missing], [page_refs[i][0] for i in missing], language,
                cache=options.ocr_cache or files.root / "ocr-cache", workers=options.workers, progress=tick,
            )
            pages_ocr = dict(zip(missing, results))
            version = ocr.engine_version()
        # Everything is read and checked: now store the files.
        stored_images = tuple(
            files.put_file(path, "image/png" if path.suffix == ".png" else ref[1], name=f"page {n}", width=ref[2], height=ref[3])
            for n, (path, ref) in enumerate(zip(images, page_refs), 1)
        )
        if source is not None:
            source = files.put_file(paths[0], "application/pdf")
        else:
            source = stored_images[0] if len(stored_images) == 1 else None
    scan_source = source if source is not None else _listing(files, stored_images)
    word_pages = []
    for i, ref in enumerate(page_refs):
        found: Sequence[Sequence[object]] = ()
        if texts[i] is not None and layer_words is not None:
            found = layer_words[i]
        elif i in pages_ocr:
            found = [list(b) for b in pages_ocr[i].boxes]
        word_pages.append(words.page(ref[2], ref[3], found))
    words_ref = (files.put_bytes(words.encode(word_pages), "application/json", name="words")
                 if any(p["words"] for p in word_pages) else None)
    scan = Rendition(kind="scan", language=language, label="Scan of the original", source=scan_source, images=stored_images)
    renditions: list[Rendition] = [scan]
    layer_pages = sum(1 for t in texts if t is not None)
    if layer_pages or pages_ocr:
        page_texts = [(t, None) if t is not None else (pages_ocr[i].text, pages_ocr[i].confidence) if i in pages_ocr else ("", None)
                      for i, t in enumerate(texts)]
        text, breaks = _join_pages(page_texts)
        if pages_ocr and not layer_pages:
            maker = Maker("ocr", engine="tesseract", version=version)
            label = "Transcript (OCR, machine-made)"
        elif pages_ocr:
            maker = Maker("ocr", name="PDF text layer and tesseract", engine="tesseract", version=version)
            label = "Transcript (text layer and OCR, machine-made)"
        else:
            maker = Maker("text-layer", name=layer.producer if layer else None)
            label = "Transcript (the PDF's text layer, machine-made)"
        renditions.append(Rendition(kind="transcript", language=language, text=text, label=label, pages=breaks,
                                    source=scan_source, maker=maker, words=words_ref))
    return tuple(renditions), len(pages_ocr), layer_pages


def _join_pages(pages: Sequence[tuple[str, float | None]]) -> tuple[str, tuple[PageBreak, ...]]:
    """Page texts joined by blank lines, with a PageBreak (and its confidence) where each starts."""
    parts: list[str] = []
    breaks: list[PageBreak] = []
    offset = 0
    for n, (text, confidence) in enumerate(pages, 1):
        text = _tidy(text)
        breaks.append(PageBreak(str(n), offset, confidence))
        parts.append(text)
        offset += len(text) + 2
    return "\n\n".join(parts), tuple(breaks)


def _tidy(text: str) -> str:
    """A text layer's lines folded into paragraphs at blank lines; trailing spaces dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def _listing(files: FileStore, images: Sequence[FileRef]) -> FileRef:
    """For a scan made of several image files: a small text file listing their hashes in order,
    stored like any file, so the scan as a whole has one content address."""
    listing = "".join(f"{i.sha256}\n" for i in images).encode()
    return files.put_bytes(listing, "text/plain", name="pages")


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return pdf.is_pdf(handle.read(1024))


def _check_image(path: Path) -> Path:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise RecordError(f"{path}: the image is {width} x {height} pixels, more than fonds takes "
                                  f"({MAX_IMAGE_PIXELS // 1_000_000} million); attach a smaller scan of the page")
            image.verify()
    except Image.DecompressionBombError:
        raise RecordError(f"{path}: the image has more pixels than fonds takes ({MAX_IMAGE_PIXELS // 1_000_000} million); "
                          "attach a smaller scan of the page") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise RecordError(f"{path}: not a PDF or an image fonds can read (JPEG, PNG, TIFF) ({error})") from error
    return path


def _page_ref(path: Path) -> tuple[str, str, int, int]:
    """(sha256, media type, width, height) of a page image, read before it is stored."""
    import hashlib

    from PIL import Image

    with Image.open(path) as image:
        media_type = IMAGE_TYPES.get(image.format or "", "image/png")
        width, height = image.size
    return hashlib.sha256(path.read_bytes()).hexdigest(), media_type, width, height


def files_ref(path: Path, media_type: str) -> FileRef:
    import hashlib

    data = path.read_bytes()
    return FileRef(hashlib.sha256(data).hexdigest(), media_type, len(data), path.name)


# -- text --------------------------------------------------------------------------------------


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp", ".jp2")
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")


def _read_text(path: Path) -> str:
    """A text or HTML file's text; RecordError for an image (by its name or first bytes), for text
    that is not UTF-8, or that holds NUL bytes (a binary file sent as a translation)."""
    head = path.read_bytes()[:16]
    if path.suffix.lower() in IMAGE_SUFFIXES or head.startswith(IMAGE_MAGIC):
        raise RecordError(f"{path}: this is an image, not a text; attach page images with --kind scan "
                          "(OCR makes their transcript)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordError(f"{path}: byte {error.start} is not UTF-8; a {path.suffix or 'file'} that is not a PDF must be "
                          "UTF-8 text, Markdown or HTML; save it as UTF-8 and attach it again") from None
    if "\x00" in text:
        raise RecordError(f"{path}: the file holds NUL bytes (offset {text.index(chr(0))}): it is not a text; "
                          "attach a UTF-8 text, Markdown or HTML file")
    return text


def _text(files: FileStore, path: Path, options: Options) -> Rendition:
    head = path.read_bytes()[:1024]
    if pdf.is_pdf(head):
        layer = pdf.read(path, max_pages=options.max_pages)
        text, breaks = _join_pages([(t, None) for t in layer.texts])
        if not text.strip():
            raise RecordError(f"{path}: the PDF has no text layer; attach it with --kind scan to OCR it")
        media_type = "application/pdf"
        maker = Maker("text-layer", name=layer.producer)
    else:
        raw = _read_text(path)
        breaks = ()
        maker = None
        if path.suffix.lower() in HTML_SUFFIXES or raw.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
            text, media_type = htmltext.to_text(raw), "text/html"
        else:
            text, media_type = raw.replace("\r\n", "\n").strip(), TEXT_SUFFIXES.get(path.suffix.lower(), "text/plain")
        if not text.strip():
            raise RecordError(f"{path}: the file holds no text; attach the complete file")
        if options.maker:
            maker = Maker("translator" if options.kind == "translation" else "transcriber", name=options.maker)
    source = files.put_file(path, media_type)
    label = f"{options.kind.capitalize()}"
    return Rendition(kind=options.kind, language=options.language, text=text, label=label, pages=breaks,
                     source=source, maker=maker)
