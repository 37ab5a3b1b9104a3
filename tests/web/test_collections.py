"""Collection pages, browse and a FRUS document's place in its volume, over HTTP (no browser).

The shelf (conftest) holds three real FRUS volumes, two of which have a chapter called
"Korea", the Wilson Center record and records written for these tests.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import quote

from fonds.collection import Collection
from fonds.web.collections import labels, short_title
from fonds.store.print_order import natural_key


def numbers(items: list[dict[str, Any]]) -> list[int]:
    return [int(i["number"]) for i in items]


def test_a_volume_lists_its_documents_as_printed(shelf_client: Any) -> None:
    data = shelf_client.get("/collections/frus1961-63v06.json").json()
    assert data["title"].startswith("Foreign Relations of the United States, 1961–1963, Volume VI")
    assert data["order"] == "document number"
    assert data["date_span"] == {"first_year": 1960, "last_year": 1963}
    chapter = data["sections"][0]
    listed = numbers(chapter["items"])
    assert listed[:12] == list(range(1, 13)), "d2 comes before d10, as the volume prints them"
    assert listed == sorted(listed) and len(listed) == data["records"] == 120
    html = unescape(shelf_client.get("/collections/frus1961-63v06").text)
    assert "Document 66" in html and "Document 9 " not in html.split("Document 10")[0][:0]
    first, tenth = html.index(">Document 2<"), html.index(">Document 10<")
    assert first < tenth
    assert "collection:" not in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)  # type: ignore[union-attr]


def test_a_volume_with_chapters_keeps_their_order_and_headings(shelf_client: Any) -> None:
    data = shelf_client.get("/collections/frus1958-60v18.json").json()
    assert [s["title"] for s in data["sections"]] == ["Japan", "Korea"]
    korea = data["sections"][1]
    chapters = korea["sections"]
    assert len(chapters) == 2 and chapters[0]["title"].startswith("January 1958–November 1959")
    first_numbers = [numbers(c["items"])[0] for c in chapters]
    assert first_numbers == sorted(first_numbers)
    everything = numbers(data["sections"][0]["sections"][0]["items"]) + numbers(chapters[0]["items"]) + numbers(
        chapters[1]["items"]
    )
    assert everything == list(range(1, len(everything) + 1)), "the chapters together print documents 1, 2, 3..."
    page = unescape(shelf_client.get("/collections/frus1958-60v18-ch2").text)
    assert 'aria-label="Collections above this one"' in page and "Korea" in page


def test_a_project_lists_its_records_by_date(shelf_client: Any) -> None:
    data = shelf_client.get("/collections/SHELF.json").json()
    assert data["order"] == "date" and data["records"] == 11
    dates = [i["date"] for i in data["items"]]
    assert dates[0].endswith("1958") and dates[-1].endswith("1961")
    assert data["date_span"] == {"first_year": 1958, "last_year": 1961}
    nkidp = shelf_client.get("/collections/NKIDP.json").json()
    assert nkidp["items"][0]["id"] == "wcda-110485" and "Wilson Center" in nkidp["description"]


def test_unknown_collection_and_bad_page(shelf_client: Any) -> None:
    missing = shelf_client.get("/collections/" + quote("no such", safe=""))
    assert missing.status_code == 404 and "no collection 'no such'" in unescape(missing.text).replace("&#39;", "'")
    assert shelf_client.get("/collections/SHELF.json?page=9").status_code == 404
    bad = shelf_client.get("/collections/SHELF.json?page=two").json()
    assert bad["status"] == 400 and "not a page number" in bad["error"]


def test_labels_are_unique_and_say_which_volume() -> None:
    frus18 = Collection("v18", "Foreign Relations of the United States, 1958–1960, Japan; Korea, Volume XVIII",
                        kind="volume")
    frus29 = Collection("v29", "Foreign Relations of the United States, 1964–1968, Volume XXIX, Part 1, Korea",
                        kind="volume")
    twins = Collection("p", "Project")
    collections = {c.id: c for c in [
        frus18, frus29, twins,
        Collection("v18-k", "Korea", "v18", "compilation"),
        Collection("v29-k", "Korea", "v29", "compilation"),
        Collection("v29-k1", "Korea", "v29-k", "chapter"),
        Collection("a", "Minutes", "p"), Collection("b", "Minutes", "p"),
    ]}
    found = labels(collections)
    assert found["v18-k"] == "Korea (FRUS 1958–1960, vol. XVIII)"
    assert found["v29-k"] != found["v29-k1"] and "FRUS 1964–1968, vol. XXIX, pt. 1" in found["v29-k"]
    assert len(set(found.values())) == len(found)
    assert short_title(frus29) == "FRUS 1964–1968, vol. XXIX, pt. 1"
    assert sorted(["d10", "d2", "d1"], key=natural_key) == ["d1", "d2", "d10"]


def test_search_facets_never_share_a_label(shelf_client: Any) -> None:
    html = shelf_client.get("/search?q=Korea").text
    facet = html.split('id="facet-collection"')[1].split("</section>")[0]
    names = [unescape(n) for n in re.findall(r'<span class="facet-name">(.*?)</span>', facet)]
    assert len(names) == len(set(names)), names
    koreas = [n for n in names if n.startswith("Korea (")]
    assert "Korea (FRUS 1958–1960, vol. XVIII)" in koreas and len(koreas) >= 2


def test_a_facet_value_with_quotes_is_listed_and_selects_its_records(shelf_client: Any) -> None:
    html = shelf_client.get("/search?q=moon").text
    types = html.split('id="facet-type"')[1].split("</section>")[0]
    assert unescape('Letter &#34;x&#34; (draft) &amp; annex') in unescape(types)
    href = next(unescape(h) for h in re.findall(r'href="([^"]+)"', types) if "annex" in unescape(h))
    data = shelf_client.get(href.replace("/search?", "/search.json?")).json()
    assert data["total"] == 1 and data["filters"] == [{"field": "type", "value": 'Letter "x" (draft) & annex'}]
    assert data["hits"][0]["type"] == 'Letter "x" (draft) & annex'
    page = unescape(shelf_client.get(href).text)
    assert 'aria-current="true"' in page and "(remove this filter)" in page


def test_long_facets_fold_under_more(shelf_client: Any) -> None:
    html = shelf_client.get("/search?filter=collection%3ASHELF").text
    types = html.split('id="facet-type"')[1].split("</section>")[0]
    shown, _, folded = types.partition('<details class="more">')
    assert len(re.findall('class="facet-link', shown)) == 8
    assert len(re.findall('class="facet-link', folded)) == 3 and "3 more" in folded


def test_bad_filters_are_400(shelf_client: Any) -> None:
    for value, message in (("nope:x", "is not one we know"), ("type", "is not one we know"),
                           ("lang:klingon", "unknown language")):
        data = shelf_client.get("/search.json?filter=" + quote(value)).json()
        assert data["status"] == 400 and message in data["error"], value


def test_browse_links_collection_pages_and_shows_every_hierarchy(shelf_client: Any) -> None:
    html = shelf_client.get("/browse").text
    assert 'href="/collections/frus1961-63v06"' in html
    assert "/search?q=collection" not in html
    data = shelf_client.get("/browse.json").json()
    repositories = {r["label"]: r for r in data["repositories"]}
    avprf = repositories["Archive of the Foreign Policy of the Russian Federation (AVPRF)"]
    assert [avprf["children"][0]["label"], avprf["children"][0]["children"][0]["label"]] == ["fond 0102", "opis 18"]
    kennedy = {c["label"]: c for c in repositories["Kennedy Library"]["children"]}
    series = kennedy["National Security Files"]["children"]
    assert "Countries Series" in [c["label"] for c in series], "a file path is read as series and files"
    assert len(repositories) >= 4 and all(r["children"] for r in list(repositories.values())[:4])


def test_frus_record_shows_its_place_and_follows_the_volume(shelf_client: Any) -> None:
    html = unescape(shelf_client.get("/records/frus1961-63v06-d66").text)
    assert "Document 66" in html
    assert '<a href="/collections/frus1961-63v06">Foreign Relations of the United States, 1961–1963, Volume VI' in html
    assert "<h2 id=\"h-source\">Source note</h2>" in html and "Presidential Correspondence: Lot 66 D 204" in html
    assert "<details class=\"source-citation\"" not in html, "the source note is in view"
    previous = re.search(r'<a href="([^"]+)" rel="prev">', html).group(1)  # type: ignore[union-attr]
    following = re.search(r'<a href="([^"]+)" rel="next">', html).group(1)  # type: ignore[union-attr]
    assert (previous, following) == ("/records/frus1961-63v06-d65", "/records/frus1961-63v06-d67")
    assert "Previous · Document 65" in html and "Next · Document 67" in html
    chapter = unescape(shelf_client.get("/records/frus1958-60v18-d210").text)
    assert '<dt>Chapter</dt><dd><a href="/collections/frus1958-60v18-comp2">Korea</a>' in chapter


def test_a_volume_too_big_to_print_whole_is_listed_by_date_a_page_at_a_time(
    shelf_client: Any, monkeypatch: Any
) -> None:
    import fonds.web.collections as collections

    monkeypatch.setattr(collections, "PRINTED_LIMIT", 50)  # the volume holds 120 documents
    first = shelf_client.get("/collections/frus1961-63v06.json").json()
    second = shelf_client.get("/collections/frus1961-63v06.json?page=2").json()
    assert first["order"] == "date" and first["printed_order_omitted"] is True
    assert (first["records"], first["pages"], len(first["items"]), len(second["items"])) == (120, 2, 100, 20)
    listed = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(listed)) == 120, "the two pages hold every document once"
    html = unescape(shelf_client.get("/collections/frus1961-63v06").text)
    assert "This volume holds 120 documents, too many to list as printed" in html and 'rel="next"' in html
    chapters = shelf_client.get("/collections/frus1958-60v18-ch2.json").json()  # 50 < that volume's size
    assert chapters["order"] == "date" and chapters["printed_order_omitted"] is True
    monkeypatch.setattr(collections, "PRINTED_LIMIT", 5_000)
    whole = shelf_client.get("/collections/frus1961-63v06.json").json()
    assert whole["order"] == "document number" and whole["printed_order_omitted"] is False
