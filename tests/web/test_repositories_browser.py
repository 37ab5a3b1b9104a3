"""Repository split and add in a real browser (Debian's chromium through Playwright): an editor
merges RGANI into GARF by mistake and splits it out again from GARF's page; adds a repository,
first with a code that is taken (the problem shown at its field), then right. Screenshots go to
test-artifacts/repository-*.png."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from fonds.index import Index
from fonds.store.sqlite import SQLiteStore

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

from test_proposals_browser import log_in, served, server, visitor  # noqa: E402,F401  (the same live server)
from test_staff_browser import WCDA, browser  # noqa: E402,F401  (the browser fixture)

RGANI = "Russian State Archive of Contemporary History"


def test_an_editor_splits_a_wrongly_merged_repository_and_adds_one(
    visitor: Any, served: tuple[str, SQLiteStore, Index]
) -> None:
    store = served[1]
    record = store.get(WCDA)
    store.add([replace(record, source=replace(record.source, repository=RGANI, repository_code="RGANI"))])
    ed = visitor()
    log_in(ed, "ed")
    ed.open("/staff/repositories/repo:RGANI")
    ed.page.get_by_label("Repository to keep").fill("GARF")
    ed.page.get_by_role("button", name="Merge").click()
    ed.page.wait_for_url("**/staff/repositories/repo*GARF")
    assert "Merged into this repository" in ed.page.content()
    assert ed.axe() == []
    ed.shoot("repository-split")
    ed.page.get_by_role("button", name=f"Split out {RGANI}").click()
    ed.page.wait_for_url("**/staff/repositories/repo*RGANI")
    assert ed.page.locator("h1").inner_text() == f"Edit {RGANI}"
    assert store.get(WCDA).source.repository == RGANI

    ed.open("/staff/repositories")
    ed.page.locator("#a-code").fill("GARF")
    ed.page.locator("#a-name").fill("State Archive of the Kyiv Oblast")
    ed.page.get_by_role("button", name="Add").click()
    problem = ed.page.locator("#a-code-problem")
    assert "is already repository repo:GARF" in problem.inner_text()
    assert ed.page.locator("#a-name").input_value() == "State Archive of the Kyiv Oblast"  # what was typed stays
    assert ed.axe() == []
    ed.shoot("repository-add-problem")
    ed.page.locator("#a-code").fill("GAKO")
    ed.page.get_by_role("button", name="Add").click()
    ed.page.wait_for_url("**/staff/repositories/repo*GAKO")
    assert "repo:GAKO" in ed.page.content()
