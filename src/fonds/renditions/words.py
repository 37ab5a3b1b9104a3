"""Where each word of a scan's text stands on its page images, so search hits can be shown on the
scan itself (the reader's OpenSeadragon overlays), not only in the text.

Two sources, both in the page image's pixels:

- OCR: Tesseract's word table (`image_to_data`: left, top, width, height, confidence per word),
  kept with each page's OCR result (ocr.py).
- A PDF's text layer: poppler's `pdftotext -bbox` (one run for the whole file, cheap beside
  rendering), whose boxes are in PDF points from the page's top left, scaled to the rendered image.

The file (JSON, stored content-addressed like any other, named by the transcript's `words`):

    {"pages": [{"width": 1275, "height": 1650,
                "words": [[x, y, width, height, "word", confidence or null], ...]}, ...]}

one entry per page image, in page order; a page without words has an empty list.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Sequence

Word = list[Any]  # [x, y, width, height, text, confidence | None]


def encode(pages: Sequence[dict[str, Any]]) -> bytes:
    """The words file's bytes (compact JSON, UTF-8)."""
    return json.dumps({"pages": list(pages)}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def page(width: int, height: int, words: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """One page's entry."""
    return {"width": width, "height": height, "words": [list(w) for w in words]}


def from_text_layer(path: Path, sizes: Sequence[tuple[int, int]]) -> list[list[Word]] | None:
    """Each page's words from a PDF's text layer (`pdftotext -bbox`), scaled to the page images'
    `sizes` (width, height in pixels); None if pdftotext is missing or fails (the words are a help,
    never a reason to refuse a file)."""
    from fonds import safexml
    from fonds.errors import FondsError

    program = shutil.which("pdftotext")
    if program is None:
        return None
    try:
        result = subprocess.run([program, "-bbox", str(path), "-"], capture_output=True, check=False, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    try:
        tree = safexml.parse(result.stdout, f"{path} (pdftotext -bbox)", ignore_external_doctype=True)
    except FondsError:
        return None
    xhtml = "{http://www.w3.org/1999/xhtml}"
    pages: list[list[Word]] = []
    for number, element in enumerate(tree.getroot().iter(f"{xhtml}page")):
        if number >= len(sizes):
            break
        image_width, image_height = sizes[number]
        try:
            sx = image_width / float(element.get("width") or 0)
            sy = image_height / float(element.get("height") or 0)
        except (ValueError, ZeroDivisionError):
            pages.append([])
            continue
        words: list[Word] = []
        for word in element.iter(f"{xhtml}word"):
            text = (word.text or "").strip()
            if not text:
                continue
            try:
                x0, y0, x1, y1 = (float(word.get(k) or 0) for k in ("xMin", "yMin", "xMax", "yMax"))
            except ValueError:
                continue
            words.append([round(x0 * sx), round(y0 * sy), max(1, round((x1 - x0) * sx)), max(1, round((y1 - y0) * sy)),
                          text, None])
        pages.append(words)
    while len(pages) < len(sizes):
        pages.append([])
    return pages
