"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared sample archives, beside the checkout (../shared/corpus)."""
    path = ROOT.parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.fail(f"the shared corpus is missing: expected it at {path}")
    return path


@pytest.fixture(scope="session")
def schemas() -> Path:
    path = ROOT.parent / "shared" / "schemas"
    if not path.is_dir():
        pytest.fail(f"the shared schemas are missing: expected them at {path}")
    return path


@pytest.fixture
def data() -> Path:
    """Small inputs we wrote ourselves, one per kind of trouble."""
    return DATA


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "fonds.db")
    yield store
    store.close()


@pytest.fixture
def index_of_examples(tmp_path: Path) -> Iterator[Index]:
    """The sample records of examples/ ingested into a new SQLite store and indexed."""
    store = SQLiteStore(tmp_path / "fonds.db")
    try:
        assert ingest(store, [ROOT / "examples"]).ok
        index = Index(tmp_path / "index")
        index.update(store)
        yield index
    finally:
        store.close()


# -- renditions with files: a record with a scan, its OCR transcript and a translation -------------

BELOVEZHA_ID = "sample-belovezha-1991"
PAGED_ID = "wcda-900002"


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One OCR cache for the session: a page is OCRed once, however many tests attach it."""
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="session")
def belovezha_page_pdf(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """The top of page 1 of the Belovezha scan (an image-only PDF, typewritten Russian) as a 1-page PDF."""
    import pypdf

    reader = pypdf.PdfReader(str(corpus / "scans" / "1991-12-08_Belovezh_Accords_ru.pdf"))
    writer = pypdf.PdfWriter()
    page = writer.add_page(reader.pages[0])
    # Its top 40% (heading, preamble): enough text to find, and quick to OCR.
    box = page.mediabox
    page.cropbox = pypdf.generic.RectangleObject((box.left, box.top - box.height * 0.4, box.right, box.top))
    path = tmp_path_factory.mktemp("belovezha") / "belovezha-page1.pdf"
    with path.open("wb") as out:
        writer.write(out)
    return path


@pytest.fixture(scope="session")
def belovezha_archive(tmp_path_factory: pytest.TempPathFactory, corpus: Path, belovezha_page_pdf: Path, ocr_cache: Path) -> Path:
    """A database (fonds.db, with fonds.db.files beside it) holding the examples, the Belovezha
    record with the top of page 1 of its scan (OCRed) and the English translation attached, and a
    2-page PDF with a text layer attached to the sample telegram (wcda-900002). Read only."""
    from fonds.ingest import ingest
    from fonds.renditions.attach import Options, attach
    from fonds.renditions.files import FileStore

    folder = tmp_path_factory.mktemp("belovezha-archive")
    store = SQLiteStore(folder / "fonds.db")
    try:
        ingest(store, [ROOT / "examples", ROOT / "demo-data"])
        files = FileStore(folder / "fonds.db.files")
        attach(store, files, BELOVEZHA_ID, [belovezha_page_pdf], Options("scan", "ru", ocr_cache=ocr_cache))
        translation = corpus / "translations" / "belovezha" / "1991-12-08_Belovezh_Accords_text_en.md"
        attach(store, files, BELOVEZHA_ID, [translation], Options("translation", "en", maker="Venice Commission"))
        # Two pages with a text layer, to page through: the JFK memo, on the sample telegram record.
        attach(store, files, PAGED_ID, [corpus / "scans" / "176-10036-10027_ocr.pdf"], Options("scan", "en"))
    finally:
        store.close()
    return folder
