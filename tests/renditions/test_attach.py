"""Attaching scans, transcripts and translations to records: `fonds attach` and the library call."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from fonds.cli import main
from fonds.errors import NotFound, RecordError
from fonds.index import Index
from fonds.query import parse
from fonds.record import Record
from fonds.renditions.attach import Options, attach
from fonds.renditions.files import FileStore
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
RECORD = "sample-belovezha-1991"


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "fonds.db.files")


def test_text_layer_of_a_pdf_becomes_a_machine_made_transcript(store, files: FileStore, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = corpus / "scans" / "176-10036-10027_ocr.pdf"
    done = attach(store, files, RECORD, [pdf], Options("scan", "en"))
    scan, transcript = done.renditions
    assert scan.kind == "scan" and len(scan.images) == 2
    assert all(i.width and i.height and files.has(i.sha256) for i in scan.images)
    assert scan.source is not None and scan.source.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert files.read(scan.source.sha256) == pdf.read_bytes()  # the original, byte for byte
    assert done.layer_pages == 2 and done.ocr_pages == 0  # both pages have a text layer: no OCR
    assert transcript.kind == "transcript" and transcript.is_machine_made
    assert transcript.maker is not None and transcript.maker.role == "text-layer"
    assert "2025 RELEASE UNDER THE PRESIDENT JOHN F. KENNEDY" in transcript.text
    # the text layer's word positions (pdftotext -bbox), scaled from PDF points to the page image's pixels
    import json

    assert transcript.words is not None
    pages = json.loads(files.read(transcript.words.sha256))["pages"]
    assert [(p["width"], p["height"]) for p in pages] == [(i.width, i.height) for i in scan.images]
    release = next(w for w in pages[0]["words"] if w[4] == "RELEASE")
    scale = scan.images[0].width / 610.32  # the page is 610.32 points wide (pdftotext -bbox)
    assert abs(release[0] - 116.4 * scale) <= 2 and abs(release[1] - 6.36 * scale) <= 2
    assert "Fidel Castro" in transcript.text[transcript.pages[1].offset:]  # page 2 starts where its break says
    stored = store.get(RECORD)
    assert [r.kind for r in stored.renditions] == ["translation", "scan", "transcript"] or \
        [r.kind for r in stored.renditions if r.source] == ["scan", "transcript"]


def test_placeholders_from_contents_are_replaced_and_attaching_twice_changes_nothing(store, files: FileStore, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    before = store.get(RECORD)
    assert {r.kind for r in before.renditions} == {"scan", "transcript", "translation"}  # from Contents:, no files
    translation = corpus / "translations" / "belovezha" / "1991-12-08_Belovezh_Accords_text_en.md"
    first = attach(store, files, RECORD, [translation], Options("translation", "en", maker="Venice Commission"))
    assert first.result.changed == 1
    after = store.get(RECORD)
    english = [r for r in after.renditions if r.kind == "translation"]
    assert len(english) == 1 and english[0].maker is not None and english[0].maker.name == "Venice Commission"
    assert "## Article 14" in english[0].text
    again = attach(store, files, RECORD, [translation], Options("translation", "en", maker="Venice Commission"))
    assert again.result.changed == 0 and store.get(RECORD) == after


def test_html_transcript_is_cleaned_to_paragraphs(store, files: FileStore, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "transcript.htm"
    page.write_text(
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style>'
        '<!--[if gte mso 9]><xml><o:DocumentProperties>Author</o:DocumentProperties></xml><![endif]--></head>'
        '<body><p class=MsoNormal>Мы, Республика&nbsp;Беларусь,<o:p></o:p>\n   Российская Федерация</p>'
        '<script>alert(1)</script><p class=MsoNormal><b>Статья 1</b></p></body></html>',
        encoding="utf-8",
    )
    done = attach(store, files, RECORD, [page], Options("transcript", "ru"))
    assert done.renditions[0].text == "Мы, Республика Беларусь, Российская Федерация\n\nСтатья 1"
    assert done.renditions[0].source is not None and done.renditions[0].source.media_type == "text/html"


def test_ocr_of_an_image_only_page_is_searchable(tmp_path: Path, belovezha_page_pdf: Path, ocr_cache: Path) -> None:
    from fonds.ingest import ingest

    store = SQLiteStore(tmp_path / "fonds.db")
    try:
        ingest(store, [ROOT / "demo-data" / "belovezha-1991.txt"])
        done = attach(store, FileStore(tmp_path / "files"), RECORD, [belovezha_page_pdf], Options("scan", None, ocr_cache=ocr_cache))
        transcript = done.renditions[1]
        assert done.ocr_pages == 1 and transcript.language == "ru"  # the record's original language
        assert transcript.maker is not None and transcript.maker.role == "ocr" and transcript.maker.engine == "tesseract"
        assert transcript.pages[0].confidence is not None and transcript.pages[0].confidence > 60
        import json

        assert transcript.words is not None  # Tesseract's word boxes, in the page image's pixels
        page = json.loads(FileStore(tmp_path / "files").read(transcript.words.sha256))["pages"][0]
        belarus = [w for w in page["words"] if w[4].startswith("Беларусь")]
        assert belarus and all(0 <= w[0] < page["width"] and 0 <= w[1] < page["height"] and w[5] > 0 for w in belarus)
        assert "Республика Беларусь" in transcript.text
        index = Index(tmp_path / "index")
        index.update(store)
        assert [h.id for h in index.search(parse("Беларусь")).hits] == [RECORD]
    finally:
        store.close()


def test_bad_files_are_refused_and_nothing_is_stored(store, files: FileStore, tmp_path: Path, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    import pypdf

    before = store.get(RECORD)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes((corpus / "scans" / "176-10036-10027_ocr.pdf").read_bytes()[:3000])
    encrypted = tmp_path / "encrypted.pdf"
    writer = pypdf.PdfWriter(clone_from=str(corpus / "scans" / "176-10036-10027_ocr.pdf"))
    writer.encrypt("secret")
    writer.write(encrypted)
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_text("just text", encoding="utf-8")
    cases = {
        empty: f"{empty}: the file is empty (0 bytes); attach the complete file",
        encrypted: f"{encrypted}: the PDF is encrypted; save an unencrypted copy (e.g. `qpdf --decrypt IN OUT`) and attach that",
        not_a_pdf: f"{not_a_pdf}: not a PDF or an image fonds can read (JPEG, PNG, TIFF)",
        corrupt: f"{corrupt}: the PDF",
        tmp_path: f"{tmp_path}: a folder, not a file; attach the files in it by name",
    }
    for path, message in cases.items():
        with pytest.raises(RecordError) as caught:
            attach(store, files, RECORD, [path], Options("scan", "en"))
        assert str(caught.value).startswith(message), str(caught.value)
    assert store.get(RECORD) == before
    assert not files.root.exists() or not any(files.root.rglob("*/*/*"))  # no file stored for any of them


def test_a_300_page_pdf_is_taken_and_one_over_the_limit_refused(store, files: FileStore, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(300):
        writer.add_blank_page(width=72, height=72)  # blank pages: rendered, recognised as blank, not OCRed
    big = tmp_path / "big.pdf"
    writer.write(big)
    with pytest.raises(RecordError, match=r"has 300 pages, more than the limit of 299; split it, or raise the max_pages setting"):
        attach(store, files, RECORD, [big], Options("scan", "en", max_pages=299))
    done = attach(store, files, RECORD, [big], Options("scan", "en", max_pages=300, ocr_cache=tmp_path / "cache"))
    assert len(done.renditions[0].images) == 300
    assert done.renditions[0].images[299].name == "page 300"


def test_unknown_record_and_kind(store, files: FileStore, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        attach(store, files, "no-such-record", [corpus / "scans" / "176-10036-10027_ocr.pdf"], Options("scan"))
    with pytest.raises(RecordError, match="--kind 'poster' is not one fonds knows; use one of scan, transcript, translation"):
        attach(store, files, RECORD, [corpus / "scans" / "176-10036-10027_ocr.pdf"], Options("poster"))


def test_cli_attach(tmp_path: Path, corpus: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "fonds.db")
    runner.invoke(main, ["--db", db, "ingest", str(ROOT / "demo-data" / "belovezha-1991.txt")], catch_exceptions=False)
    result = runner.invoke(main, ["--db", db, "attach", RECORD, str(corpus / "scans" / "176-10036-10027_ocr.pdf"),
                                  "--kind", "scan", "--lang", "en"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{RECORD}: scan [en], 2 pages" in result.output
    assert f"{RECORD}: transcript [en] (machine-made)" in result.output
    assert (tmp_path / "fonds.db.files").is_dir()
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    bad = runner.invoke(main, ["--db", db, "attach", RECORD, str(empty), "--kind", "scan"])
    assert bad.exit_code == 1 and bad.output.strip() == f"fonds: {empty}: the file is empty (0 bytes); attach the complete file"
    found = runner.invoke(main, ["--db", db, "search", "Castro"], catch_exceptions=False)
    assert RECORD in found.output
    shown = runner.invoke(main, ["--db", db, "show", RECORD, "--json"], catch_exceptions=False)
    record = Record.from_dict(__import__("json").loads(shown.output))
    assert [len(r.images) for r in record.renditions if r.kind == "scan"] == [2]


def test_search_says_which_rendition_matched_and_filters_by_rendition(belovezha_archive: Path, tmp_path: Path) -> None:
    from fonds.errors import QueryError

    store = SQLiteStore(belovezha_archive / "fonds.db")
    try:
        index = Index(tmp_path / "index")
        index.update(store)
        russian = index.search(parse("Беларусь"))
        assert [h.id for h in russian.hits] == [RECORD]
        assert "in the transcript (ru, machine-made)" in russian.hits[0].matched
        assert "in the translation (en)" not in russian.hits[0].matched
        english = index.search(parse("Belarus"))
        assert "in the translation (en)" in english.hits[0].matched
        # The sample letter names a Chinese transcript in Contents: but holds no text of it: not a transcript.
        transcripts = {h.id for h in index.search(parse("rendition:transcript"), limit=100).hits}
        assert {RECORD, "wcda-900002"} <= transcripts and "wcda-900001" not in transcripts
        assert {h.id for h in index.search(parse("rendition:scan")).hits} == {RECORD, "wcda-900002"}
        assert [h.id for h in index.search(parse("rendition:transcript lang:ru Союза")).hits] == [RECORD]
        # Together, rendition: and lang: ask for a rendition in that language: the sample letter (original
        # Chinese, translated into English) has a translation and is in Chinese, but has no Chinese translation.
        assert index.search(parse("lang:zh rendition:translation")).total == 0
        assert index.search(parse("lang:zh")).total >= 1 and index.search(parse("lang:en rendition:translation")).total >= 3
        assert {h.id for h in index.search(parse("rendition:transcript lang:ru")).hits} == {RECORD, "wcda-900006"}  # and the Russian sample
        assert "wcda-900002" not in {h.id for h in index.search(parse("rendition:transcript lang:ru")).hits}  # English transcript
        with pytest.raises(QueryError, match="unknown rendition 'poster' at position 11; use one of transcript, translation, scan, original"):
            parse("rendition:poster")
    finally:
        store.close()


def test_record_json_with_files_round_trips_through_ingest(belovezha_archive: Path, tmp_path: Path) -> None:
    import json

    from fonds.ingest import ingest

    source = SQLiteStore(belovezha_archive / "fonds.db")
    try:
        record = source.get(RECORD)
    finally:
        source.close()
    dumped = tmp_path / "record.json"
    dumped.write_text(json.dumps(record.to_dict(), ensure_ascii=False), encoding="utf-8")
    store = SQLiteStore(tmp_path / "copy.db")
    try:
        report = ingest(store, [dumped], link_names=False)
        assert report.ok, report.rejected
        copy = store.get(RECORD)
        assert [r.images for r in copy.renditions] == [r.images for r in record.renditions]
        assert [r.maker for r in copy.renditions] == [r.maker for r in record.renditions]
        assert [r.pages for r in copy.renditions] == [r.pages for r in record.renditions]
        bad = json.loads(dumped.read_text(encoding="utf-8"))
        bad["id"] = "bad-1"
        next(r for r in bad["renditions"] if r["kind"] == "scan")["images"][0]["sha256"] = "../../etc/passwd"
        (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
        refused = ingest(store, [tmp_path / "bad.json"], link_names=False)
        assert not refused.ok and "sha256" in str(refused.rejected[0])
    finally:
        store.close()


def test_pages_rendered_by_two_pdftoppm_runs_come_back_in_order(tmp_path: Path) -> None:
    import pypdf
    from PIL import Image

    from fonds.renditions import pdf

    writer = pypdf.PdfWriter()
    for i in range(9):  # each page a little wider than the one before: the order shows in the images
        writer.add_blank_page(width=72 + 18 * i, height=144)
    source = tmp_path / "widths.pdf"
    with source.open("wb") as out:
        writer.write(out)
    pages = pdf.render(source, tmp_path / "out", dpi=72, pages=9, workers=2)
    widths = []
    for page in pages:
        with Image.open(page) as image:
            widths.append(image.width)
    assert widths == [72 + 18 * i for i in range(9)]


def test_a_device_or_a_pipe_is_refused_as_not_a_regular_file(store, files: FileStore, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`fonds attach ID /dev/zero` said "no such file": it is there, and it is no file to read."""
    import os

    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    for path in (Path("/dev/zero"), pipe):
        with pytest.raises(RecordError) as caught:
            attach(store, files, RECORD, [path], Options("scan", "en"))
        assert str(caught.value) == f"{path}: not a regular file (a device, pipe or socket); attach a file saved on disk"
