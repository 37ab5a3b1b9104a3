"""A record whose page cannot be drawn answers its plain text, never a 500 (web/fallback.py,
issue 17: "no route answers 500 for any stored record"). The door refuses broken records, so
the tests inject a failure for one record with monkeypatch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from fonds.config import Settings
from fonds.containment import page_failures
from fonds.index import Index
from fonds.ingest import ingest
from fonds.integrity import check
from fonds.record import Record
from fonds.store.sqlite import SQLiteStore
from fonds.web import app as app_module
from fonds.web.app import create_app
from conftest import Client

BAD = "rec-2"
HOSTILE = "<script>alert(1)</script> & wheat"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Client, SQLiteStore]]:
    source = tmp_path / "records.jsonl"
    source.write_text("".join(
        json.dumps({"id": f"rec-{n}", "title": f"Letter {n}: {HOSTILE}", "type": "Letter",
                    "renditions": [{"kind": "translation", "language": "en",
                                    "text": f"First paragraph {n}.\n\nSecond paragraph {n}, {HOSTILE}."}]}) + "\n"
        for n in (1, 2, 3)), encoding="utf-8")
    settings = Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "fonds.db.index"), sync_seconds=0)
    with SQLiteStore(settings.db) as store:
        assert ingest(store, [source], link_names=False).ok
        original = app_module.record_page

        def failing(archive: Any, record: Record, *args: Any, **kwargs: Any) -> Any:
            if record.id == BAD:
                raise ValueError("injected failure")
            return original(archive, record, *args, **kwargs)

        monkeypatch.setattr(app_module, "record_page", failing)
        yield Client(create_app(store, settings, Index(settings.index_path))), store


def test_a_record_page_that_cannot_be_drawn_answers_its_plain_text(site: tuple[Client, SQLiteStore]) -> None:
    client, store = site
    page = client.get(f"/records/{BAD}")
    assert page.status_code == 200
    assert "full page could not be shown" in page.text
    assert "Second paragraph 2" in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text, "hostile text is text"
    assert page.headers["content-security-policy"], "the security headers stay"
    twin = client.get(f"/records/{BAD}.json")
    assert twin.status_code == 200
    assert twin.json()["record"]["id"] == BAD
    assert client.get("/records/rec-1").status_code == 200, "the other records are drawn as before"
    assert "full page could not be shown" not in client.get("/records/rec-1").text


def test_staff_are_told_and_the_mark_goes_when_the_page_is_drawn_again(
    site: tuple[Client, SQLiteStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, store = site
    client.get(f"/records/{BAD}")
    assert page_failures(store) == {BAD: "ValueError: injected failure"}
    assert any(BAD in problem.origin and "web page could not be drawn" in problem.message for problem in check(store))
    monkeypatch.undo()  # the fault is mended
    assert "full page could not be shown" not in client.get(f"/records/{BAD}").text
    assert page_failures(store) == {}
    assert not any("web page" in problem.message for problem in check(store))


def test_a_path_that_names_no_record_is_still_404(site: tuple[Client, SQLiteStore]) -> None:
    client, _ = site
    assert client.get("/records/no-such-record").status_code == 404


def test_a_record_whose_stored_row_cannot_be_read_names_it_and_says_how_it_is_mended(tmp_path: Path) -> None:
    """Not the generic 500 page: the page (and its JSON twin, and an export) names the damaged
    record and tells the archivist what mends it; the other records are served as before."""
    import sqlite3

    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps({"id": f"rec-{n}", "title": f"Letter {n}", "type": "Letter"}) + "\n"
                              for n in (1, 2, 3)), encoding="utf-8")
    settings = Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "fonds.db.index"), sync_seconds=0)
    with SQLiteStore(settings.db) as store:
        assert ingest(store, [source], link_names=False).ok
        with sqlite3.connect(settings.db) as db:
            db.execute("UPDATE records SET data = '{broken' WHERE id = 'rec-2'")
        client = Client(create_app(store, settings, Index(settings.index_path)))
        for path in ("/records/rec-2", "/records/rec-2.tei"):
            page = client.get(path)
            assert page.status_code == 500
            assert "This record cannot be shown" in page.text
            assert "record &#39;rec-2&#39; is damaged in this archive&#39;s store" in page.text
            assert "fonds ingest FILE" in page.text and "fonds check" in page.text
            assert "something went wrong on our side" not in page.text
        twin = client.get("/records/rec-2.json")
        assert twin.status_code == 500
        assert twin.json()["error"].startswith("record 'rec-2' is damaged in this archive's store")
        assert client.get("/records/rec-1").status_code == 200
