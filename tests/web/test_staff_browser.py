"""The staff side in a real browser (Debian's chromium through Playwright, as test_browser.py):
log in, edit a title, see the history diff, cite version 1 after version 2 exists, withdraw and
see the 410 page, review a link. Screenshots go to test-artifacts/staff-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds import accounts
from fonds.authority import Entity
from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.record import PersonLink, Record, Rendition
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import create_app

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

from conftest import serve_live  # noqa: E402
from test_browser import CHROMIUM, LAUNCH_ARGS, Page  # noqa: E402  (the same browser setup)

PASSWORD = "correct horse battery"
WCDA = "wcda-110485"
DOUBTFUL = Record(
    id="test-doubt",
    title="Note on a meeting",
    renditions=(Rendition("translation", "en", "Rusk met Smith and then left."),),
    persons=(PersonLink("p-smith", "John Smith", source="linked by fonds", confidence=0.5,
                        rule="only entry with this name", text="Smith", start=10, end=15, rendition=0),),
)


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[tuple[str, SQLiteStore]]:
    """A real server over a small archive of its own (the tests change it), with an editor `ed`."""
    from argon2 import PasswordHasher

    before = accounts._hasher
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    folder = tmp_path_factory.mktemp("staff-browser")
    store = SQLiteStore(folder / "fonds.db")
    assert ingest(store, [corpus / "wilson-center"]).ok
    store.add([DOUBTFUL], entities=[Entity("p-smith", "John Smith")])
    store.put_user(accounts.new_user("ed", "editor", PASSWORD))
    settings = Settings(db=str(folder / "fonds.db"), index=str(folder / "index"))
    index = Index(settings.index_path)
    index.update(store)
    for address in serve_live(create_app(store, settings, index)):
        yield address, store
    store.close()
    accounts.use_hasher(before)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"chromium is missing at {CHROMIUM}; install it with: apt-get install -y chromium")
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Any, staff_server: tuple[str, SQLiteStore]) -> Iterator[Page]:
    page = Page(browser, staff_server[0])
    yield page
    assert page.errors == [], f"script errors on the page: {page.errors}"
    assert page.dialogs == [], f"dialogs opened: {page.dialogs}"
    page.close()


def log_in(tab: Page) -> None:
    tab.open("/staff/login")
    tab.page.get_by_label("Name").fill("ed")
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Log in").click()
    tab.page.wait_for_url("**/staff/")


def test_edit_a_title_see_the_diff_and_cite_version_1(tab: Page, staff_server: tuple[str, SQLiteStore]) -> None:
    store = staff_server[1]
    log_in(tab)
    assert "Logged in as" in tab.page.locator(".staff-nav").inner_text()
    tab.shoot("staff-home")
    old_title = store.get(WCDA).title
    tab.open(f"/records/{WCDA}")
    tab.page.get_by_role("link", name="Edit this record").click()
    tab.page.wait_for_load_state("load")
    assert tab.axe() == []
    title = tab.page.get_by_label("Title", exact=True)
    assert title.input_value() == old_title
    title.fill(old_title.replace("Kim II Sung", "Kim Il Sung"))
    tab.page.get_by_label("What you changed and why").fill("OCR slip in the title: II is Il")
    tab.shoot("staff-edit")
    tab.page.get_by_role("button", name="Save a new version").click()
    tab.page.wait_for_url(f"**/records/{WCDA}/history")
    assert tab.page.locator(".diff del").first.inner_text() == "II"
    assert tab.page.locator(".diff ins").first.inner_text() == "Il"
    assert "OCR slip in the title" in tab.page.locator("table.versions").inner_text()
    assert tab.axe() == []
    tab.shoot("staff-history-diff")

    tab.page.get_by_role("link", name="Version 1", exact=True).click()
    tab.page.wait_for_url(f"**/records/{WCDA}/v/1")
    assert tab.page.locator("h1").inner_text() == old_title
    assert "an earlier version" in tab.page.locator(".record-meta").inner_text()
    citation = tab.page.locator("#cite-version").input_value()
    assert f"/records/{WCDA}/v/1" in citation and "version 1" in citation and "accessed" in citation
    tab.shoot("staff-version-1")


def test_withdraw_and_see_the_410_page(tab: Page, staff_server: tuple[str, SQLiteStore]) -> None:
    log_in(tab)
    tab.open(f"/staff/records/{WCDA}/edit")
    tab.page.get_by_label("Reason (readers see it)").fill("rights <b>not</b> cleared")
    tab.page.get_by_role("button", name="Withdraw this record").click()
    tab.page.wait_for_load_state("load")
    assert "rights <b>not</b> cleared" in tab.page.locator(".error-box").inner_text()
    reader = Page(tab.context.browser, tab.base)
    try:
        response = reader.open(f"/records/{WCDA}")
        assert response is not None and response.status == 410
        assert "withdrawn" in reader.page.locator(".error-box").inner_text()
        assert reader.page.get_by_role("button", name="Restore this record").count() == 0
        reader.shoot("staff-tombstone-410")
    finally:
        reader.close()
    tab.page.get_by_role("button", name="Restore this record").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.locator("h1").inner_text()
    assert staff_server[1].get(WCDA).id == WCDA


def test_review_a_link(tab: Page, staff_server: tuple[str, SQLiteStore]) -> None:
    log_in(tab)
    tab.open("/staff/review")
    item = tab.page.locator(".review-item", has_text="Note on a meeting")
    assert "only entry with this name" in item.inner_text() and "0.50" in item.inner_text()
    assert item.locator("mark").inner_text() == "Smith"
    tab.shoot("staff-review")
    item.get_by_role("button", name="Reject").click()
    tab.page.wait_for_url("**/staff/review")
    assert tab.page.locator(".review-item", has_text="Note on a meeting").count() == 0
    assert staff_server[1].get("test-doubt").persons == ()


def test_attach_a_scan_in_the_browser_and_watch_the_job(tab: Page, staff_server: tuple[str, SQLiteStore], corpus: Path,
                                                        tmp_path: Path) -> None:
    log_in(tab)
    tab.open(f"/records/{WCDA}")
    tab.page.get_by_role("link", name="Attach a file").click()
    tab.page.wait_for_load_state("load")
    assert tab.axe() == []
    tab.page.get_by_label("File or files").set_input_files(str(corpus / "scans" / "176-10036-10027_ocr.pdf"))
    tab.page.get_by_label("scan").check()
    tab.page.get_by_label("Language").fill("en")
    tab.page.get_by_label("Note for the history").fill("the scan of the memo")
    tab.shoot("staff-attach-form")
    tab.page.get_by_role("button", name="Upload and attach").click()
    tab.page.wait_for_url("**/staff/jobs/*")
    status = tab.page.locator(".job")
    # The page reloads itself until the job is over; wait for the finished state itself (the queued
    # message, "...as soon as any upload before it is done", also holds the word "done").
    tab.page.locator(".job.job-done").wait_for(timeout=120_000)
    assert "2 pages" in status.inner_text() and "2 pages from the text layer" in status.inner_text()
    assert tab.axe() == []
    tab.shoot("staff-attach-done")
    tab.page.get_by_role("link", name="Read the record").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.locator('.pane[data-pane="scan"]').count() == 1
    versions = staff_server[1].versions(WCDA)
    assert versions[-1].agent == "user ed" and versions[-1].note == "the scan of the memo"
    # A damaged file is refused on the form, with its message.
    tab.page.goto(tab.base + f"/staff/records/{WCDA}/attach")
    broken = tmp_path / "fonds-broken-upload.pdf"
    broken.write_bytes((corpus / "scans" / "176-10036-10027_ocr.pdf").read_bytes()[:2000])
    tab.page.get_by_label("File or files").set_input_files(str(broken))
    tab.page.get_by_label("scan").check()
    tab.page.get_by_role("button", name="Upload and attach").click()
    tab.page.wait_for_load_state("load")
    assert "fonds-broken-upload.pdf: the PDF is damaged" in tab.page.locator(".error-box").inner_text()
    tab.shoot("staff-attach-refused")


def test_an_ocr_upload_shows_its_progress_then_its_result(tab: Page, staff_server: tuple[str, SQLiteStore],
                                                          belovezha_page_pdf: Path) -> None:
    log_in(tab)
    tab.open(f"/staff/records/{WCDA}/attach")
    tab.page.get_by_label("File or files").set_input_files(str(belovezha_page_pdf))
    tab.page.get_by_label("scan").check()
    tab.page.get_by_label("Language").fill("ru")
    tab.page.get_by_role("button", name="Upload and attach").click()
    tab.page.wait_for_url("**/staff/jobs/*")
    status = tab.page.locator(".job").inner_text()
    assert status.startswith(("Queued", "Working", "Done")), status  # the request did not wait for the OCR
    tab.shoot("staff-attach-working")
    tab.page.locator(".job.job-done").wait_for(timeout=120_000)
    assert "1 OCRed" in tab.page.locator(".job").inner_text()
    transcript = next(r for r in staff_server[1].get(WCDA).renditions
                      if r.kind == "transcript" and r.maker is not None and r.maker.role == "ocr")
    assert "Беларусь" in transcript.text and transcript.words is not None
