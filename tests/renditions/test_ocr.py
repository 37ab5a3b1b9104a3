"""OCR of one page (fonds.renditions.ocr.recognize): what Tesseract is given, and what is left behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from fonds.renditions import ocr, pdf


@pytest.fixture(scope="module")
def colour_page(tmp_path_factory: pytest.TempPathFactory, belovezha_page_pdf: Path) -> Path:
    """The top of the Belovezha scan's page 1 as pdftoppm renders it: an RGB PNG."""
    return pdf.render(belovezha_page_pdf, tmp_path_factory.mktemp("pages"), dpi=150)[0]


def test_a_colour_page_reads_as_its_grey_pixels_and_leaves_no_file_behind(
    colour_page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytesseract
    from PIL import Image

    with Image.open(colour_page) as image:
        assert image.mode == "RGB"
        grey = image.convert("L")
    # What Tesseract reads from the grey pixels, handed over as pytesseract's own PNG.
    expected = ocr._page_text(pytesseract.image_to_data(grey, lang="rus", output_type=pytesseract.Output.DICT))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    page = ocr.recognize(str(colour_page), "rus")
    assert page == expected
    assert "Беларусь" in page.text and page.confidence is not None and page.confidence > 60
    assert list(tmp_path.iterdir()) == []  # the temporary grey page is removed


def test_a_blank_page_is_not_ocred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 600), (250, 248, 245)).save(blank)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Tesseract was run on a blank page")

    monkeypatch.setattr("pytesseract.image_to_data", refuse)
    assert ocr.recognize(str(blank), "rus") == ocr.PageText("", None, 0)
