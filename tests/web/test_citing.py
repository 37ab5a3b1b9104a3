"""What a record page gives citation managers: our `citation_*`, `z.*` and `DC.*` tags read the way
Zotero's Embedded Metadata translator reads them, and the "Cite this" box."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from fonds.dates import parse_date
from fonds.record import Credit, Record
from fonds.store.sqlite import SQLiteStore
from fonds.web import citing

# Zotero's Embedded Metadata translator: HIGHWIRE_MAPPINGS (first value of each tag wins).
HIGHWIRE = {
    "citation_title": "title", "citation_date": "date", "citation_book_title": "bookTitle",
    "citation_volume": "volume", "citation_series_title": "series", "citation_publisher": "publisher",
    "citation_abstract": "abstractNote", "citation_public_url": "url", "citation_language": "language",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def zotero_item(tags: list[tuple[str, str]]) -> dict[str, Any]:
    """The Zotero item Embedded Metadata would save from these meta tags.

    As the translator does: Highwire tags by HIGHWIRE_MAPPINGS; `citation_author`/`citation_editor`
    as creators (a name with a comma is "Last, First"); `citation_book_title` makes a bookSection;
    tags with a known namespace prefix (`z.`, `DC.`) go to its RDF import, which takes
    `z.itemType`, the `z:translators` creators, `DC.coverage` as archiveLocation and any other
    `z:` property as the field of that name. Highwire creators, when any, replace RDF creators.
    The date is then read by Zotero's strToDate: `YYYY/MM/DD`, `YYYY/MM` or `YYYY`.
    """
    item: dict[str, Any] = {"creators": []}
    for name, field in HIGHWIRE.items():
        value = next((v for n, v in tags if n == name and v.strip()), None)
        if value:
            item[field] = " ".join(value.split())
    highwire = [(role, v) for n, v in tags for role in ("author", "editor") if n == f"citation_{role}"]
    rdf_creators = [("translator", v) for n, v in tags if n == "z.translators"]
    for role, value in highwire or rdf_creators:
        last, _, first = value.partition(", ") if "," in value else (value.rsplit(" ", 1)[-1], "", value.rsplit(" ", 1)[0])
        item["creators"].append({"creatorType": role, "lastName": last, "firstName": first})
    for name, value in tags:
        prefix, _, prop = name.partition(".")
        if prefix == "z" and prop != "translators":
            item[prop] = value
        if prefix == "DC" and prop == "coverage":
            item.setdefault("archiveLocation", value)
    if any(n == "citation_book_title" for n, _ in tags):
        item["itemType"] = "bookSection"
    found = re.match(r"^(\d{4})(?:/(\d{1,2}))?(?:/(\d{1,2}))?$", item.get("date", ""))
    if found:
        item["year"] = int(found.group(1))
        item["month"] = MONTHS[int(found.group(2)) - 1] if found.group(2) else None
    return item


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name"):
            self.meta.append((values["name"] or "", values.get("content") or ""))


def page_tags(client: Any, record_id: str) -> list[tuple[str, str]]:
    page = Page()
    page.feed(client.get(f"/records/{record_id}").text)
    return page.meta


def test_zotero_reads_the_shared_record_as_a_manuscript(client: Any, store_with_corpus: SQLiteStore) -> None:
    item = zotero_item(page_tags(client, "wcda-110485"))
    record = store_with_corpus.get("wcda-110485")
    assert item["itemType"] == "manuscript"
    assert item["title"] == record.title
    assert (item["year"], item["month"]) == (1962, "August")
    assert item["archive"] == "Archive of the Foreign Policy of the Russian Federation"
    assert item["archiveLocation"] == "fond 0102, opis 18, papka 93, delo 5, listy 3-9"
    assert item["creators"] == [{"creatorType": "translator", "lastName": "Radchenko", "firstName": "Sergey"}]
    assert item["language"] == "ru"
    assert item["url"] == "http://testserver/records/wcda-110485"


def test_zotero_reads_a_frus_document_as_a_section_of_its_volume(client: Any) -> None:
    item = zotero_item(page_tags(client, "frus1961-63v06-d66"))
    assert item["itemType"] == "bookSection"
    assert item["bookTitle"] == "Kennedy-Khrushchev Exchanges"
    assert item["series"] == "Foreign Relations of the United States, 1961–1963"
    assert item["volume"] == "VI"
    assert item["publisher"] == "United States Government Printing Office"
    assert {"creatorType": "editor", "lastName": "Sampson", "firstName": "Charles S."} in item["creators"]
    assert (item["year"], item["month"]) == (1962, "October")
    assert item["archive"] == "Department of State"


@pytest.mark.parametrize(
    ("printed", "year", "month"),
    [("c. 1962", 1962, None), ("ca. August 1962", 1962, "August"), ("August 1962", 1962, "August"),
     ("August 14-16, 1962", 1962, "August"), ("after 1962", 1962, None), ("[1962]", 1962, None),
     ("Spring 1962", 1962, None), ("before 1962", 1962, None)],
)
def test_zotero_gets_the_printed_year_and_month(store_with_corpus: SQLiteStore, printed: str, year: int, month: str | None) -> None:
    record = replace(store_with_corpus.get("wcda-110485"), date=parse_date(printed))
    item = zotero_item(citing.meta_tags(record, "https://example.org/records/wcda-110485"))
    assert (item["year"], item["month"]) == (year, month)


def test_an_author_comes_first_and_the_translator_stays_a_translator(store_with_corpus: SQLiteStore) -> None:
    record = store_with_corpus.get("wcda-110485")
    signed = replace(record, credits=(Credit("author", "Vasily Moskovsky"), *record.credits))
    tags = citing.meta_tags(signed, "https://example.org/x")
    assert ("citation_author", "Vasily Moskovsky") in tags
    assert ("citation_translator", "Sergey Radchenko") in tags
    assert ("z.translators", "Radchenko, Sergey") in tags


def test_the_cite_box_shows_formatted_citations_each_with_a_copy_button(client: Any) -> None:
    html = client.get("/records/frus1961-63v06-d66").text
    box = html[html.index('<section class="cite"'):html.index("</section>", html.index('<section class="cite"'))]
    assert box.count('<p class="formatted-citation"') == 2
    assert "<i>Foreign Relations of the United States, 1961–1963</i>" in box
    for label in ("Chicago note", "Chicago bibliography", "BibTeX", "RIS", "CSL-JSON"):
        assert f'<button type="button" class="copy" data-copy="cite-' in box
        assert f">Copy {label}</button>" in box
    assert "<textarea" not in box


def test_each_download_downloads_what_its_label_says(client: Any) -> None:
    html = client.get("/records/wcda-110485").text
    links = re.findall(r'<a class="download" href="([^"]+)" download="([^"]+)">Download ([^<]+)</a>', html)
    assert [label for _, _, label in links] == [
        "Chicago note and bibliography (.txt)", "BibTeX (.bib)", "RIS (.ris)", "CSL-JSON (.json)"
    ]
    for href, filename, label in links:
        response = client.get(href)
        assert response.status_code == 200
        assert filename.endswith(label.rsplit("(", 1)[1].rstrip(")"))
        body = response.text
        if label.startswith("Chicago"):
            note, entry = body.splitlines()
            assert note.startswith("“Memorandum") and ", Wilson Center Digital Archive, " in note
            assert entry.startswith("“Memorandum") and ". Wilson Center Digital Archive. " in entry
        elif label.startswith("BibTeX"):
            assert body.startswith("@misc{wcda-110485,")
        elif label.startswith("RIS"):
            assert body.startswith("TY  - MANSCPT\r\n")
        else:
            assert body.lstrip().startswith("[") and '"type": "manuscript"' in body


def test_the_page_says_a_date_is_open_ended_and_supplied(tmp_path: Path) -> None:
    import asyncio

    import httpx

    from fonds.config import Settings
    from fonds.index import Index
    from fonds.web.app import create_app

    settings = Settings(db=str(tmp_path / "a.db"), index=str(tmp_path / "a.db.index"), sync_seconds=0.5)
    store = SQLiteStore(settings.db)
    store.add([Record(id="wcda-900011", title="Letter from A to B", date=parse_date("[after 1962]"))])
    index = Index(settings.index_path)
    index.update(store)
    app = create_app(store, settings, index)

    async def fetch() -> str:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            return (await client.get("/records/wcda-900011")).text

    html = asyncio.run(fetch())
    store.close()
    assert "<dd>[after 1962] <span class=\"hint\">(on or after 1962-01-01; open-ended)</span>" in html
    assert "(supplied by the archive: not on the document)" in html
    assert '<meta name="citation_date" content="1962">' in html
