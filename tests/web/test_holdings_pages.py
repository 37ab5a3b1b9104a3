"""An archive's own holdings on the site: an EAD's collections in Browse with their hierarchy,
a CSV's hostile title shown as text, and the finding aid downloaded back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import create_app

EAD = b"""<?xml version="1.0"?>
<!DOCTYPE ead PUBLIC "+//ISBN 1-931666-00-8//DTD ead.dtd (EAD Version 2002)//EN" "ead.dtd">
<ead xmlns="urn:isbn:1-931666-22-9"><eadheader><eadid>emb-1</eadid></eadheader>
<archdesc level="fonds"><did><unittitle>Embassy papers</unittitle><unitdate normal="1962/1963">1962-1963</unitdate></did>
<dsc><c01 id="s1"><did><unittitle>Letters</unittitle></did>
  <c02 id="f1"><did><unittitle>Letters to Moscow</unittitle></did>
    <c03 id="i1"><did><unittitle>Letter of 14 August</unittitle><unitdate normal="1962-08-14">August 14, 1962</unitdate></did></c03>
  </c02>
</c01></dsc></archdesc></ead>
"""


def get(app: Any, url: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            return await client.get(url)

    return asyncio.run(fetch())


def test_holdings_show_in_browse_with_their_hierarchy_and_hostile_titles_stay_text(tmp_path: Path) -> None:
    (tmp_path / "aid.xml").write_bytes(EAD)
    (tmp_path / "rows.csv").write_text('identifier,title,collection\nx-1,"<script>alert(1)</script> Memo",emb-1\n', encoding="utf-8")
    settings = Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "index"))
    store = SQLiteStore(settings.db)
    try:
        report = ingest(store, [tmp_path / "aid.xml", tmp_path / "rows.csv"], link_names=False)
        assert report.ok, report.rejected
        index = Index(settings.index_path)
        index.update(store)
        app = create_app(store, settings, index)
        browse = get(app, "/browse.json").json()
        (fonds_unit,) = [c for c in browse["collections"] if c["id"] == "emb-1"]
        (series,) = fonds_unit["children"]
        (file_unit,) = series["children"]
        assert (fonds_unit["title"], series["title"], file_unit["title"]) == ("Embassy papers", "Letters", "Letters to Moscow")
        assert file_unit["records"] == 1
        page = get(app, "/browse").text
        assert "Embassy papers" in page and "Letters to Moscow" in page
        record = get(app, "/records/x-1").text
        assert "<script>alert(1)</script>" not in record and "&lt;script&gt;alert(1)&lt;/script&gt; Memo" in record
        aid = get(app, "/collections/emb-1.ead.xml")
        assert aid.status_code == 200 and b"Letter of 14 August" in aid.content and b"<script>" not in aid.content
    finally:
        store.close()
