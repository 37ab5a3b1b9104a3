"""A record whose rendition carries a BCP 47 tag with a script or region subtag (`zh-Hant`,
`pt-BR`): the Language facet names it by its language, and its facet link and `lang:` search find
it instead of answering 400."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Client

from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import create_app


def test_a_tag_with_script_or_region_is_a_working_facet_link_and_filter(tmp_path: Path) -> None:
    source = tmp_path / "tags.jsonl"
    source.write_text("".join(json.dumps({
        "id": record_id, "title": f"Letter {record_id}", "type": "Letter",
        "renditions": [{"kind": "translation", "language": "en", "text": "A letter about wheat."},
                       {"kind": "transcript", "language": tag, "text": text}]}) + "\n"
        for record_id, tag, text in (("tag-hant", "zh-Hant", "蘇聯大使"), ("tag-br", "pt-BR", "Uma carta."))),
        encoding="utf-8")
    settings = Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "fonds.db.index"))
    with SQLiteStore(settings.db) as store:
        assert ingest(store, [source], link_names=False).ok
        Index(settings.index_path).update(store)
        client = Client(create_app(store, settings, Index(settings.index_path)))
        page = client.get("/search", params={"q": "wheat"})
        assert page.status_code == 200
        assert "Chinese (zh-Hant)" in page.text and "Portuguese (pt-BR)" in page.text
        found = client.get("/search.json", params={"q": "wheat", "filter": "lang:zh-Hant"})
        assert found.status_code == 200, found.text
        assert [hit["id"] for hit in found.json()["hits"]] == ["tag-hant"]
        assert [h["id"] for h in client.get("/search.json", params={"q": "lang:pt-br"}).json()["hits"]] == ["tag-br"]
        bad = client.get("/search", params={"q": "wheat", "filter": "lang:zh--Hant"})
        assert bad.status_code == 400 and "unknown language" in bad.text and "BCP 47" in bad.text
