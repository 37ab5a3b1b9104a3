"""A record page's previous/next for a record outside a FRUS volume: its collection by date."""

from __future__ import annotations

import re
from typing import Any

from fonds.index import Index
from fonds.query import Filter


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a[^>]*rel="{rel}"[^>]*>', html)
    if found is None:
        return None
    href = re.search(r'href="/records/([^"]+)"', found.group(0))
    return href.group(1) if href else None


def test_a_project_record_page_links_the_records_before_and_after_it_by_date(shelf_client: Any, shelf_settings: Any) -> None:
    order = [h.id for h in Index(shelf_settings.index_path).search(
        Filter("collection", "SHELF"), limit=1000, sort="date", facets=False, snippets=False).hits]
    assert len(order) >= 10
    for at, record_id in enumerate(order):
        html = shelf_client.get(f"/records/{record_id}").text
        assert "by date" in html
        assert _link(html, "prev") == (order[at - 1] if at > 0 else None), record_id
        assert _link(html, "next") == (order[at + 1] if at + 1 < len(order) else None), record_id


def test_records_of_one_day_follow_their_time_of_day(shelf_client: Any) -> None:
    # clock-b 9:30 a.m., clock-c 12:15 p.m., clock-a 6 p.m. (stored out of that order)
    html = shelf_client.get("/records/clock-c").text
    assert (_link(html, "prev"), _link(html, "next")) == ("clock-b", "clock-a")
    assert _link(shelf_client.get("/records/clock-b").text, "prev") is None
