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

from conftest import LONG_NAME, PERSON_ID, QUOTED_TYPE
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
    ("person", "/persons/" + quote(KHRUSHCHEV, safe=""), "Khrushchev"),
    ("person-many-names", "/persons/" + quote(PERSON_ID, safe=""), "Münchhausen"),
    ("collection-volume", "/collections/frus1958-60v18", "Volume XVIII"),
    ("collection-project", "/collections/NKIDP", "North Korea International Documentation Project"),
    ("browse", "/browse", "Browse"),
    ("about", "/about", "About"),
    ("oai-identify", "/oai?verb=Identify", "OAI-PMH: Identify"),
    ("oai-list-records", "/oai?verb=ListRecords&metadataPrefix=oai_dc", "OAI-PMH: ListRecords"),
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


def facet_names(tab: Page, group: str) -> list[str]:
    return [n.strip() for n in tab.page.locator(f"#facet-{group} ~ * .facet-name, #facet-{group} + ul .facet-name")
            .all_text_contents()]


def test_a_volume_reads_in_printed_order_and_its_documents_follow_it(desk: Any) -> None:
    tab = desk()
    tab.open("/browse")
    tab.page.get_by_role("link", name="Foreign Relations of the United States, 1961–1963, Volume VI",
                         exact=False).first.click()
    tab.page.wait_for_load_state("load")
    assert tab.page.url.endswith("/collections/frus1961-63v06")
    labels = tab.page.locator(".doc-number").all_inner_texts()
    assert labels[:3] == ["Document 1", "Document 2", "Document 3"] and "Document 66" in labels
    assert [int(x.split()[1]) for x in labels] == sorted(int(x.split()[1]) for x in labels)
    tab.page.locator(".toc-items > li", has=tab.page.locator(".doc-number", has_text="Document 66")).get_by_role(
        "link").click()
    tab.page.wait_for_load_state("load")
    placement = tab.page.get_by_role("navigation", name="Where this document is printed")
    assert "Volume VI" in placement.inner_text() and "Document 66" in placement.inner_text()
    source = tab.page.locator(".source-note")
    assert source.is_visible() and "Lot 66 D 204" in source.inner_text(), "the source note is in view"
    tab.page.locator("a[rel=next]").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.url.endswith("/records/frus1961-63v06-d67")
    tab.page.locator("a[rel=prev]").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.url.endswith("/records/frus1961-63v06-d66")


def test_two_korea_chapters_are_told_apart(desk: Any) -> None:
    tab = desk()
    tab.open("/search?q=Korea")
    more = tab.page.locator("#facet-collection ~ details.more summary")
    if more.count():
        more.click()
    names = [n.strip() for n in tab.page.locator("section[aria-labelledby=facet-collection] .facet-name").all_text_contents()]
    assert len(names) == len(set(names)), names
    assert "Korea (FRUS 1958–1960, vol. XVIII)" in names


@pytest.mark.parametrize("width", WIDTHS)
def test_a_facet_value_with_quotes_is_selectable_and_no_name_is_cut(desk: Any, width: int) -> None:
    tab = desk(width)
    tab.open("/search?filter=collection%3ASHELF")
    if width == 390:
        tab.page.get_by_text("Filters", exact=False).first.click()
    group = tab.page.locator("section[aria-labelledby=facet-type]")
    group.locator("details.more summary").click()
    value = group.locator(".facet-link", has_text=QUOTED_TYPE)
    assert value.locator(".facet-name").inner_text() == QUOTED_TYPE
    clipped = tab.page.evaluate(
        """() => [...document.querySelectorAll('.facet-name, .companions a, .hit-title a')]
              .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
    )
    assert clipped == [], f"names cut or clipped: {clipped}"
    value.click()
    tab.page.wait_for_load_state("load")
    assert tab.page.locator("#h-results").inner_text().startswith("1 record")
    assert QUOTED_TYPE in tab.page.locator(".active-filters").inner_text()
    assert tab.page.locator(".hit-meta").inner_text().count(QUOTED_TYPE) == 1


def test_on_a_phone_results_come_first_and_filters_wait_behind_a_button(desk: Any) -> None:
    tab = desk(390)
    tab.open("/search?q=Khrushchev")
    button = tab.page.locator("summary.refine-toggle")
    facets = tab.page.locator("aside.facets")
    first_hit = tab.page.locator(".hit").first
    assert button.is_visible() and not facets.is_visible()
    assert first_hit.bounding_box()["y"] < 900, "the first hit is on the first screen"
    button.click()
    assert facets.is_visible()
    tab.page.locator("section[aria-labelledby=facet-language] .facet-link").first.click()
    tab.page.wait_for_load_state("load")
    assert "filter=lang" in tab.page.url and tab.page.locator(".active-filters").is_visible()
    assert "(1 on)" in button.inner_text()
    assert sideways_scroll(tab) <= 0
    tab.shoot("search-phone-filters-open-390")
    wide = desk(1280)
    wide.open("/search?q=Khrushchev")
    assert wide.page.locator("aside.facets").is_visible(), "on a wide screen the filters stay beside the results"
    assert not wide.page.locator("summary.refine-toggle").is_visible()


def test_person_names_sources_years_and_network(desk: Any) -> None:
    tab = desk()
    tab.open("/persons/" + quote(PERSON_ID, safe=""))
    groups = {h.strip() for h in tab.page.locator(".name-group h3").all_inner_texts()}
    assert groups == {"Preferred form", "Original scripts", "Romanizations and transliterations",
                      "Spellings in documents"}
    original = tab.page.locator("section[aria-labelledby=names-original]").inner_text()
    assert "Иероним Карл Фридрих фон Мюнхгаузен" in original
    printed = tab.page.locator("section[aria-labelledby=names-printed]").inner_text()
    assert "Baron Munchausen" in printed and "Münchhausen" in printed
    sources = tab.page.locator(".sources")
    assert "FRUS 1961–1963, vol. VI: persons" in sources.inner_text()
    assert "https://" not in sources.inner_text(), "sources read as short labels"
    assert sources.locator("a[href^='https://source0.example.org']").count() == 1
    folded = sources.locator("details.more")
    assert not folded.locator("a").first.is_visible(), "a long source list folds"
    folded.locator("summary").click()
    assert folded.locator("a").first.is_visible()
    years = tab.page.locator(".bars.small .bar-year").all_inner_texts()
    assert years == ["1958", "1959", "1960", "1961"], "empty years are shown"
    assert "no documents" in tab.page.locator("#year-1959").inner_text()

    tab.open("/persons/" + quote(KHRUSHCHEV, safe=""))
    for width in WIDTHS:
        tab.page.set_viewport_size({"width": width, "height": 900})
        outside = tab.page.evaluate(
            """() => { const svg = document.querySelector('svg.network'); const box = svg.viewBox.baseVal;
                return [...svg.querySelectorAll('text')].filter(t => { const b = t.getBBox();
                  return b.x < box.x || b.y < box.y || b.x + b.width > box.x + box.width
                      || b.y + b.height > box.y + box.height; }).map(t => t.textContent); }"""
        )
        assert outside == [], f"labels clipped at {width} px: {outside}"
    labels = tab.page.locator("svg.network text").all_text_contents()
    listed = tab.page.get_by_role("list", name="Khrushchev, Nikita S. and the people named most often in the same "
                                               "documents").locator("li > a").all_inner_texts()
    assert labels == listed and all("…" not in name for name in labels), "whole names, also in a list"
    assert tab.page.locator("svg.network").get_attribute("aria-hidden") == "true"


def test_long_names_in_the_network_are_whole(desk: Any) -> None:
    tab = desk(390)
    tab.open("/persons/" + quote(KHRUSHCHEV, safe=""))
    assert LONG_NAME in tab.page.locator("svg.network").inner_html()
    assert sideways_scroll(tab) <= 0


def test_about_says_where_records_come_from_and_how_to_reach_us(desk: Any) -> None:
    tab = desk()
    tab.open("/about")
    text = tab.page.locator("main").inner_text()
    for needed in ("Wilson Center Digital Archive", "Office of the Historian", "Rights:", "No Copyright",
                   "Report an error", "How to cite"):
        assert needed in text, needed
    oai = tab.page.locator("a[href$='/oai?verb=Identify']")
    assert oai.inner_text().endswith("/oai")
    assert tab.page.locator("a[href$='/openapi.json']").count() == 1
    oai.click()
    tab.page.wait_for_load_state("load")
    assert tab.page.locator("h1").inner_text() == "Identify", "OAI-PMH is shown through its stylesheet"
    assert "repositoryName" in tab.page.locator("main").inner_text()
    tab.page.get_by_role("link", name="ListRecords").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.locator(".oai-list > li").count() > 0
    assert tab.axe() == []


def test_sorting_by_date_sorts_by_time_of_day_too(desk: Any) -> None:
    tab = desk()
    tab.open("/search?q=Clockwork")
    tab.page.get_by_label("Sort by").select_option("date")
    tab.page.locator(".search-form button[type=submit]").click()
    tab.page.wait_for_load_state("load")
    titles = tab.page.locator(".hit-title").all_inner_texts()
    assert titles == ["Clock telegram sent at 9:30 a.m.", "Clock telegram sent at 12:15 p.m.",
                      "Clock telegram sent at 6 p.m."]
    tab.page.get_by_label("Sort by").select_option("-date")
    tab.page.locator(".search-form button[type=submit]").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.locator(".hit-title").all_inner_texts() == titles[::-1]
    assert "June 5, 1962, 9:30 a.m." in tab.page.locator(".results").inner_text()
