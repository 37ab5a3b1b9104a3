"""The reading room as a historian meets it (issue 16), in Debian's chromium driven by Playwright.

Every page type at 1280 px and at 390 px (a phone): it loads with a title that names it,
nothing scrolls sideways, the console stays clean, axe finds no serious or critical
violation, and a screenshot is saved to test-artifacts/ (`NAME-1280.png`, `NAME-390.png`).
Then the journeys: a volume's contents in printed order, a FRUS document's place and its
neighbours, facets with any character and folded lists, the phone's filters button, the
person page's names and network, the about page, and OAI-PMH shown through its stylesheet.
"""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import quote

import pytest

from test_browser import Page, browser  # noqa: F401 - the module's browser fixture

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
KHRUSHCHEV = "frus:frus1961-63v06#p_KNS2"
# name, path, words the page title must hold
PAGES = [
    ("home", "/", "fonds archive"),
    ("search", "/search?q=Khrushchev", "Khrushchev"),
    ("search-filtered", "/search?q=Korea&filter=type%3ATelegram", "Korea"),
    ("record-wilson-center", "/records/wcda-110485", "Memorandum of Conversation"),
    ("record-frus", "/records/frus1961-63v06-d66", "Letter From Chairman Khrushchev"),
    ("collection-volume", "/collections/frus1958-60v18", "Volume XVIII"),
    ("collection-project", "/collections/NKIDP", "North Korea International Documentation Project"),
    ("browse", "/browse", "Browse"),
    ("about", "/about", "About"),
    ("error-404", "/records/no-such-record", "Not found"),
    ("error-400", "/search?q=%22unclosed", "search could not be run"),
]


@pytest.fixture
def desk(browser: Any, shelf_server: str) -> Iterator[Any]:  # noqa: F811
    """Opens tabs of a given width on the shelf's server; checks each for script and console errors."""
    opened: list[Page] = []

    def open_tab(width: int = 1280) -> Page:
        tab = Page(browser, shelf_server, width)
        opened.append(tab)
        return tab

    yield open_tab
    for tab in opened:
        assert tab.errors == [], f"script errors: {tab.errors}"
        assert tab.unexpected_console_errors == [], f"console errors: {tab.unexpected_console_errors}"
        tab.close()


def sideways_scroll(tab: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return int(tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "path", "title"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_type(desk: Any, name: str, path: str, title: str, width: int) -> None:
    tab = desk(width)
    response = tab.open(path)
    assert response.status == (404 if name == "error-404" else 400 if name == "error-400" else 200)
    page_title = tab.page.title()
    assert title.lower() in page_title.lower(), page_title
    heading = tab.page.locator("h1").first.inner_text()
    assert heading and not any(code in heading for code in ("400", "404")), heading
    assert tab.page.locator("link[rel=icon]").count() == 1
    assert sideways_scroll(tab) <= 0, f"{path} scrolls sideways at {width} px"
    tab.shoot(f"{name}-{width}")
    if width == 1280:
        assert tab.axe() == []
