"""The search page in every language: CJK and Russian queries, names, the empty search; the facet
counts of a search of many records, shown after its hits."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fonds import facet_counts


def test_an_empty_search_shows_the_overview_not_every_record(client: Any) -> None:
    for url in ("/search", "/search?q=", "/search?q=%20%20"):
        page = client.get(url)
        assert page.status_code == 200
        assert "A digital archive of translated historical documents" in page.text, url
        assert "results for" not in page.text and "<q></q>" not in page.text
    assert client.get("/search.json?q=").json()["total"] > 1  # the API still lists everything


def test_punctuation_alone_says_what_was_understood(client: Any) -> None:
    page = client.get("/search?q=%3F%21")
    assert page.status_code == 400
    assert "punctuation alone is not searched" in page.text


def test_cjk_russian_and_names_from_the_search_page(client: Any) -> None:
    for query, record in (("苏联大使", "wcda-900004"), ("蘇聯", "wcda-900004"), ("외무상", "wcda-900005"),
                          ("переговоры", "wcda-900006"), ("Громыко", "wcda-900006"), ("金日成", "wcda-900006")):
        found = client.get("/search.json", params={"q": query}).json()
        assert record in [hit["id"] for hit in found["hits"]], query
    assert client.get("/search.json", params={"q": "переговоры"}).json()["total"] == 1
    single = client.get("/search", params={"q": "переговоры"})
    assert "1 record for" in single.text and "1 records" not in single.text
    kim = client.get("/search.json", params={"q": "김일성"}).json()
    russian = next(hit for hit in kim["hits"] if hit["id"] == "wcda-900006")
    assert "<mark>Ким Ир Сен</mark>" in russian["snippet"] and russian["matched"]


def test_a_person_page_lists_the_original_script_variants(client: Any) -> None:
    from urllib.parse import quote

    from test_app import KHRUSHCHEV

    data = client.get("/persons/" + quote(KHRUSHCHEV, safe="") + ".json").json()
    names = {variant["name"] for variant in data["variants"]}
    assert {"Никита Сергеевич Хрущёв", "Хрущёв"} <= names  # curated, folded into the FRUS persons entry
    assert "Хрущёв" in client.get("/persons/" + quote(KHRUSHCHEV, safe="")).text
    kim = client.get("/persons/fonds%3Akim-il-sung.json")
    assert kim.status_code == 200 and {"김일성", "金日成", "Ким Ир Сен"} <= {v["name"] for v in kim.json()["variants"]}


def test_a_page_past_the_last_says_so_and_links_the_last_page(client: Any) -> None:
    import re

    total = client.get("/search.json", params={"q": "Khrushchev"}).json()["total"]
    assert total > 20
    page = client.get("/search", params={"q": "Khrushchev", "page": "40"})
    assert page.status_code == 200
    assert "Nothing matches" not in page.text and "Page 40 is past the last page of these results" in page.text
    link = re.search(r'<a href="([^"]+)">go to the last page</a>', page.text)
    assert link is not None
    last = client.get(link.group(1).replace("&amp;", "&"))
    assert last.status_code == 200 and 'class="hits"' in last.text and "past the last page" not in last.text


# A query no other test asks, so no earlier test has counted its facets for this index state.
MANY = 'Khrushchev OR Kennedy OR "no such phrase for the facet tests"'


def test_a_search_of_many_records_answers_first_and_says_where_its_counts_are(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facet_counts, "INLINE_HITS", 2)
    first = client.get("/search.json", params={"q": MANY}).json()
    assert first["total"] > 2 and first["hits"]
    assert first["facets_deferred"] is True and first["facets"] == {}
    counted = client.get(first["facets_href"]).json()
    assert counted["facets_deferred"] is False and counted["hits"] == first["hits"]
    languages = {f["value"]: f["count"] for f in counted["facets"]["language"]}
    for code, number in languages.items():  # exact: each count is the total of the search narrowed to it
        narrowed = client.get("/search.json", params={"q": MANY, "filter": f"lang:{code}"}).json()
        assert narrowed["total"] == number, code
    again = client.get("/search.json", params={"q": MANY}).json()  # counted once: now given at once
    assert again["facets_deferred"] is False and again["facets"] == counted["facets"]


def test_the_page_of_a_search_of_many_records_links_its_counts(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facet_counts, "INLINE_HITS", 2)
    query = MANY.replace("facet tests", "facet page")
    html = client.get("/search", params={"q": query}).text
    assert "are counted" in html and 'class="facet-link' not in html and 'class="hit' in html
    href = re.search(r'data-facets-href="([^"]+)"', html)
    assert href is not None and "facets=always" in href.group(1)
    counted = client.get(href.group(1).replace("&amp;", "&")).text
    assert 'class="facet-link' in counted and "facets-pending" not in counted
    assert "facets-pending" not in client.get("/search", params={"q": query}).text, "counted once, shown at once"


def test_few_records_have_their_counts_at_once(client: Any) -> None:
    data = client.get("/search.json", params={"q": MANY.replace("tests", "few")}).json()
    assert data["facets_deferred"] is False and data["facets_href"] is None and data["facets"]["language"]


def test_an_unknown_facets_value_is_a_clear_400(client: Any) -> None:
    response = client.get("/search.json", params={"q": "Khrushchev", "facets": "sometimes"})
    assert response.status_code == 400 and "facets=always" in response.text
