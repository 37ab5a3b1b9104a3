"""OCR with Tesseract (Debian `tesseract-ocr` and its language packs), in worker processes.

Each page gives its text, in paragraphs as Tesseract found them, and the mean confidence (0-100) of
its words. Results are kept per page in a cache folder, named by the page image's hash, the
language and the engine's version: an interrupted run, started again, OCRs only the pages it had not
finished (resumable), and attaching the same scan again costs nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable, Sequence

from fonds.errors import RecordError

# ISO 639-1 (and a few BCP 47 tags) to Tesseract's traineddata names. German in Fraktur is `de-Latf`
# (ISO 15924 `Latf`, Latin in Fraktur): it is read with the `Fraktur` script model (Debian
# `tesseract-ocr-script-frak`), which on the shared Kant page (1784) has a character error rate of
# 11.7% against its ground truth, where `deu` has 16.9% and `frk` 12.1% (tests/renditions/test_fraktur.py).
TESSERACT_LANGUAGES = {
    "en": "eng", "ru": "rus", "de": "deu", "ko": "kor", "zh": "chi_sim", "zh-hans": "chi_sim",
    "zh-hant": "chi_tra", "ja": "jpn", "de-latf": "Fraktur", "de-fraktur": "Fraktur",
}
# The Debian package holding each traineddata that is not `tesseract-ocr-NAME`.
PACKAGES = {"Fraktur": "tesseract-ocr-script-frak", "Latin": "tesseract-ocr-script-latn"}
# The form of a cached page's JSON (`-w`: with word boxes); a new form never reads an older one.
CACHE_FORM = "-w"
# Pages whose darkest and lightest grey differ by less than this are blank and are not OCRed.
BLANK_RANGE = 24


@dataclass(frozen=True)
class PageText:
    """One page's OCR: its text (paragraphs separated by blank lines), mean word confidence, and
    each word's box on the page image: [x, y, width, height, word, confidence] in pixels."""

    text: str
    confidence: float | None
    words: int
    boxes: tuple[tuple[int, int, int, int, str, float], ...] | list[list[object]] = ()


def engine_version() -> str:
    """Tesseract's version, e.g. '5.3.0'; RecordError if it is not installed."""
    import pytesseract

    try:
        return str(pytesseract.get_tesseract_version()).split()[0]
    except (pytesseract.TesseractNotFoundError, OSError) as error:
        raise RecordError("tesseract is not installed; install the Debian package tesseract-ocr") from error


@cache
def installed_languages() -> frozenset[str]:
    """The traineddata names `tesseract --list-langs` prints (pytesseract's own list leaves out the
    capitalised script models such as `Fraktur`); RecordError if Tesseract is not installed."""
    import subprocess

    import pytesseract

    try:
        result = subprocess.run([pytesseract.pytesseract.tesseract_cmd, "--list-langs"], capture_output=True,
                                text=True, check=False)
    except OSError as error:
        raise RecordError("tesseract is not installed; install the Debian package tesseract-ocr") from error
    lines = result.stdout.splitlines()[1:]  # the first line says where the packs are
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def tesseract_language(language: str | None) -> str:
    """The Tesseract language for an ISO 639-1 code, checked against the installed packs."""
    if not language:
        raise RecordError("OCR needs the document's language; give --lang (e.g. --lang ru) or set the record's original language")
    name = TESSERACT_LANGUAGES.get(language.lower(), language)
    installed = installed_languages()
    if name not in installed:
        raise RecordError(
            f"tesseract has no language pack {name!r} for {language!r}; install the Debian package "
            f"{PACKAGES.get(name, 'tesseract-ocr-' + name.lower().replace('_', '-'))} "
            f"(installed: {', '.join(sorted(installed))})"
        )
    return name


def recognize(image_path: str, lang: str) -> PageText:
    """OCR one page image (any format Pillow reads). Runs in a worker process.

    Tesseract is given the page in grey, written as an uncompressed PGM (Netpbm) file in a temporary
    folder that is removed afterwards: the same pixels pytesseract would PNG-encode from the image,
    without the ~0.05-0.1 s a 150 dpi page costs to compress (docs/benchmarks.md, OCR). A page with
    almost no contrast (BLANK_RANGE) is blank and is not OCRed.
    """
    import pytesseract
    from PIL import Image

    with Image.open(image_path) as image:
        grey = image.convert("L")
    low, high = grey.getextrema()
    if high - low < BLANK_RANGE:
        return PageText("", None, 0)
    with tempfile.TemporaryDirectory(prefix="fonds-ocr-") as folder:
        page = os.path.join(folder, "page.pgm")
        grey.save(page, format="PPM")
        data = pytesseract.image_to_data(page, lang=lang, output_type=pytesseract.Output.DICT)
    return _page_text(data)


def _page_text(data: dict[str, list[Any]]) -> PageText:
    """Words grouped into lines and paragraphs by Tesseract's block/paragraph/line numbers."""
    paragraphs: dict[tuple[int, int], dict[int, list[str]]] = {}
    confidences: list[float] = []
    boxes: list[tuple[int, int, int, int, str, float]] = []
    for i, word in enumerate(data["text"]):
        word = str(word).strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        confidences.append(confidence)
        boxes.append((int(data["left"][i]), int(data["top"][i]), int(data["width"][i]), int(data["height"][i]),
                      word, round(confidence, 1)))
        key = (int(data["block_num"][i]), int(data["par_num"][i]))
        paragraphs.setdefault(key, {}).setdefault(int(data["line_num"][i]), []).append(word)
    text = "\n\n".join(
        " ".join(" ".join(words) for _line, words in sorted(lines.items())) for _key, lines in sorted(paragraphs.items())
    )
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return PageText(text, mean, len(confidences), tuple(boxes))


def recognize_pages(
    images: Sequence[Path],
    keys: Sequence[str],
    language: str | None,
    *,
    cache: Path,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> list[PageText]:
    """OCR pages in `workers` processes, in page order; `keys[i]` names page i's result in `cache`.

    `progress(n)` is called as each page finishes (from the cache too). Raises RecordError if
    Tesseract or the language pack is missing.
    """
    lang = tesseract_language(language)
    version = engine_version()
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[int, PageText] = {}
    todo: list[int] = []
    for i, key in enumerate(keys):
        cached = cache / f"{key}-{lang}-{version}{CACHE_FORM}.json"
        if cached.is_file():
            results[i] = PageText(**json.loads(cached.read_text(encoding="utf-8")))
            if progress:
                progress(1)
        else:
            todo.append(i)
    if todo:
        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), initializer=_one_thread) as pool:
            futures = {i: pool.submit(recognize, str(images[i]), lang) for i in todo}
            for i in todo:
                page = futures[i].result()
                results[i] = page
                _save(cache / f"{keys[i]}-{lang}-{version}{CACHE_FORM}.json", page)
                if progress:
                    progress(1)
    return [results[i] for i in range(len(keys))]


def _one_thread() -> None:
    """Each worker's Tesseract uses one thread: the workers are the parallelism (OpenMP threads on
    top of them only fight over the cores)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _save(path: Path, page: PageText) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(page.__dict__, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
