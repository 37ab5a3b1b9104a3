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


def test_an_editor_splits_a_wrongly_merged_repository_out_again(app: FastAPI, store: SQLiteStore) -> None:
    held_by_rgani(store)
    ed = editor(app)
    kept = "/staff/repositories/repo:GARF"
    assert "Merged into this repository" not in ed.get(kept).text  # nothing to split yet
    assert ed.submit("/staff/repositories/repo:RGANI", "/staff/repositories/repo:RGANI",
                     {"action": "merge", "into": "repo:GARF"}).status_code == 303
    page = ed.get(kept).text
    assert "Merged into this repository" in page and 'name="merged" value="repo:RGANI"' in page
    split = ed.submit(kept, kept, {"action": "split", "merged": "repo:RGANI"})
    assert split.status_code == 303 and split.headers["location"] == "/staff/repositories/repo:RGANI"
    source = store.get(WCDA).source
    assert (source.repository, source.repository_code) == (RGANI, "RGANI")
    last = store.versions(WCDA)[-1]
    assert last.note == "split repository repo:RGANI out of repo:GARF" and last.agent == "user ed"
    assert any(a.action == "split repository" for a in store.audit_log())
    assert ed.get("/staff/repositories/repo:RGANI").status_code == 200  # its own page again, no 301
    assert "Merged into this repository" not in ed.get(kept).text
    reader = Browser(app)
    app.state.archive.index.update(store)
    assert reader.get(filter_href("repository", RGANI)).status_code == 200  # the old name no longer redirects
    assert WCDA in reader.get("/search.json?" + filter_href("repository", RGANI).split("?", 1)[1]).text


def test_bad_splits_say_why_and_change_nothing(app: FastAPI, store: SQLiteStore) -> None:
    held_by_rgani(store)
    ed = editor(app)
    kept = "/staff/repositories/repo:GARF"
    for merged, message in (("repo:RGANI", "was never merged into repo:GARF"), ("repo:NOPE", "no repository"),
                            ("", "no repository")):
        response = ed.submit(kept, kept, {"action": "split", "merged": merged})
        assert response.status_code == 400 and message in response.text, (merged, response.text[:300])
    assert store.get(WCDA).source.repository == RGANI and len(store.versions(WCDA)) == 2
    con = editor(app, "con")
    token = con.csrf(kept)
    assert con.post(kept, {"csrf": token, "action": "split", "merged": "repo:RGANI"}).status_code == 403
    assert ed.post(kept, {"action": "split", "merged": "repo:RGANI"}).status_code == 403  # no CSRF token


def test_an_editor_adds_a_repository_in_the_browser(app: FastAPI, store: SQLiteStore) -> None:
    record = store.get(WCDA)
    store.add([replace(record, source=Source(citation="ДАКО, ф. 1", repository="ДАКО", reference={"fond": "1"}))])
    ed = editor(app)
    listing = "/staff/repositories"
    assert "Add a repository" in ed.get(listing).text
    added = ed.submit(listing, listing, {"code": "GAKO", "name": "State Archive of the Kyiv Oblast", "place": "Kyiv",
                                         "forms": "ДАКО\nDAKO"})
    assert added.status_code == 303 and added.headers["location"] == "/staff/repositories/repo:GAKO"
    source = store.get(WCDA).source
    assert (source.repository, source.repository_printed) == ("State Archive of the Kyiv Oblast", "ДАКО")
    assert store.versions(WCDA)[-1].note == "repository repo:GAKO added"
    assert any(a.action == "add repository" for a in store.audit_log())
    shown = ed.get("/staff/repositories/repo:GAKO")
    assert shown.status_code == 200 and "Kyiv" in shown.text


def test_a_bad_new_repository_is_refused_at_its_field_and_nothing_is_stored(app: FastAPI, store: SQLiteStore) -> None:
    ed = editor(app)
    listing = "/staff/repositories"
    before = len(list(store.iter_entities(kind="repository")))
    good = {"code": "GAKO", "name": "State Archive of the Kyiv Oblast", "place": "", "forms": ""}
    for change, field, message in (({"name": ""}, "name", "needs a name"),
                                   ({"name": "   "}, "name", "needs a name"),
                                   ({"code": ""}, "code", "needs a code"),
                                   ({"code": "GARF"}, "code", "is already repository repo:GARF"),
                                   ({"code": "ГАРФ"}, "code", "is already repository repo:GARF"),
                                   ({"name": GARF}, "name", "is already repository repo:GARF"),
                                   ({"name": "Kyiv\x07Archive"}, "name", "control character (U+0007)"),
                                   ({"place": "Ky\x00iv"}, "place", "NUL"),
                                   ({"forms": "ok\nРГАНИ"}, "forms", "is already repository repo:RGANI"),
                                   ({"forms": "bad\x1b[31m"}, "forms", "control character (U+001B)")):
        response = ed.submit(listing, listing, {**good, **change})
        assert response.status_code == 400, (change, response.status_code)
        assert f'id="a-{field}-problem"' in response.text and message in response.text, (change, response.text[:500])
        assert 'aria-invalid="true"' in response.text
        kept = change.get("name", good["name"]).replace("\x07", "")
        assert f'value="{kept}"' in response.text or field == "name"  # what was typed is shown again
    assert len(list(store.iter_entities(kind="repository"))) == before  # nothing stored
    assert "repo:GAKO" not in Repositories.of(store).entries
    hostile = ed.submit(listing, listing, {**good, "name": "<script>alert(1)</script>", "code": "GARF"})
    assert hostile.status_code == 400 and "<script>alert(1)" not in hostile.text


def test_only_editors_add_repositories(app: FastAPI, store: SQLiteStore) -> None:
    data = {"code": "GAKO", "name": "State Archive of the Kyiv Oblast", "place": "", "forms": ""}
    assert Browser(app).post("/staff/repositories", {"csrf": "x", **data}).status_code == 403
    con = editor(app, "con")
    assert "Add a repository" not in con.get("/staff/repositories").text
    assert con.post("/staff/repositories", {"csrf": con.csrf("/staff/repositories"), **data}).status_code == 403
    ed = editor(app)
    assert ed.post("/staff/repositories", data).status_code == 403  # no CSRF token
    assert ed.post("/staff/repositories", {"csrf": "forged", **data}).status_code == 403
    assert "repo:GAKO" not in Repositories.of(store).entries
