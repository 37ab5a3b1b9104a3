"""Attaching files in the browser (web/uploads.py, renditions/jobs.py): an editor uploads a scan, a
transcript or a translation; the same checks as `fonds attach` refuse bad files with their message
and store nothing; OCR runs in the background with a status page; readers and contributors get 403;
the size limit holds; a job a stopped server left behind is resumed."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI
from test_staff import PASSWORD, Browser, cheap_hashes, editor  # noqa: F401  (cheap_hashes: a fixture)

from fonds import accounts
from fonds.config import Settings
from fonds.index import Index
from fonds.query import parse
from fonds.renditions.files import FileStore
from fonds.renditions.jobs import Job, Jobs
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import create_app
from fonds.web.uploads import safe_name

ROOT = Path(__file__).resolve().parents[2]
RECORD = "sample-belovezha-1991"
ATTACH = f"/staff/records/{RECORD}/attach"
MEMO = "scans/176-10036-10027_ocr.pdf"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fonds.ingest import ingest

    path = tmp_path_factory.mktemp("uploads") / "fonds.db"
    store = SQLiteStore(path)
    ingest(store, [ROOT / "demo-data" / "belovezha-1991.txt"])
    for name, role in (("ed", "editor"), ("con", "contributor")):
        store.put_user(accounts.new_user(name, role, PASSWORD))
    store.close()
    return path


@pytest.fixture
def archive(tmp_path: Path, template: Path, ocr_cache: Path) -> Iterator[tuple[SQLiteStore, Settings]]:
    shutil.copyfile(template, tmp_path / "fonds.db")
    store = SQLiteStore(tmp_path / "fonds.db")
    (tmp_path / "fonds.db.files").mkdir()
    (tmp_path / "fonds.db.files" / "ocr-cache").symlink_to(ocr_cache)  # pages OCRed once per session
    settings = Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "index"), max_upload_mb=2)
    yield store, settings
    store.close()


@pytest.fixture
def app(archive: tuple[SQLiteStore, Settings]) -> Iterator[FastAPI]:
    store, settings = archive
    made = create_app(store, settings, Index(settings.index_path))
    yield made
    jobs = getattr(made.state.archive, "_attach_jobs", None)
    if jobs is not None:
        jobs.stop()


def upload(browser: Browser, files: list[tuple[str, bytes]], **fields: str):  # type: ignore[no-untyped-def]
    token = browser.csrf(ATTACH)
    data = {"csrf": token, "kind": "translation", "language": "en", **fields}
    return browser.request("POST", ATTACH, data=data, files=[("file", (name, body)) for name, body in files])


def finished(browser: Browser, response) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """Follow an upload's redirect to its job and wait until the job is over; its JSON."""
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert location.startswith("/staff/jobs/")
    deadline = time.monotonic() + 120
    while True:
        job = browser.get(location + ".json").json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)


def test_an_editor_uploads_a_translation_and_a_version_names_them(app: FastAPI, store_of) -> None:  # type: ignore[no-untyped-def]
    store = store_of(app)
    browser = editor(app)
    page = browser.get(ATTACH)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    text = "# Agreement\n\nWe, the Republic of Belarus, the Russian Federation and Ukraine.\n".encode()
    job = finished(browser, upload(browser, [("../../etc/belovezha_en.md", text)], maker="Venice Commission", note="the English"))
    assert job["state"] == "done" and "translation (en)" in job["message"], job
    record = store.get(RECORD)
    english = [r for r in record.renditions if r.kind == "translation" and r.source is not None]
    assert len(english) == 1 and english[0].maker is not None and english[0].maker.name == "Venice Commission"
    assert english[0].source.name == "belovezha_en.md"  # the browser's folder part is gone
    assert "Republic of Belarus" in english[0].text
    versions = store.versions(RECORD)
    assert versions[-1].agent == "user ed" and versions[-1].note == "the English"
    assert any(a.action == "attach" and a.agent == "user ed" for a in store.audit_log(10))
    status = browser.get(f"/staff/jobs/{job['id']}")
    assert status.status_code == 200 and "Done" in status.text and 'http-equiv="refresh"' not in status.text


def test_a_scan_pdf_is_attached_with_its_pages(app: FastAPI, store_of, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    store = store_of(app)
    browser = editor(app)
    job = finished(browser, upload(browser, [("memo.pdf", (corpus / MEMO).read_bytes())], kind="scan", language="en"))
    assert job["state"] == "done" and "2 pages" in job["message"], job
    scan = next(r for r in store.get(RECORD).renditions if r.kind == "scan" and r.images)
    assert len(scan.images) == 2 and all(FileStore(Path(store_of.settings(app).files_path)).has(i.sha256) for i in scan.images)


def test_ocr_runs_in_the_background_and_the_server_keeps_answering(app: FastAPI, store_of, belovezha_page_pdf: Path,
                                                                   tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = store_of(app)
    browser = editor(app)
    response = upload(browser, [("page.pdf", belovezha_page_pdf.read_bytes())], kind="scan", language="ru")
    assert response.status_code == 303
    started = time.monotonic()
    assert browser.get("/").status_code == 200 and browser.get(f"/records/{RECORD}").status_code == 200
    assert time.monotonic() - started < 5  # pages answer while the job runs
    job = finished(browser, response)
    assert job["state"] == "done" and "OCRed" in job["message"], job
    transcript = next(r for r in store.get(RECORD).renditions if r.kind == "transcript" and r.is_machine_made)
    assert "Беларусь" in transcript.text
    index = Index(store_of.settings(app).index_path)
    assert RECORD in [h.id for h in index.search(parse("Беларусь")).hits]


@pytest.mark.parametrize("case", ["empty", "corrupt", "encrypted", "image-as-translation", "image-named-as-text",
                                  "binary-as-text", "not-a-scan", "bomb", "pixel-bomb"])
def test_bad_files_are_refused_with_the_message_and_nothing_is_stored(app: FastAPI, store_of, corpus: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    import io

    import pypdf
    from PIL import Image

    store = store_of(app)
    before, versions = store.get(RECORD), len(store.versions(RECORD))
    memo = (corpus / MEMO).read_bytes()
    png = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(png, "PNG")
    if case == "encrypted":
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(memo))
        writer.encrypt("secret")
        out = io.BytesIO()
        writer.write(out)
    if case == "bomb":  # a page of a few hundred bytes that would render to 200 x 200 inches
        writer = pypdf.PdfWriter()
        writer.add_blank_page(width=14400, height=14400)
        bomb = io.BytesIO()
        writer.write(bomb)
    name, body, kind, expected = {
        "empty": ("empty.pdf", b"", "scan", "empty.pdf: the file is empty (0 bytes)"),
        "corrupt": ("cut.pdf", memo[:3000], "scan", "cut.pdf: the PDF is damaged and cannot be read"),
        "encrypted": ("locked.pdf", out.getvalue() if case == "encrypted" else b"", "scan", "locked.pdf: the PDF is encrypted"),
        "image-as-translation": ("photo.png", png.getvalue(), "translation", "photo.png: this is an image, not a text"),
        "image-named-as-text": ("notes.txt", png.getvalue(), "translation", "notes.txt: this is an image, not a text"),
        "binary-as-text": ("data.txt", b"ab\x00cd", "transcript", "data.txt: the file holds NUL bytes"),
        "not-a-scan": ("notes.txt", b"just some notes", "scan", "notes.txt: not a PDF or an image fonds can read"),
        "bomb": ("bomb.pdf", bomb.getvalue() if case == "bomb" else b"", "scan", "bomb.pdf: page 1 is 200 x 200 inches"),
        "pixel-bomb": ("huge.png", _huge_png() if case == "pixel-bomb" else b"", "scan", "huge.png: the image has more pixels than fonds takes"),
    }[case]
    browser = editor(app)
    response = upload(browser, [(name, body)], kind=kind, language="en")
    assert response.status_code == 400 and expected in response.text.replace("&#39;", "'"), response.text[:2000]
    assert "Nothing was attached" in response.text
    assert store.get(RECORD) == before and len(store.versions(RECORD)) == versions
    files = Path(store_of.settings(app).files_path)
    assert not [p for p in files.rglob("*") if p.is_file() and "ocr-cache" not in p.parts]  # no file, no job left


def _huge_png() -> bytes:
    """A 20,000 x 20,000 1-bit PNG: a few tens of kB that would decode to 400 million pixels."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")
    return out.getvalue()


def test_the_size_limit_is_checked_before_the_body_is_read(app: FastAPI, store_of) -> None:  # type: ignore[no-untyped-def]
    store = store_of(app)
    browser = editor(app)
    response = upload(browser, [("big.txt", b"a" * 2_200_000)])
    assert response.status_code == 413 and "the limit of 2 MB" in response.text
    token = browser.csrf(ATTACH)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        yield b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token.encode() + b"\r\n--x--\r\n"

    response = browser.request("POST", ATTACH, content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 411
    assert len(store.versions(RECORD)) == 1


@pytest.mark.parametrize("who", [None, "con"])
def test_readers_and_contributors_get_403(app: FastAPI, who: str | None) -> None:
    browser = Browser(app) if who is None else editor(app, who)
    assert browser.get(ATTACH).status_code == 403
    response = browser.request("POST", ATTACH, data={"csrf": "x", "kind": "translation", "language": "en"},
                               files=[("file", ("a.txt", b"text"))])
    assert response.status_code == 403


def test_an_upload_without_the_csrf_token_is_refused(app: FastAPI, store_of) -> None:  # type: ignore[no-untyped-def]
    browser = editor(app)
    response = browser.request("POST", ATTACH, data={"kind": "translation", "language": "en", "csrf": "forged"},
                               files=[("file", ("a.txt", b"text"))])
    assert response.status_code == 403 and len(store_of(app).versions(RECORD)) == 1


def test_form_mistakes_are_shown_on_the_form(app: FastAPI) -> None:
    browser = editor(app)
    response = upload(browser, [("a.txt", b"text")], kind="poster")
    assert response.status_code == 400 and "kind: choose one of scan, transcript, translation" in response.text
    response = upload(browser, [("a.txt", b"text")], language="<script>")
    assert response.status_code == 400 and "is not a language code" in response.text and "<script>" not in response.text


def test_a_job_a_stopped_server_left_running_is_resumed(tmp_path: Path) -> None:
    ran: list[str] = []

    def run(job: Job, folder: Path, report) -> str:  # type: ignore[no-untyped-def]
        report("OCR", 1, 1)
        ran.append((folder / job.files[0]).read_text())
        return "attached"

    first = Jobs(tmp_path / "jobs", run)
    job_id, folder = first.new_folder()
    (folder / "a.txt").write_text("pages", encoding="utf-8")
    first._save(Job(job_id, "r1", "scan", "ru", None, ("a.txt",), "user ed", state="running"))  # as a crash left it
    (folder / "claim").write_text("999999999")  # by a process that is gone
    second = Jobs(tmp_path / "jobs", run)
    assert second.resume() == 1
    job = second.wait(job_id, 10)
    second.stop()
    assert job.state == "done" and ran == ["pages"] and not (folder / "a.txt").exists()


def test_safe_name_keeps_uploads_inside_their_folder() -> None:
    assert safe_name("../../etc/passwd", 1) == "passwd"
    assert safe_name("C:\\Users\\ed\\scan 1.pdf", 1) == "scan 1.pdf"
    assert safe_name("..", 2) == "upload-2" and safe_name("", 3) == "upload-3"
    assert safe_name("a\x00b\nc.txt", 1) == "a_b_c.txt"


class _StoreOf:
    """`store_of(app)`: the app's store; `store_of.settings(app)`: its settings."""

    def __call__(self, app: FastAPI) -> SQLiteStore:
        store: SQLiteStore = app.state.archive.store
        return store

    def settings(self, app: FastAPI) -> Settings:
        settings: Settings = app.state.archive.settings
        return settings


@pytest.fixture
def store_of() -> _StoreOf:
    return _StoreOf()


def test_a_server_starting_again_finishes_the_upload_it_left(archive: tuple[SQLiteStore, Settings]) -> None:
    store, settings = archive
    left = Jobs(settings.files_path / "jobs", lambda job, folder, report: "never run here")
    job_id, folder = left.new_folder()
    (folder / "english.md").write_text("The Commonwealth of Independent States is founded.", encoding="utf-8")
    left._save(Job(job_id, RECORD, "translation", "en", "Venice Commission", ("english.md",), "user ed", state="running"))
    app = create_app(store, settings, Index(settings.index_path))  # the server starting again
    jobs = app.state.archive._attach_jobs
    job = jobs.wait(job_id, 60)
    assert job.state == "done" and job.message.startswith("attached: translation (en)"), job
    assert any("Commonwealth of Independent States is founded" in r.text for r in store.get(RECORD).renditions)
    assert store.versions(RECORD)[-1].agent == "user ed"
    time.sleep(0.2)
    assert jobs._thread is None  # the worker ended with its work: no thread left behind
