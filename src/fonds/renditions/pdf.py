"""PDFs: check one, read its text layer (pypdf), and render its pages to images (poppler's pdftoppm).

pdftoppm is a separate program (Debian `poppler-utils`, GPL-2), run as a subprocess, never linked;
pypdf is BSD-3. A PDF that is empty, corrupt, encrypted, or over the page limit is refused with a
RecordError naming the file, before anything is stored.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fonds.errors import RecordError

# Fewer visible characters than this on a page means the page has no usable text layer.
MIN_LAYER_CHARS = 20
RENDER_DPI = 150  # page images are rendered at this resolution
# The largest page image rendered: 60 million pixels is an A0 sheet (33 x 47 inches) at 150 dpi and more.
MAX_PAGE_PIXELS = 60_000_000
RENDER_SECONDS = 1800  # the longest pdftoppm may take over one PDF (a 2,000-page scan takes minutes)


@dataclass(frozen=True)
class PdfText:
    """A checked PDF: its page count and each page's text layer ('' where there is none)."""

    pages: int
    texts: tuple[str, ...]
    producer: str | None

    def has_layer(self, page: int) -> bool:
        """Whether page `page` (0-based) has a usable text layer."""
        return sum(not c.isspace() for c in self.texts[page]) >= MIN_LAYER_CHARS


def is_pdf(head: bytes) -> bool:
    return head.lstrip()[:5] == b"%PDF-"


def read(path: Path, *, max_pages: int) -> PdfText:
    """Check the PDF at `path` and read its text layer page by page.

    Raises RecordError for an empty file, a file that is not a PDF or is damaged, an encrypted PDF,
    a PDF without pages, one with more than `max_pages` pages, or a page too large to render.
    """
    return _open(path, max_pages=max_pages, texts=True)


def check(path: Path, *, max_pages: int) -> int:
    """The checks of `read` without reading the text layer (quick, for an upload): the page count."""
    return _open(path, max_pages=max_pages, texts=False).pages


def _open(path: Path, *, max_pages: int, texts: bool) -> PdfText:
    import pypdf
    from pypdf.errors import PyPdfError

    check_not_empty(path)
    with path.open("rb") as handle:
        if not is_pdf(handle.read(1024)):
            raise RecordError(f"{path}: not a PDF (it does not start with %PDF-); attach a PDF or page images")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings are not the user's business
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            raise RecordError(
                f"{path}: the PDF is encrypted; save an unencrypted copy (e.g. `qpdf --decrypt IN OUT`) and attach that"
            )
        count = len(reader.pages)
        if count == 0:
            raise RecordError(f"{path}: the PDF has no pages; attach the complete file")
        if count > max_pages:
            raise RecordError(
                f"{path}: the PDF has {count} pages, more than the limit of {max_pages}; "
                "split it, or raise the max_pages setting"
            )
        for number, page in enumerate(reader.pages, 1):
            _check_size(path, number, page)
        found = tuple(_page_text(page) for page in reader.pages) if texts else ()
        producer = reader.metadata.producer if reader.metadata else None
    except RecordError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError,
            ZeroDivisionError, OverflowError, MemoryError) as error:
        # pypdf raises a range of errors on damaged files; every one means "cannot be read".
        raise RecordError(f"{path}: the PDF is damaged and cannot be read ({type(error).__name__}: {error}); "
                          "attach an undamaged copy") from error
    return PdfText(count, found, str(producer) if producer else None)


def _check_size(path: Path, number: int, page: object) -> None:
    """RecordError for a page whose image at RENDER_DPI would pass MAX_PAGE_PIXELS (a "PDF bomb":
    a page of a few bytes that renders to gigabytes)."""
    box = page.mediabox  # type: ignore[attr-defined]
    width, height = abs(float(box.width)), abs(float(box.height))
    pixels = (width / 72 * RENDER_DPI) * (height / 72 * RENDER_DPI)
    if pixels > MAX_PAGE_PIXELS:
        raise RecordError(
            f"{path}: page {number} is {width / 72:.0f} x {height / 72:.0f} inches, more than fonds renders "
            f"({MAX_PAGE_PIXELS // 1_000_000} million pixels at {RENDER_DPI} dpi); attach a PDF of ordinary pages"
        )


def _page_text(page: object) -> str:
    text = page.extract_text()  # type: ignore[attr-defined]
    return str(text or "").replace("\x00", "")


def check_not_empty(path: Path) -> None:
    """RecordError if the file is missing or has 0 bytes."""
    if path.is_dir():
        raise RecordError(f"{path}: a folder, not a file; attach the files in it by name (page images in page order)")
    if path.exists() and not path.is_file():  # a device, a FIFO, a socket: never read (it may never end)
        raise RecordError(f"{path}: not a regular file (a device, pipe or socket); attach a file saved on disk")
    if not path.is_file():
        raise RecordError(f"{path}: no such file; check the path")
    if path.stat().st_size == 0:
        raise RecordError(f"{path}: the file is empty (0 bytes); attach the complete file")


def render(path: Path, out_dir: Path, *, dpi: int = 150, pages: int = 0, workers: int = 1) -> list[Path]:
    """Render every page to a PNG in `out_dir` at `dpi` dots per inch; the paths, in page order.

    With `pages` (the page count) and `workers` > 1, the pages are split into `workers` runs of
    pdftoppm side by side (`-f`/`-l`), one per core. Raises RecordError if pdftoppm is missing or
    fails on the file, or takes longer than RENDER_SECONDS.
    """
    program = shutil.which("pdftoppm")
    if program is None:
        raise RecordError("pdftoppm is not installed; install the Debian package poppler-utils")
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = max(1, min(workers, pages // 4)) if pages else 1  # a few pages are not worth a second process
    ranges = [(1 + pages * i // runs, pages * (i + 1) // runs) for i in range(runs)] if runs > 1 else [(0, 0)]
    processes = []
    for first, last in ranges:
        command = [program, "-r", str(dpi), "-png"]
        if first:
            command += ["-f", str(first), "-l", str(last)]
        processes.append(subprocess.Popen(command + [str(path), str(out_dir / "page")],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    errors = []
    try:
        for process in processes:
            _out, err = process.communicate(timeout=RENDER_SECONDS)
            if process.returncode != 0:
                errors.append(err)
    except subprocess.TimeoutExpired:
        raise RecordError(f"{path}: rendering the PDF's pages took more than {RENDER_SECONDS} seconds; "
                          "the file may be built to exhaust a reader: attach an ordinary copy") from None
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    rendered = sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if errors or not rendered:
        message = ((errors[0] if errors else "").strip().splitlines() or ["no pages rendered"])[-1]
        raise RecordError(f"{path}: the PDF's pages could not be rendered ({message}); attach an undamaged copy")
    return rendered
