"""The reading room over HTTP (no browser): every page and its JSON twin, errors, escaping, meta tags."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, quote

import pytest

from fonds.record import Record, format_reference
from fonds.store.sqlite import SQLiteStore
from fonds.web import citing
from fonds.web.markup import snippet_html
from fonds.web.search import toggle


KHRUSHCHEV = "frus:frus1961-63v06#p_KNS2"
PAGES = [
    ("/", "/index.json"),
    ("/search?q=Khrushchev", "/search.json?q=Khrushchev"),
    ("/records/wcda-110485", "/records/wcda-110485.json"),
    ("/persons/" + quote(KHRUSHCHEV, safe=""), "/persons/" + quote(KHRUSHCHEV, safe="") + ".json"),
    ("/browse", "/browse.json"),
    ("/about", "/about.json"),
]


class Head(HTMLParser):
    """Collects <meta name content> pairs, the COinS title and every element's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.coins: str | None = None
        self.attributes: list[tuple[str, str, str | None]] = []
        self.scripts: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            self.attributes.append((tag, name, value))
        if tag == "meta" and values.get("name"):
            self.meta.append((values["name"] or "", values.get("content") or ""))
        if tag == "span" and values.get("class") == "Z3988":
            self.coins = values.get("title")
        if tag == "script":
            self.scripts.append(values.get("src"))


def parse(html: str) -> Head:
    head = Head()
    head.feed(html)
    return head


@pytest.mark.parametrize(("page", "twin"), PAGES)
def test_every_page_has_a_json_twin(client: Any, page: str, twin: str) -> None:
    html = client.get(page)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "<main" in html.text and 'class="skip-link"' in html.text
    data = client.get(twin)
    assert data.status_code == 200
    assert data.headers["content-type"] == "application/json"
    assert isinstance(data.json(), dict)


def test_home_says_what_the_archive_holds(client: Any, store_with_corpus: SQLiteStore) -> None:
    data = client.get("/index.json").json()
    assert data["records"] == store_with_corpus.stats().records
    assert {"NKIDP", "frus1961-63v06"} <= {c["id"] for c in data["collections"]}
    assert data["date_span"] == {"first_year": 1960, "last_year": 1963}
    assert "Russian" in client.get("/").text


def test_record_json_is_the_record(client: Any, store_with_corpus: SQLiteStore) -> None:
    data = client.get("/records/wcda-110485.json").json()
    assert data == json.loads(json.dumps(store_with_corpus.get("wcda-110485").public_dict()))
    assert data["source"]["reference"]["fond"] == "0102"


def test_public_json_and_pages_never_show_origin_or_warnings(client: Any, store_with_corpus: SQLiteStore) -> None:
    stored = store_with_corpus.get("wcda-110485")
    assert stored.origin and "/" in stored.origin  # the archivist's path is kept for staff
    folder = stored.origin.rsplit("/", 1)[0]
    for path in ("/records/wcda-110485.json", "/records/wcda-110485"):
        body = client.get(path).text
        assert folder not in body and '"origin"' not in body and '"warnings"' not in body


def test_record_page_shows_the_record(client: Any) -> None:
    html = client.get("/records/wcda-110485").text
    for expected in (
        "August 14, 1962",
        "Memorandum of Conversation",
        "Archive of the Foreign Policy of the Russian Federation (AVPRF)",
        "fond 0102, opis 18, papka 93, delo 5, listy 3-9",
        "Sergey Radchenko",
        "Russian",
        "North Korea International Documentation Project",
        "Translation - English",
    ):
        assert expected in html
    assert '<span class="mark mark-supplied" title="Supplied by the translator">[I]</span>' in html
    assert '<span class="alt-form" title="also written Pak Song Chol">[' in html
    assert 'title="Pak Seong-cheol">Pak Song Chol</a>]</span>' in html  # the alternate form links the person too
    assert 'class="mark mark-gap"' in html
    assert 'id="show-supplied"' in html
    for label in ("Chicago note", "Chicago bibliography", "BibTeX", "RIS", "CSL-JSON"):
        assert f">{label}</h3>" in html


def test_frus_record_links_persons_notes_and_neighbours(client: Any) -> None:
    html = client.get("/records/frus1961-63v06-d10").text
    assert f'href="/persons/{quote(KHRUSHCHEV, safe="")}"' in html
    assert 'href="#note-0-1"' in html and 'id="note-0-1"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_record_neighbours_follow_the_collection_by_date(client: Any, settings: Any) -> None:
    from fonds.index import Index
    from fonds.query import Filter

    order = [h.id for h in Index(settings.index_path).search(
        Filter("collection", "frus1961-63v06"), limit=10_000, sort="date", facets=False, snippets=False).hits]
    middle = order[len(order) // 2]
    html = client.get(f"/records/{middle}").text
    previous = re.search(r'<a[^>]*rel="prev"[^>]*>', html)
    following = re.search(r'<a[^>]*rel="next"[^>]*>', html)
    assert previous and f'href="/records/{order[order.index(middle) - 1]}"' in previous.group(0)
    assert following and f'href="/records/{order[order.index(middle) + 1]}"' in following.group(0)
    assert 'rel="prev"' not in client.get(f"/records/{order[0]}").text


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json", "chicago", "tei", "dc"])
def test_exports_download(client: Any, store_with_corpus: SQLiteStore, fmt: str) -> None:
    response = client.get(f"/records/wcda-110485.{fmt}")
    assert response.status_code == 200
    text, export = citing.export(store_with_corpus.get("wcda-110485"), fmt)
    assert response.text == text
    assert response.headers["content-type"].split(";")[0] == export.media_type.split(";")[0]
    assert response.headers["content-disposition"] == f'attachment; filename="wcda-110485.{export.extension}"'


def test_meta_tags_match_the_record(client: Any, store_with_corpus: SQLiteStore) -> None:
    record = store_with_corpus.get("wcda-110485")
    head = parse(client.get("/records/wcda-110485").text)
    meta: dict[str, list[str]] = {}
    for name, content in head.meta:
        meta.setdefault(name, []).append(content)
    assert meta["citation_title"] == [record.title]
    assert meta["citation_date"] == ["1962/08/14"]
    assert meta["citation_translator"] == ["Sergey Radchenko"]
    assert "citation_author" not in meta, "the translator did not write the memorandum"
    assert meta["citation_archive"] == ["Archive of the Foreign Policy of the Russian Federation"]
    assert meta["citation_archive_location"] == [format_reference(record.source.reference)]
    assert meta["citation_language"] == ["ru"]
    assert meta["citation_abstract"] == [record.summary]
    assert meta["citation_public_url"] == ["http://testserver/records/wcda-110485"]
    assert meta["z.itemType"] == ["manuscript"] and meta["DC.type"] == ["manuscript"]
    assert head.coins is not None
    coins = parse_qs(head.coins)
    assert coins["rft.type"] == ["manuscript"]
    assert coins["rft.title"] == [record.title]
    assert coins["rft.date"] == ["1962-08-14"]
    assert coins["rft.source"] == [record.source.repository]
    assert coins["rft.coverage"] == ["fond 0102, opis 18, papka 93, delo 5, listy 3-9"]
    assert coins["rft.language"] == ["ru"]
    assert coins["rft.identifier"] == ["http://testserver/records/wcda-110485"]


def test_search_json_has_the_design_shape(client: Any) -> None:
    data = client.get("/search.json?q=Khrushchev").json()
    assert data["total"] > 20
    hit = data["hits"][0]
    assert {"id", "title", "date", "snippet", "matched"} <= set(hit)
    assert "<mark>" in hit["snippet"]
    assert {"language", "repository", "collection", "type", "person", "year"} <= set(data["facets"])


def test_search_page_facets_toggle(client: Any) -> None:
    html = client.get("/search?q=Khrushchev").text
    assert "href=\"/search?q=Khrushchev&amp;filter=lang%3Aru\"" in html, "a facet adds a filter"
    narrowed = client.get("/search?q=Khrushchev&filter=lang%3Aru")
    assert 'aria-current="true"' in narrowed.text
    assert 'href="/search?q=Khrushchev"' in narrowed.text, "the active facet links back to the wider search"
    typed = client.get("/search?q=Khrushchev+lang%3Aru")
    assert 'aria-current="true"' in typed.text, "a filter typed into the search shows as on"
    assert 'href="/search?q=Khrushchev"' in typed.text, "and its facet takes it out of the query text"
    assert client.get("/search.json?q=Khrushchev+lang:ru").json()["total"] < client.get("/search.json?q=Khrushchev").json()["total"]


def test_search_date_range_sort_and_pages(client: Any) -> None:
    data = client.get("/search.json?q=Kennedy&from=1962&to=1962&sort=date").json()
    assert data["total"] > 0
    dates = [h["date"] for h in data["hits"] if h["date"]]
    assert all("1962" in d for d in dates)
    page_two = client.get("/search.json?q=Kennedy&page=2").json()
    page_one = client.get("/search.json?q=Kennedy").json()
    assert page_two["hits"] and {h["id"] for h in page_two["hits"]}.isdisjoint({h["id"] for h in page_one["hits"]})
    html = client.get("/search?q=Kennedy").text
    assert 'class="histogram"' in html and "1962" in html
    assert 'aria-label="Result pages"' in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/search?q=%22unclosed", "unclosed quote at position 1"),
        ("/search?q=nope:x", "unknown field 'nope:'"),
        ("/search?q=x&from=last+year", "the from date 'last year' is not one we understand"),
        ("/search?q=x&sort=size", "sort 'size' is not one we know"),
        ("/search?q=x&page=0", "page '0' is not a page number"),
    ],
)
def test_bad_searches_are_400_with_a_message(client: Any, url: str, message: str) -> None:
    page = client.get(url)
    assert page.status_code == 400
    assert message in page.text.replace("&#39;", "'")
    assert 'role="alert"' in page.text and 'href="/about#search"' in page.text
    twin = client.get(url.replace("/search?", "/search.json?"))
    assert twin.status_code == 400
    body = twin.json()
    assert body["ok"] is False and body["status"] == 400 and message in body["error"]


@pytest.mark.parametrize(
    "path",
    ["/records/no-such-record", "/records/no-such-record.json", "/records/wcda-110485.docx", "/persons/nobody",
     "/persons/nobody.json", "/records/" + quote("../../etc/passwd", safe=""), "/records/%00", "/nowhere"],
)
def test_missing_things_are_404(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    if path.endswith(".json"):
        assert response.json()["ok"] is False and response.json()["status"] == 404
    else:
        assert "Not found" in response.text and 'href="/search"' in response.text


def test_missing_record_message(client: Any) -> None:
    body = client.get("/records/no-such-record.json").json()
    assert body == {
        "ok": False,
        "status": 404,
        "error": "there is no record 'no-such-record' in this archive; it may have been withdrawn, "
        "or the address may be mistyped. Search for it by title or date instead.",
    }


@pytest.mark.parametrize(
    "path",
    ["/records/hostile-1", "/records/wcda-999999", "/search?q=hostile", "/search?q=alert", "/browse", "/",
     "/persons/" + quote('p"><script>alert(5)</script>', safe="")],
)
def test_hostile_records_are_shown_as_text(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    head = parse(response.text)
    assert all(src and src.startswith("/static/") for src in head.scripts), head.scripts
    assert not [a for a in head.attributes if a[1].startswith("on")], "no event handler attributes"
    assert not [a for a in head.attributes if a[1] == "href" and (a[2] or "").lower().startswith("javascript:")]
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text


def test_hostile_record_keeps_its_words(client: Any, hostile_record: Record) -> None:
    html = client.get("/records/hostile-1").text
    assert "Hostile title &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    head = parse(html)
    meta = dict(head.meta)
    assert meta["citation_title"] == hostile_record.title
    assert meta["citation_translator"] == hostile_record.credits[0].name


def test_security_headers(client: Any) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_person_page(client: Any) -> None:
    data = client.get("/persons/" + quote(KHRUSHCHEV, safe="") + ".json").json()
    assert data["preferred"] == "Khrushchev, Nikita S."
    assert len(data["records"]) > 100
    assert data["appears_with"][0]["name"] == "Kennedy, John F."
    html = client.get("/persons/" + quote(KHRUSHCHEV, safe="")).text
    assert "Documents over time" in html and "Who appears with them" in html
    assert "history.state.gov/historicaldocuments/frus1961-63v06/persons#p_KNS2" in html


def test_browse_has_collections_and_repository_hierarchy(client: Any) -> None:
    data = client.get("/browse.json").json()
    frus = next(c for c in data["collections"] if c["id"] == "frus1961-63v06")
    assert frus["children"][0]["id"] == "frus1961-63v06-comp1"
    avprf = next(r for r in data["repositories"] if r["label"].startswith("Archive of the Foreign Policy"))
    fond = next(c for c in avprf["children"] if c["label"] == "fond 0102")
    opis = fond["children"][0]
    assert opis["label"] == "opis 18"
    assert opis["children"][0]["children"][0]["items"][0]["id"] == "wcda-110485"


def test_about_explains_search_and_citation(client: Any) -> None:
    html = client.get("/about").text
    assert 'id="search"' in html and 'id="cite"' in html
    assert "date:1962-08..1962-12" in html


def test_oai_pmh_is_served(client: Any) -> None:
    response = client.get("/oai?verb=Identify")
    assert response.status_code == 200
    assert "<Identify>" in response.text and "http://testserver/oai" in response.text


def test_snippets_keep_only_highlights() -> None:
    assert str(snippet_html("a <b>Kim</b> &lt;script&gt; <img src=x onerror=alert(1)>")) == (
        "a <mark>Kim</mark> &lt;script&gt; &lt;img src=x onerror=alert(1)&gt;"
    )
    assert str(snippet_html("<b>open")) == "<mark>open</mark>"


def test_toggle_adds_and_removes_a_filter() -> None:
    assert toggle("Kim", 'type:"Memorandum of Conversation"') == ('Kim type:"Memorandum of Conversation"', False)
    assert toggle('Kim type:"Memorandum of Conversation" lang:ru', 'type:"Memorandum of Conversation"') == (
        "Kim lang:ru",
        True,
    )
    assert toggle("lang:ru", "lang:r") == ("lang:ru lang:r", False)


def test_no_template_leaks_undefined(client: Any) -> None:
    for page, _twin in PAGES:
        assert not re.search(r"\{\{|\{%|Undefined", client.get(page).text)


def test_records_ingested_elsewhere_appear_within_seconds(tmp_path: Any) -> None:
    """The follower thread of `serve` brings records another process stored into the index."""
    import time

    from fonds.config import Settings
    from fonds.index import Index
    from fonds.web.app import Follower, create_app

    settings = Settings(db=str(tmp_path / "a.db"), index=str(tmp_path / "a.db.index"), sync_seconds=0.1)
    reader, writer = SQLiteStore(settings.db), SQLiteStore(settings.db)
    index = Index(settings.index_path)
    follower = Follower(SQLiteStore(settings.db), index, settings.sync_seconds)
    follower.start()
    try:
        app = create_app(reader, settings, index)
        writer.add([Record(id="late-1", title="A telegram about zanzibar")])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and index.search(None, limit=1).total == 0:
            time.sleep(0.05)
        hits = app.state.archive.index.search(None, limit=5).hits
        assert [h.id for h in hits] == ["late-1"]
    finally:
        follower.stop()
        follower.store.close()
        reader.close()
        writer.close()


def test_a_collection_downloads_as_ead_2002_and_ead3(client: Any) -> None:
    from fonds.schema_check import validate

    for suffix, schema in ((".ead.xml", "ead2002.rng"), (".ead3.xml", "ead3.rng")):
        response = client.get(f"/collections/frus1961-63v06{suffix}")
        assert response.status_code == 200, response.text[:300]
        assert response.headers["content-type"].startswith("application/xml")
        assert validate(response.content, schema) == []
    assert client.get("/collections/no-such-thing.ead.xml").status_code == 404
