"""The reading room in a real browser: Debian's chromium driven by Playwright, against a real server.

Journeys: search, click a facet, open a record, switch tabs, toggle editorial marks,
copy a citation, open a person page; hostile records run nothing; axe-core finds no
serious or critical violation on any page. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "src" / "fonds" / "web" / "static" / "vendor" / "axe.min.js"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
KHRUSHCHEV = "frus:frus1961-63v06#p_KNS2"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"chromium is missing at {CHROMIUM}; install it with: apt-get install -y chromium")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Page:
    """A browser tab that records dialogs and script errors, so a test can say none happened."""

    def __init__(self, browser: Any, base: str, width: int = 1280) -> None:
        self.base = base
        self.width = width
        self.context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.console_errors: list[str] = []  # failed loads (a missing favicon), CSP refusals, script errors
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.expected_statuses: set[int] = set()

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        if response is not None and response.status >= 400:
            self.expected_statuses.add(response.status)  # the console reports an error page's own status
        return response

    @property
    def unexpected_console_errors(self) -> list[str]:
        own = tuple(f"status of {n}" for n in self.expected_statuses)
        return [m for m in self.console_errors if not any(o in m for o in own)]

    def shoot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def axe(self) -> list[dict[str, Any]]:
        """Serious and critical accessibility violations found by axe-core on the current page."""
        if not AXE.exists():
            pytest.fail(f"axe-core is missing at {AXE}; run: make assets")
        self.page.add_script_tag(url="/static/vendor/axe.min.js")
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, live_server: str) -> Iterator[Page]:
    page = Page(browser, live_server)
    yield page
    assert page.errors == [], f"script errors on the page: {page.errors}"
    assert page.unexpected_console_errors == [], f"console errors: {page.unexpected_console_errors}"
    page.close()


def test_search_then_facet_then_record(tab: Page) -> None:
    tab.open("/")
    tab.shoot("home")
    tab.page.get_by_label("Search the documents").fill("Khrushchev")
    tab.page.get_by_role("button", name="Search", exact=True).first.click()
    tab.page.wait_for_url("**/search?q=Khrushchev*")
    heading = tab.page.locator("#h-results").inner_text()
    total = int(heading.split()[0])
    assert total > 1
    assert tab.page.locator(".hit mark").count() > 0, "hits are highlighted"
    tab.shoot("search")

    # A facet narrows the search and shows as active; following it again takes it off.
    facet = tab.page.locator("#facet-type + ul a.facet-link").first
    facet_name = facet.locator(".facet-name").inner_text()
    facet.click()
    tab.page.wait_for_load_state("load")
    assert "filter=type" in tab.page.url
    assert tab.page.get_by_label("Search for").input_value() == "Khrushchev", "the query text stays as typed"
    assert facet_name in tab.page.locator(".active-filters").inner_text(), "the filter is listed as on"
    active = tab.page.locator("a.facet-link.active")
    assert active.count() == 1 and facet_name in active.inner_text()
    narrowed = int(tab.page.locator("#h-results").inner_text().split()[0])
    assert 0 < narrowed <= total
    tab.shoot("search-facet")
    active.click()
    tab.page.wait_for_load_state("load")
    assert int(tab.page.locator("#h-results").inner_text().split()[0]) == total

    tab.page.locator(".hit-title a").first.click()
    tab.page.wait_for_load_state("load")
    assert tab.page.url.startswith(tab.base + "/records/")
    assert tab.page.locator("h1").inner_text()


def test_histogram_and_sorting(tab: Page) -> None:
    tab.open("/search?q=Kennedy")
    bars = tab.page.locator(".histogram a.bar")
    assert bars.count() >= 2
    bars.first.click()
    tab.page.wait_for_load_state("load")
    year = tab.page.get_by_label("from").input_value()
    assert year and year == tab.page.get_by_label("to").input_value()
    tab.page.get_by_label("Sort by").select_option("date")
    tab.page.locator(".search-form button[type=submit]").click()
    tab.page.wait_for_load_state("load")
    dates = tab.page.locator(".hit-meta").all_inner_texts()
    assert dates and all(year in d for d in dates)


def test_record_tabs_marks_and_citation(tab: Page) -> None:
    tab.open("/records/hostile-1")  # two renditions, supplied words, a gap, a note
    tabs = tab.page.get_by_role("tab")
    assert tabs.count() == 2
    first, second = tab.page.locator("#rendition-0"), tab.page.locator("#rendition-1")
    assert first.is_visible() and not second.is_visible()
    tabs.nth(1).click()
    assert second.is_visible() and not first.is_visible()
    tabs.nth(1).press("ArrowLeft")
    assert first.is_visible()
    assert tab.page.evaluate("document.activeElement.getAttribute('role')") == "tab"

    supplied = tab.page.locator("#rendition-0 .mark-supplied").first
    assert supplied.is_visible()
    tab.page.get_by_label("Show words the translator supplied").uncheck()
    assert not supplied.is_visible()
    assert tab.page.locator("#rendition-0 .mark-gap").first.is_visible(), "gaps stay shown"
    tab.page.get_by_label("Show words the translator supplied").check()
    assert supplied.is_visible()


def test_wilson_center_record_and_copy_citation(tab: Page) -> None:
    tab.open("/records/wcda-110485")
    assert tab.page.locator("h1").inner_text().startswith("Memorandum of Conversation")
    assert tab.page.locator(".text .mark-alternate .alt-form").first.inner_text() == "[Pak Song Chol]"
    assert tab.page.locator(".text .mark-supplied").count() >= 3
    tab.shoot("record-wilson-center")
    note = tab.page.locator("#cite-chicago-note")
    expected = note.inner_text()
    assert expected.startswith("“Memorandum of Conversation between") and "obtained and translated for NKIDP by Sergey Radchenko" in expected
    tab.page.locator("#h-cite").scroll_into_view_if_needed()
    tab.shoot("record-cite-box")
    button = tab.page.get_by_role("button", name="Copy Chicago note")
    button.click()
    tab.page.get_by_text("Copied.").first.wait_for()
    copied = tab.page.evaluate("navigator.clipboard.readText()")
    assert copied == expected
    tab.page.get_by_role("button", name="Copy BibTeX").click()
    tab.page.wait_for_function("navigator.clipboard.readText().then(t => t.startsWith('@misc'))")
    for label, start in (("BibTeX (.bib)", "@misc{wcda-110485,"), ("Chicago note and bibliography (.txt)", "“Memorandum")):
        download = tab.page.locator("a.download").filter(has_text=label)
        with tab.page.expect_download() as info:
            download.click()
        assert Path(info.value.path()).read_text(encoding="utf-8").startswith(start)
        info.value.delete()


def test_frus_record_notes_and_persons(tab: Page) -> None:
    tab.open("/records/frus1961-63v06-d10")
    assert tab.page.locator(".noteref").count() >= 1
    tab.page.locator(".noteref a").first.click()
    assert tab.page.url.endswith("#note-0-1")
    assert tab.page.locator("nav.prev-next a").count() == 2
    tab.shoot("record-frus")
    tab.page.locator("#h-persons + ul a", has_text="Khrushchev").first.click()
    tab.page.wait_for_load_state("load")
    assert "Khrushchev" in tab.page.locator("h1").inner_text()
    assert tab.page.locator(".timeline > li").count() >= 2
    assert tab.page.locator(".companions li").count() >= 3
    tab.shoot("person")


def test_browse_and_about(tab: Page) -> None:
    tab.open("/browse")
    for level in ("fond 0102", "opis 18", "papka 93", "delo 5"):
        tab.page.locator("details summary", has_text=level).first.click()
    assert tab.page.get_by_role("link", name="Memorandum of Conversation between Soviet Ambassador", exact=False).first.is_visible()
    tab.shoot("browse")
    tab.open("/about")
    tab.shoot("about")


def test_errors_are_pages(tab: Page) -> None:
    response = tab.open("/records/no-such-record")
    assert response.status == 404
    assert "no record" in tab.page.locator("[role=alert]").inner_text()
    tab.shoot("error-404")
    response = tab.open("/search?q=%22unclosed")
    assert response.status == 400
    assert "unclosed quote" in (tab.page.locator("[role=alert]").text_content() or "")
    assert tab.page.get_by_label("Change your search").input_value() == '"unclosed'
    tab.shoot("error-400")


@pytest.mark.parametrize(
    "path", ["/records/hostile-1", "/records/wcda-999999", "/search?q=hostile", "/search?q=alert", "/browse",
             "/persons/" + quote('p"><script>alert(5)</script>', safe="")]
)
def test_hostile_records_run_nothing(tab: Page, path: str) -> None:
    tab.open(path)
    title = tab.page.title()
    tab.page.evaluate(
        """() => document.querySelectorAll('*').forEach(element => {
            for (const kind of ['mouseover', 'mouseenter', 'focus', 'click']) {
                if (kind === 'click' && element.closest('a, button, form, summary')) continue;
                element.dispatchEvent(new Event(kind, {bubbles: true}));
            }
        })"""
    )
    tab.page.wait_for_timeout(200)
    assert tab.dialogs == []
    assert tab.page.title() == title and "pwned" not in title
    assert tab.page.evaluate("document.querySelectorAll('img[onerror], [onmouseover]').length") == 0
    if path == "/records/hostile-1":
        assert '<script>alert("x")</script>' in tab.page.locator("h1").inner_text()
        tab.shoot("record-hostile")


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=Khrushchev", "/search?q=lang:ru", "/records/wcda-110485", "/records/frus1961-63v06-d10",
     "/records/hostile-1", "/persons/" + quote(KHRUSHCHEV, safe=""), "/browse", "/about", "/records/nothing-here",
     "/search?q=%22oops"],
)
def test_accessibility(tab: Page, path: str) -> None:
    tab.open(path)
    violations = tab.axe()
    assert violations == [], violations


def test_keyboard_reaches_the_content(tab: Page) -> None:
    tab.open("/search?q=Kennedy")
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.textContent") == "Skip to content"
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main"
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.id") == "q"


def test_frus_cite_box_formats_italics_and_copies_each_citation(tab: Page) -> None:
    tab.open("/records/frus1961-63v06-d66")
    note = tab.page.locator("#cite-chicago-note")
    assert note.locator("i").first.inner_text() == "Foreign Relations of the United States, 1961–1963"
    assert ", doc. 66, " in note.inner_text()
    tab.page.get_by_role("button", name="Copy Chicago bibliography").click()
    tab.page.wait_for_function(
        "navigator.clipboard.readText().then(t => t.startsWith('“Letter from Chairman Khrushchev'))"
    )
    tab.page.get_by_text("Show RIS").click()
    assert tab.page.locator("#cite-ris").inner_text().startswith("TY  - CHAP")
    assert tab.axe() == []
    tab.page.locator("#h-cite").scroll_into_view_if_needed()
    tab.shoot("record-frus-cite-box")
    tab.page.set_viewport_size({"width": 390, "height": 844})
    assert tab.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab.shoot("record-frus-cite-box-390")


def test_a_search_of_many_records_shows_its_hits_then_its_filters(tab: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    from fonds import facet_counts

    monkeypatch.setattr(facet_counts, "INLINE_HITS", 2)  # this small archive's searches count as many records
    query = 'Kennedy OR Khrushchev OR "no such phrase for the browser facets"'
    plain = tab.context.browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:  # without the script: the hits, and a link to the counts in place of the filters
        page = plain.new_page()
        page.goto(tab.base + "/search?q=" + quote(query))
        assert page.locator(".hit").count() > 0 and page.locator("a.facet-link").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-facets-pending-no-script.png"), full_page=False)
        page.get_by_role("link", name="Show the filters and their counts").click()
        page.wait_for_load_state("load")
        assert "facets=always" in page.url and page.locator("a.facet-link").count() > 0
    finally:
        plain.close()
    tab.open("/search?q=" + quote(query))
    tab.page.locator("#facet-type + ul a.facet-link").first.wait_for(timeout=10_000)
    assert tab.page.locator(".facets-pending").count() == 0, "the script put the counted filters in"
    assert tab.page.locator(".histogram a.bar").count() >= 2, "and the histogram by year"
    tab.shoot("search-facets-after-hits")
    facet = tab.page.locator("#facet-language + ul a.facet-link").first
    count = int(facet.locator(".count").inner_text())
    facet.click()
    tab.page.wait_for_load_state("load")
    assert int(tab.page.locator("#h-results").inner_text().split()[0]) == count, "the count was exact"
