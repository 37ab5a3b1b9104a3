"""Proposals and repository merges in a real browser (Debian's chromium through Playwright): a
contributor proposes a title correction, an editor accepts it, the history names both; an editor
merges a repository and an old facet link still finds the record. Screenshots go to
test-artifacts/proposal-*.png."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds import accounts
from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import create_app
from fonds.web.pages import filter_href

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

from conftest import serve_live  # noqa: E402
from test_browser import Page  # noqa: E402  (the same browser setup)
from test_staff_browser import PASSWORD, WCDA, browser  # noqa: E402,F401  (the browser fixture)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[tuple[str, SQLiteStore, Index]]:
    """A real server over a small archive of its own: the Wilson Center record, an editor `ed` and a
    contributor `con`; and the server's index (the tests catch it up as `serve`'s follower would)."""
    from argon2 import PasswordHasher

    before = accounts._hasher
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    folder = tmp_path_factory.mktemp("proposals-browser")
    store = SQLiteStore(folder / "fonds.db")
    assert ingest(store, [corpus / "wilson-center"]).ok
    store.put_user(accounts.new_user("ed", "editor", PASSWORD))
    store.put_user(accounts.new_user("con", "contributor", PASSWORD))
    settings = Settings(db=str(folder / "fonds.db"), index=str(folder / "index"))
    index = Index(settings.index_path)
    index.update(store)
    for address in serve_live(create_app(store, settings, index)):
        yield address, store, index
    store.close()
    accounts.use_hasher(before)


@pytest.fixture(scope="module")
def server(served: tuple[str, SQLiteStore, Index]) -> tuple[str, SQLiteStore]:
    return served[0], served[1]


@pytest.fixture
def visitor(browser: Any, server: tuple[str, SQLiteStore]) -> Iterator[Any]:
    """Makes tabs of their own (a cookie jar each: two people), closed and checked after the test."""
    tabs: list[Page] = []

    def make() -> Page:
        tabs.append(Page(browser, server[0]))
        return tabs[-1]

    yield make
    for tab in tabs:
        assert tab.errors == [], f"script errors on the page: {tab.errors}"
        assert tab.dialogs == [], f"dialogs opened: {tab.dialogs}"
        tab.close()


def log_in(tab: Page, name: str) -> None:
    tab.open("/staff/login")
    tab.page.get_by_label("Name").fill(name)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Log in").click()
    tab.page.wait_for_url("**/staff/")


def test_a_contributor_proposes_a_title_correction_and_an_editor_accepts_it(
    visitor: Any, server: tuple[str, SQLiteStore]
) -> None:
    store = server[1]
    old_title = store.get(WCDA).title
    new_title = old_title + " [corrected]"
    con = visitor()
    log_in(con, "con")
    con.open(f"/records/{WCDA}")
    con.page.get_by_role("link", name="Edit this record").click()
    con.page.wait_for_load_state("load")
    con.page.get_by_label("Title", exact=True).fill(new_title)
    con.page.get_by_label("What you changed and why").fill("the translator's bracketed correction was missing")
    con.page.get_by_role("button", name="Propose this change").click()
    con.page.wait_for_url("**/staff/proposals/*")
    assert con.page.locator(".diff ins").first.inner_text().strip() == "[corrected]"
    assert con.page.get_by_role("button", name="Accept as a new version").count() == 0  # a contributor may not
    assert con.axe() == []
    con.shoot("proposal-contributor")
    assert store.get(WCDA).title == old_title

    ed = visitor()
    log_in(ed, "ed")
    ed.open("/staff/proposals")
    item = ed.page.locator(".proposals-open li", has_text="bracketed correction")
    assert "con" in item.inner_text()
    ed.shoot("proposal-queue")
    item.get_by_role("link", name="Proposal").click()
    ed.page.wait_for_url("**/staff/proposals/*")
    assert ed.axe() == []
    ed.shoot("proposal-editor")
    ed.page.get_by_label("Reason").fill("checked against the original")
    ed.page.get_by_role("button", name="Accept as a new version").click()
    ed.page.wait_for_url("**/staff/proposals/*")
    assert "Accepted by user ed" in ed.page.locator(".notice").inner_text()
    ed.page.get_by_role("link", name="version 2").first.click()
    ed.page.wait_for_url(f"**/records/{WCDA}/v/2")
    ed.open(f"/records/{WCDA}/history")
    versions = ed.page.locator("table.versions").inner_text()
    assert "user con, accepted by user ed" in versions and "bracketed correction" in versions
    assert ed.page.locator(".diff ins").first.inner_text().strip() == "[corrected]"
    ed.shoot("proposal-history")
    assert store.get(WCDA).title == new_title

    con.open("/staff/proposals")
    assert "accepted" in con.page.locator(".proposals-decided").inner_text()


def test_an_editor_merges_a_repository_and_an_old_facet_link_still_finds_the_record(
    visitor: Any, served: tuple[str, SQLiteStore, Index]
) -> None:
    store, index = served[1], served[2]
    record = store.get(WCDA)
    rgani = "Russian State Archive of Contemporary History"
    store.add([replace(record, source=replace(record.source, repository=rgani, repository_code="RGANI"))])
    ed = visitor()
    log_in(ed, "ed")
    ed.open("/staff/repositories")
    ed.page.get_by_role("link", name=rgani).click()
    ed.page.wait_for_url("**/staff/repositories/repo*RGANI")
    ed.page.get_by_label("Repository to keep").fill("GARF")
    ed.shoot("proposal-repository-merge")
    ed.page.get_by_role("button", name="Merge").click()
    ed.page.wait_for_url("**/staff/repositories/repo*GARF")
    assert "merged" in ed.page.locator(".hint", has_text="Retired names").inner_text()
    assert store.get(WCDA).source.repository == "State Archive of the Russian Federation"
    index.update(store)  # as the server's follower does
    reader = visitor()
    reader.open(filter_href("repository", rgani))  # an old facet link
    assert "filter=repository%3AState+Archive+of+the+Russian+Federation" in reader.page.url
    assert reader.page.locator(f'a[href="/records/{WCDA}"]').count() >= 1
    reader.shoot("proposal-repository-facet")
