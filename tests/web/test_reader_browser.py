"""The reader in a real browser (1280 px and 390 px wide, and without JavaScript).

Screenshots go to test-artifacts/reader-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

from test_browser import browser  # noqa: E402,F401 - the one browser setup (Debian chromium, its flags)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "src" / "fonds" / "web" / "static" / "vendor" / "axe.min.js"
RECORD = "/records/sample-belovezha-1991"
PAGED = "/records/wcda-900002"


def open_page(browser: Any, base: str, path: str, *, width: int = 1280, height: int = 900, script: bool = True) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=script)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(base + path)
    page.wait_for_load_state("load")
    return page


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#reader").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"reader-{name}.png"))


def box(page: Any, selector: str) -> dict[str, float]:
    found: dict[str, float] = page.locator(selector).bounding_box()
    return found


def test_side_by_side_with_deep_zoom_and_aligned_paragraphs(browser: Any, reader_server: str) -> None:
    page = open_page(browser, reader_server, RECORD)
    page.wait_for_selector(".osd .openseadragon-canvas canvas")  # OpenSeadragon drew the scan
    scan, transcript, translation = (box(page, f".pane[data-pane='{k}']") for k in ("scan", "transcript", "translation"))
    assert scan["x"] < transcript["x"] < translation["x"]  # side by side, in this order
    assert abs(scan["y"] - translation["y"]) < 5
    assert page.locator(".machine-made").inner_text().startswith("Machine-made text: OCR by tesseract")
    # Pointing at a transcript paragraph lights it and its translation together.
    russian = page.locator(".pane[data-pane='transcript'] .para", has_text="Республика Беларусь").first
    russian.hover()
    group = russian.get_attribute("data-group")
    english = page.locator(f".pane[data-pane='translation'] .para[data-group='{group}']")
    assert english.count() >= 1
    assert "aligned" in (english.first.get_attribute("class") or "")
    assert "Republic of Belarus" in english.first.inner_text()
    shoot(page, "1280")
    # Switching a pane off gives its room to the others.
    page.get_by_role("checkbox", name="Scan (Russian)").uncheck()
    assert page.locator(".pane[data-pane='scan']").is_hidden()
    assert box(page, ".pane[data-pane='transcript']")["width"] > transcript["width"] * 1.3
    assert page.errors == []
    page.context.close()


def test_keyboard_focus_aligns_and_search_hits_are_marked(browser: Any, reader_server: str) -> None:
    page = open_page(browser, reader_server, RECORD + "?q=" + quote("Беларусь Belarus"))
    hits = page.locator(".pane[data-pane='transcript'] mark.hit")
    assert hits.count() >= 1 and hits.first.inner_text() == "Беларусь"
    assert page.locator(".pane[data-pane='translation'] mark.hit").first.inner_text() == "Belarus"
    assert "match" in page.locator(".pane[data-pane='transcript'] [data-hit-count]").inner_text()
    # Tab from the page switcher's last button into the panes: focus lands on paragraphs, which align.
    first_para = page.locator(".pane[data-pane='transcript'] .para").first
    first_para.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "para" in focused and "aligned" in focused
    page.context.close()


def test_paging_one_pane_pages_the_others(browser: Any, reader_server: str) -> None:
    page = open_page(browser, reader_server, PAGED)
    page.wait_for_selector(".osd .openseadragon-canvas canvas")
    status = page.locator("[data-page-status]")
    assert status.inner_text() == "Page 1 of 2"
    page.get_by_role("button", name="Next page").click()
    assert status.inner_text() == "Page 2 of 2"
    page.wait_for_timeout(300)
    pane = page.locator(".pane[data-pane='transcript'] .pane-body")
    marker = page.locator(".pane[data-pane='transcript'] [data-page-start='2']")
    # The transcript scrolled to where page 2 begins.
    assert abs(pane.evaluate("b => b.scrollTop") - marker.evaluate("m => m.offsetTop - m.closest('.pane-body').offsetTop")) < 40
    assert page.evaluate("document.querySelector('[data-osd]') && 1") == 1
    shoot(page, "paged-1280")
    assert page.errors == []
    page.context.close()


def test_phone_shows_one_pane_with_a_switcher(browser: Any, reader_server: str) -> None:
    page = open_page(browser, reader_server, RECORD, width=390, height=844)
    visible = [k for k in ("scan", "transcript", "translation") if page.locator(f".pane[data-pane='{k}']").is_visible()]
    assert visible == ["scan"]
    page.get_by_role("tab", name="Translation (English)").click()
    visible = [k for k in ("scan", "transcript", "translation") if page.locator(f".pane[data-pane='{k}']").is_visible()]
    assert visible == ["translation"]
    assert page.get_by_role("tab", name="Translation (English)").get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowLeft")  # arrow keys move between the switcher's tabs
    assert page.locator(".pane[data-pane='transcript']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shoot(page, "390")
    assert page.errors == []
    page.context.close()


def test_without_javascript_the_panes_are_stacked_sections(browser: Any, reader_server: str) -> None:
    page = open_page(browser, reader_server, RECORD, script=False)
    assert page.locator("[data-reader-toolbar]").is_hidden()
    scan, transcript, translation = (box(page, f".pane[data-pane='{k}']") for k in ("scan", "transcript", "translation"))
    assert scan["y"] < transcript["y"] < translation["y"]  # one after another
    image = page.locator(".scan-pages img").first
    assert image.is_visible() and image.evaluate("i => i.naturalWidth") > 0  # the page image from the IIIF service
    assert page.get_by_role("heading", name="Transcript (Russian)").is_visible()
    page.screenshot(path=str(ARTIFACTS / "reader-nojs.png"))
    page.context.close()


def test_reader_has_no_serious_accessibility_violations(browser: Any, reader_server: str) -> None:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}; run: make assets")
    page = open_page(browser, reader_server, RECORD)
    page.add_script_tag(url="/static/vendor/axe.min.js")
    result = page.evaluate("async () => await axe.run(document.getElementById('reader'), {resultTypes: ['violations']})")
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.context.close()


def test_search_hits_are_drawn_on_the_scan(browser: Any, reader_server: str) -> None:
    page = open_page(browser, reader_server, RECORD + "?q=" + quote("Беларусь"))
    page.wait_for_selector(".osd .openseadragon-canvas canvas")
    boxes = page.locator(".osd .scan-hit")
    boxes.first.wait_for(timeout=15_000)  # the words file fetched, the overlays placed on page 1
    assert boxes.count() >= 1 and boxes.first.get_attribute("title", timeout=1000).startswith("Беларусь")
    osd, hit = box(page, ".osd"), box(page, ".osd .scan-hit")
    assert osd["x"] <= hit["x"] and hit["x"] + hit["width"] <= osd["x"] + osd["width"]
    assert osd["y"] <= hit["y"] and hit["y"] + hit["height"] <= osd["y"] + osd["height"]
    assert 2 < hit["height"] < 60 and hit["width"] > hit["height"]  # a word's box, not the page
    assert "on page 1" in page.locator(".pane[data-pane='scan'] [data-hit-count]").inner_text()
    shoot(page, "scan-hits")
    # A word the scan does not hold draws nothing.
    other = open_page(browser, reader_server, RECORD + "?q=" + quote("Vladivostok"))
    other.wait_for_selector(".osd .openseadragon-canvas canvas")
    other.wait_for_timeout(1000)
    assert other.locator(".osd .scan-hit").count() == 0
    assert page.errors == [] and other.errors == []
    page.context.close()
    other.context.close()
