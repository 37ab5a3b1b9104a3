"""OAI-PMH for people (fonds.web.oai_page): the stylesheet instruction, and the page a browser gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from fonds.web.oai_page import wants_html

ROOT = Path(__file__).resolve().parents[2]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_harvesters_get_the_xml_with_its_stylesheet_and_it_stays_valid(client: Any, corpus: Path) -> None:
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc")
    assert response.headers["content-type"].startswith("text/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n"
                                       b'<?xml-stylesheet type="text/xsl" href="/static/oai.xsl"?>')
    schema = etree.XMLSchema(etree.parse(str(corpus.parent / "schemas" / "OAI-PMH.xsd")))
    document = etree.fromstring(response.content)
    assert schema.validate(document), schema.error_log
    sheet = client.get("/static/oai.xsl")
    assert sheet.status_code == 200 and b"xsl:stylesheet" in sheet.content


def test_a_browser_gets_the_page_the_stylesheet_draws(client: Any) -> None:
    page = client.get("/oai?verb=Identify", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html") and page.headers["vary"] == "Accept"
    html = page.text
    assert "<h1>Identify</h1>" in html and "repositoryName" in html and "<script" not in html
    error = client.get("/oai?verb=Nope", headers={"Accept": BROWSER}).text
    assert 'role="alert"' in error and "badVerb" in error


def test_who_wants_html() -> None:
    assert wants_html(BROWSER)
    assert not wants_html("*/*") and not wants_html("") and not wants_html("text/xml")
    assert not wants_html("text/html;q=0.5, text/xml")
    assert not wants_html("text/html;q=nonsense")
