"""Repository editing and merging over HTTP: the staff pages, roles, CSRF, hostile text, the old
address and old facet links redirecting, facets and browse following the merge."""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI

from fonds.record import Source
from fonds.repositories import Repositories
from fonds.store.sqlite import SQLiteStore
from fonds.web.pages import filter_href
from test_staff import (  # noqa: F401  (fixtures: a small archive of its own per test)
    WCDA, Browser, app, archive, cheap_hashes, editor, store, template,
)

GARF = "State Archive of the Russian Federation"
RGANI = "Russian State Archive of Contemporary History"


def held_by_rgani(store: SQLiteStore) -> None:
    record = store.get(WCDA)
    store.add([replace(record, source=Source(citation="RGANI, f. 5, op. 30, d. 1", repository=RGANI,
                                             repository_code="RGANI", reference={"fond": "5", "opis": "30", "delo": "1"}))])


def test_an_editor_merges_a_repository_and_old_links_follow(app: FastAPI, store: SQLiteStore) -> None:
    held_by_rgani(store)
    ed = editor(app)
    page = "/staff/repositories/repo:RGANI"
    assert ed.get(page).status_code == 200
    merged = ed.submit(page, page, {"action": "merge", "into": "repo:GARF"})
    assert merged.status_code == 303 and merged.headers["location"] == "/staff/repositories/repo:GARF"
    record = store.get(WCDA)
    assert record.source.repository == GARF and record.source.repository_code == "GARF"
    last = store.versions(WCDA)[-1]
    assert last.note == "merge repository repo:RGANI into repo:GARF" and last.agent == "user ed"
    assert any(a.action == "merge repositories" for a in store.audit_log())

    old = ed.get(page)
    assert old.status_code == 301 and old.headers["location"] == "/staff/repositories/repo:GARF"
    reader = Browser(app)
    app.state.archive.index.update(store)  # the index follows the change log (the server's follower does it)
    facet = reader.get(filter_href("repository", RGANI))
    assert facet.status_code == 301 and facet.headers["location"] == filter_href("repository", GARF)
    twin = reader.get(filter_href("repository", RGANI).replace("/search?", "/search.json?") + "&q=Kim")
    assert twin.status_code == 301 and twin.headers["location"].startswith("/search.json?")
    found = reader.get("/search.json?" + filter_href("repository", GARF).split("?", 1)[1])
    assert WCDA in found.text
    assert reader.get(filter_href("repository", GARF)).status_code == 200
    assert GARF in reader.get("/browse").text and RGANI not in reader.get("/browse").text


def test_an_editor_renames_a_repository(app: FastAPI, store: SQLiteStore) -> None:
    held_by_rgani(store)
    ed = editor(app)
    page = "/staff/repositories/repo:RGANI"
    response = ed.submit(page, page, {"action": "edit", "name": "RGANI (Moscow)", "code": "RGANI", "place": "Moscow",
                                      "forms": "РГАНИ"})
    assert response.status_code == 303
    assert store.get(WCDA).source.repository == "RGANI (Moscow)"
    reader = Browser(app)
    app.state.archive.index.update(store)  # the index follows the change log (the server's follower does it)
    assert reader.get(filter_href("repository", RGANI)).headers["location"] == filter_href("repository", "RGANI (Moscow)")


def test_bad_repository_edits_and_merges_say_why_and_change_nothing(app: FastAPI, store: SQLiteStore) -> None:
    held_by_rgani(store)
    ed = editor(app)
    page = "/staff/repositories/repo:RGANI"
    for data, message in (({"action": "merge", "into": "repo:RGANI"}, "cannot be merged into itself"),
                          ({"action": "merge", "into": "repo:NOPE"}, "no repository"),
                          ({"action": "edit", "name": "", "code": "", "place": "", "forms": ""}, "needs a name"),
                          ({"action": "edit", "name": "A\x00B", "code": "", "place": "", "forms": ""}, "NUL")):
        response = ed.submit(page, page, data)
        assert response.status_code == 400 and message in response.text, (data, response.text[:300])
    assert store.get(WCDA).source.repository == RGANI and len(store.versions(WCDA)) == 2


def test_repository_pages_are_for_staff_and_contributors_may_only_look(app: FastAPI, store: SQLiteStore) -> None:
    reader = Browser(app)
    for url in ("/staff/repositories", "/staff/repositories.json", "/staff/repositories/repo:GARF"):
        assert reader.get(url).status_code == 403
    assert reader.post("/staff/repositories/repo:GARF", {"csrf": "x", "action": "edit"}).status_code == 403
    con = editor(app, "con")
    assert con.get("/staff/repositories/repo:GARF").status_code == 200
    assert "Merge" not in con.get("/staff/repositories/repo:GARF").text
    token = con.csrf("/staff/repositories/repo:GARF")
    assert con.post("/staff/repositories/repo:GARF", {"csrf": token, "action": "merge", "into": "repo:AVPRF"}).status_code == 403
    ed = editor(app)
    assert ed.post("/staff/repositories/repo:GARF", {"action": "merge", "into": "repo:AVPRF"}).status_code == 403
    assert Repositories.of(store).aliases == {}  # no merge happened
    listed = ed.get("/staff/repositories.json").json()["repositories"]
    assert any(r["id"] == "repo:GARF" and "ГАРФ" in r["forms"] for r in listed)


def test_hostile_text_in_a_repository_is_shown_as_text(app: FastAPI, store: SQLiteStore) -> None:
    ed = editor(app)
    page = "/staff/repositories/repo:GARF"
    hostile = "<script>alert(1)</script>"
    assert ed.submit(page, page, {"action": "edit", "name": "GARF " + hostile, "code": "GARF", "place": hostile,
                                  "forms": ""}).status_code == 303
    for url in (page, "/staff/repositories"):
        text = ed.get(url).text
        assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_an_edit_naming_a_merged_repository_goes_under_the_kept_one(app: FastAPI, store: SQLiteStore) -> None:
    from test_staff import edit_form

    ed = editor(app)
    page = "/staff/repositories/repo:RGANI"
    assert ed.submit(page, page, {"action": "merge", "into": "repo:GARF"}).status_code == 303
    fields = edit_form(ed, WCDA)
    saved = ed.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                      {**fields, "repository": "РГАНИ", "repository_code": ""})
    assert saved.status_code == 303
    source = store.get(WCDA).source
    assert (source.repository, source.repository_printed) == (GARF, "РГАНИ")
    saved = ed.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                      {**edit_form(ed, WCDA), "repository": "Hoover Institution Archives"})
    source = store.get(WCDA).source
    assert (source.repository, source.repository_printed) == ("Hoover Institution Archives", None)  # not pulled back


def test_restoring_a_record_puts_it_under_the_repository_merged_meanwhile(app: FastAPI, store: SQLiteStore) -> None:
    held_by_rgani(store)
    ed = editor(app)
    assert ed.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/withdraw", {"reason": "rights"}).status_code == 303
    page = "/staff/repositories/repo:RGANI"
    assert ed.submit(page, page, {"action": "merge", "into": "repo:GARF"}).status_code == 303
    assert ed.submit(f"/records/{WCDA}", f"/staff/records/{WCDA}/restore", {"note": "cleared"}).status_code == 303
    assert store.get(WCDA).source.repository == GARF
