"""The staff side over HTTP: accounts and sessions, editing and versions, withdrawal, link review,
corrections, the authority; and the security rules (403 for readers, CSRF, signed cookies, lockout,
hostile text shown as text). Each test gets its own small archive."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer

from fonds import accounts
from fonds.authority import Entity
from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.record import PersonLink, Record, Rendition
from fonds.store.sqlite import SQLiteStore
from fonds.web.app import create_app

PASSWORD = "correct horse battery"
WCDA = "wcda-110485"
DOUBTFUL = Record(
    id="test-doubt",
    title="Note on a meeting",
    renditions=(Rendition("translation", "en", "Rusk met Smith and then left."),),
    persons=(PersonLink("p-smith", "John Smith", source="linked by fonds", confidence=0.5, rule="only entry with this name",
                        text="Smith", start=10, end=15, rendition=0),),
)


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> Iterator[None]:
    """Cheap argon2 parameters: the production ones take seconds on a busy test machine."""
    from argon2 import PasswordHasher

    before = accounts._hasher
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    accounts.use_hasher(before)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """A small archive made once per module: the Wilson Center record, a doubtful link, three accounts."""
    path = tmp_path_factory.mktemp("staff") / "fonds.db"
    store = SQLiteStore(path)
    report = ingest(store, [corpus / "wilson-center"])
    assert report.ok, report.rejected
    store.add([DOUBTFUL], entities=[Entity("p-smith", "John Smith"), Entity("p-smyth", "Joan Smyth")])
    for name, role in (("ed", "editor"), ("con", "contributor"), ("boss", "admin")):
        store.put_user(accounts.new_user(name, role, PASSWORD))
    store.close()
    return path


@pytest.fixture
def archive(tmp_path: Path, template: Path) -> Iterator[tuple[SQLiteStore, Settings]]:
    """A copy of the template archive for one test."""
    shutil.copyfile(template, tmp_path / "fonds.db")
    store = SQLiteStore(tmp_path / "fonds.db")
    settings = Settings(db=str(tmp_path / "fonds.db"), index=str(tmp_path / "index"))
    yield store, settings
    store.close()


@pytest.fixture
def app(archive: tuple[SQLiteStore, Settings]) -> FastAPI:
    store, settings = archive
    return create_app(store, settings, Index(settings.index_path))


@pytest.fixture
def store(archive: tuple[SQLiteStore, Settings]) -> SQLiteStore:
    return archive[0]


CSRF = re.compile(r'name="csrf" value="([^"]*)"')


class Browser:
    """One visitor: a cookie jar over the app (no server, no network)."""

    def __init__(self, app: FastAPI, base: str = "http://testserver") -> None:
        self.app = app
        self.base = base
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base, cookies=self.cookies) as client:
                response = await client.request(method, url, **kwargs)
                self.cookies = client.cookies
                return response

        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, data=data, **kwargs)

    def csrf(self, url: str) -> str:
        """The CSRF token of the form on a page."""
        page = self.get(url)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {url} ({page.status_code})"
        return found.group(1)

    def submit(self, page_url: str, action: str, data: dict[str, str]) -> httpx.Response:
        """Open a page, then post a form to `action` with the page's CSRF token."""
        return self.post(action, {**data, "csrf": self.csrf(page_url)})

    def login(self, name: str, password: str) -> httpx.Response:
        return self.submit("/staff/login", "/staff/login", {"name": name, "password": password})


def editor(app: FastAPI, name: str = "ed") -> Browser:
    browser = Browser(app)
    assert browser.login(name, PASSWORD).status_code == 303
    return browser


def edit_form(browser: Browser, record_id: str) -> dict[str, str]:
    """The edit form's fields as they stand (inputs and textareas)."""
    html = browser.get(f"/staff/records/{record_id}/edit").text
    fields = {m.group(1): _unescape(m.group(2)) for m in re.finditer(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', html)}
    fields.update({m.group(1): _unescape(m.group(2)) for m in re.finditer(r'name="([^"]+)" rows="\d+" cols="\d+"[^>]*>(.*?)</textarea>', html, re.S)})
    return fields


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


# -- accounts and sessions -------------------------------------------------------------------


def test_login_sets_a_hardened_session_cookie_and_staff_pages_are_not_cached(app: FastAPI) -> None:
    browser = Browser(app)
    response = browser.login("ed", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/staff/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("fonds_staff="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    home = browser.get("/staff/")
    assert home.status_code == 200 and "Logged in as" in home.text and "ed" in home.text
    assert home.headers["cache-control"] == "no-store"


def test_the_cookie_is_secure_behind_https(archive: tuple[SQLiteStore, Settings]) -> None:
    store, settings = archive
    app = create_app(store, Settings(db=settings.db, index=settings.index, base_url="https://archive.example.org"),
                     Index(settings.index_path))
    browser = Browser(app, base="https://testserver")
    response = browser.login("ed", PASSWORD)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("fonds_staff="))
    assert "Secure" in cookie
    assert "Secure" in Browser(app, base="https://testserver").get("/staff/login").headers["set-cookie"]


def test_a_wrong_password_is_refused_and_the_reader_stays_a_reader(app: FastAPI) -> None:
    browser = Browser(app)
    response = browser.login("ed", "not the password")
    assert response.status_code == 401
    assert "do not match an account" in response.text
    assert browser.get("/staff/").status_code == 403


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(app: FastAPI, store: SQLiteStore) -> None:
    browser = Browser(app)
    statuses = [browser.login("ed", f"wrong password {n}").status_code for n in range(10)]
    assert statuses == [401] * 9 + [429]
    locked = browser.login("ed", PASSWORD)
    assert locked.status_code == 429 and "locked until" in locked.text
    user = store.get_user("ed")
    assert user is not None and user.locked_until > ""
    assert Browser(app).login("boss", PASSWORD).status_code == 303  # other accounts are not locked


def test_logout_ends_the_session_in_the_store(app: FastAPI) -> None:
    browser = editor(app)
    stolen = dict(browser.cookies)
    response = browser.submit("/staff/", "/staff/logout", {})
    assert response.status_code == 303
    thief = Browser(app)
    thief.cookies.update(stolen)
    assert thief.get("/staff/").status_code == 403


def test_a_disabled_account_loses_its_session(app: FastAPI, store: SQLiteStore) -> None:
    from dataclasses import replace

    browser = editor(app)
    user = store.get_user("ed")
    assert user is not None
    store.put_user(replace(user, is_disabled=True))
    assert browser.get("/staff/").status_code == 403
    assert Browser(app).login("ed", PASSWORD).status_code == 401


STAFF_ROUTES = [
    ("GET", "/staff/"), ("GET", "/staff/index.json"), ("GET", "/staff/review"), ("GET", "/staff/review.json"),
    ("GET", "/staff/corrections"), ("GET", "/staff/corrections.json"), ("GET", f"/staff/records/{WCDA}/edit"), ("GET", "/staff/persons/p-smith"),
    ("POST", "/staff/review"), ("POST", "/staff/corrections"), ("POST", f"/staff/records/{WCDA}/edit"),
    ("POST", f"/staff/records/{WCDA}/withdraw"), ("POST", f"/staff/records/{WCDA}/restore"),
    ("POST", "/staff/persons/p-smith"), ("POST", "/staff/logout"),
    ("GET", f"/staff/records/{WCDA}/attach"), ("POST", f"/staff/records/{WCDA}/attach"),
    ("GET", "/staff/jobs/0123456789abcdef0123456789abcdef"), ("GET", "/staff/jobs/0123456789abcdef0123456789abcdef.json"),
    ("GET", "/staff/proposals"), ("GET", "/staff/proposals.json"), ("GET", "/staff/proposals/1"),
    ("GET", "/staff/proposals/1.json"), ("POST", "/staff/proposals/1"), ("POST", f"/staff/records/{WCDA}/propose"),
    ("GET", "/staff/repositories"), ("GET", "/staff/repositories.json"), ("GET", "/staff/repositories/repo:GARF"),
    ("POST", "/staff/repositories/repo:GARF"), ("POST", "/staff/repositories"),
]


@pytest.mark.parametrize(("method", "url"), STAFF_ROUTES)
def test_a_reader_gets_403_on_every_staff_route(app: FastAPI, method: str, url: str) -> None:
    response = Browser(app).request(method, url, data={"csrf": "x"} if method == "POST" else None)
    assert response.status_code == 403
    assert response.headers["cache-control"] == "no-store"


def test_every_staff_route_is_in_the_403_list(app: FastAPI) -> None:
    paths = {route.path for route in app.routes if getattr(route, "path", "").startswith("/staff/")}  # type: ignore[attr-defined]
    listed = {re.sub(r"/jobs/[0-9a-f]+(\.json)?$", "/jobs/{job_id}", re.sub(r"/proposals/\d+$", "/proposals/{number}",
                     re.sub(r"/records/[^/]+/", "/records/{record_id}/", u).replace("/persons/p-smith", "/persons/{entity_id:path}")
                     .replace("/repositories/repo:GARF", "/repositories/{entity_id:path}")))
              for _, u in STAFF_ROUTES}
    assert paths - {"/staff/login"} <= listed


@pytest.mark.parametrize(("role", "status"), [("con", 403), ("ed", 303)])
def test_a_contributor_may_look_but_not_save(app: FastAPI, role: str, status: int) -> None:
    browser = editor(app, role)
    assert browser.get(f"/staff/records/{WCDA}/edit").status_code == 200
    fields = edit_form(browser, WCDA)
    response = browser.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit", {**fields, "title": "Changed"})
    assert response.status_code == status


def test_a_post_without_the_csrf_token_fails(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    fields = edit_form(browser, WCDA)
    for token in (None, "", "forged"):
        data = {**fields, "title": "Forged change"}
        if token is not None:
            data["csrf"] = token
        assert browser.post(f"/staff/records/{WCDA}/edit", data).status_code == 403
    assert store.get(WCDA).title != "Forged change"
    assert Browser(app).post("/staff/login", {"name": "ed", "password": PASSWORD}).status_code == 403


def test_a_session_cookie_signed_with_another_secret_fails(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    token_cookie = browser.cookies["fonds_staff"]
    real = URLSafeTimedSerializer(store.site_secret(), salt="session").loads(token_cookie)
    forged = URLSafeTimedSerializer("another secret entirely", salt="session").dumps(real)
    thief = Browser(app)
    thief.cookies.set("fonds_staff", forged)
    assert thief.get("/staff/").status_code == 403
    thief.cookies.set("fonds_staff", token_cookie)  # the genuine cookie still works: the test can fail
    assert thief.get("/staff/").status_code == 200


# -- editing and versions --------------------------------------------------------------------


def test_an_edit_makes_a_version_with_a_word_diff_and_version_1_stays_citable(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    old_title = store.get(WCDA).title
    fields = edit_form(browser, WCDA)
    new_title = old_title.replace("Kim II Sung", "Kim Il Sung")
    response = browser.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                              {**fields, "title": new_title, "note": "fixed the OCR slip"})
    assert response.status_code == 303
    assert store.get(WCDA).title == new_title
    versions = store.versions(WCDA)
    assert [v.number for v in versions] == [1, 2] and versions[1].agent == "user ed" and versions[1].note == "fixed the OCR slip"

    reader = Browser(app)
    history = reader.get(f"/records/{WCDA}/history")
    assert history.status_code == 200
    assert "<del>II</del><ins>Il</ins>" in history.text
    data = reader.get(f"/records/{WCDA}/history.json").json()
    assert [v["number"] for v in data["versions"]] == [1, 2]
    assert {"op": "insert", "text": "Il"} in data["diff"]["changes"][0]["runs"]

    first = reader.get(f"/records/{WCDA}/v/1")
    assert first.status_code == 200 and old_title in first.text and "an earlier version" in first.text
    assert f"/records/{WCDA}/v/1" in first.text and "version 1 (" in first.text and "accessed" in first.text
    first_json = reader.get(f"/records/{WCDA}/v/1.json").json()
    assert first_json["record"]["title"] == old_title and first_json["version"]["latest"] == 2
    assert "origin" not in first_json["record"] and "warnings" not in first_json["record"]
    current = reader.get(f"/records/{WCDA}")
    assert "Version</dt><dd>2 of" in current.text and f"/records/{WCDA}/v/2" in current.text
    assert reader.get(f"/records/{WCDA}/v/3").status_code == 404


def test_an_edit_is_derived_again_as_an_import_would(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    fields = edit_form(browser, WCDA)
    text = fields["text-0"] + "\n\nThe Ambassador [then] left [...]."
    response = browser.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                              {**fields, "date": "c. 1963", "reference": "fond 0102, opis 19", "text-0": text})
    assert response.status_code == 303, re.findall(r"<li>(.*?)</li>", response.text)[-4:]
    record = store.get(WCDA)
    assert (record.date.earliest, record.date.latest) == ("1962-01-01", "1964-12-31")
    assert dict(record.source.reference) == {"fond": "0102", "opis": "19"}
    kinds = [(m.kind, record.renditions[0].text[m.start:m.end]) for m in record.renditions[0].marks]
    assert ("supplied", "[then]") in kinds and ("gap", "[...]") in kinds
    assert any(p.name == "Kim Il Sung" for p in record.persons)  # names linked again


def test_staff_see_the_warnings_kept_on_a_record_and_readers_do_not(app: FastAPI, store: SQLiteStore) -> None:
    from dataclasses import replace

    from fonds.errors import Problem

    record = store.get(WCDA)
    store.add([replace(record, title=record.title + ".").with_warnings(Problem("110485.txt:3", "date <b>guessed</b> from the citation"))])
    assert "date &lt;b&gt;guessed&lt;/b&gt; from the citation" in editor(app).get(f"/staff/records/{WCDA}/edit").text
    reader = Browser(app)
    assert "guessed" not in reader.get(f"/records/{WCDA}").text
    assert "guessed" not in reader.get(f"/records/{WCDA}/v/2.json").text


def test_a_bad_edit_stores_nothing_and_says_what_is_wrong(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    fields = edit_form(browser, WCDA)
    response = browser.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                              {**fields, "title": "", "date": "the day after", "languages": "Klingon",
                               "credits": "just a name"})
    assert response.status_code == 400
    text = response.text
    assert "title: a record needs a title" in text
    assert "date: date &#39;the day after&#39; is not one we understand" in text
    assert "languages: &#39;Klingon&#39; is not a language we know" in text
    assert "credits line 1" in text
    assert len(store.versions(WCDA)) == 1


def test_hostile_text_in_an_edit_is_shown_as_text(app: FastAPI, store: SQLiteStore) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    browser = editor(app)
    fields = edit_form(browser, WCDA)
    browser.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                   {**fields, "title": f"Title {hostile}", "summary": hostile, "note": hostile})
    assert store.get(WCDA).title == f"Title {hostile}"
    for url in (f"/records/{WCDA}", f"/records/{WCDA}/history", f"/records/{WCDA}/v/2", "/staff/",
                f"/staff/records/{WCDA}/edit"):
        page = browser.get(url)
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, url
        assert "&lt;script&gt;" in page.text, url


# -- withdrawal ------------------------------------------------------------------------------


def test_a_withdrawn_record_answers_410_with_a_tombstone_and_leaves_search_and_oai(
    app: FastAPI, store: SQLiteStore, archive: tuple[SQLiteStore, Settings]
) -> None:
    browser = editor(app)
    title = store.get(WCDA).title
    response = browser.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/withdraw",
                              {"reason": "rights not cleared"})
    assert response.status_code == 303
    reader = Browser(app)
    page = reader.get(f"/records/{WCDA}")
    assert page.status_code == 410
    assert title in page.text and "rights not cleared" in page.text and "Archive of the Foreign Policy" in page.text
    data = reader.get(f"/records/{WCDA}.json").json()
    assert data["status"] == 410 and data["withdrawn"]["reason"] == "rights not cleared"
    assert reader.get(f"/records/{WCDA}/v/1").status_code == 410
    assert reader.get(f"/records/{WCDA}/history").status_code == 410

    index = Index(archive[1].index_path)
    index.update(store)
    assert index.search(None, limit=10).total == 1  # only the other record
    oai = reader.get(f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:fonds:{WCDA}")
    assert '<header status="deleted">' in oai.text

    assert "Restore this record" in browser.get(f"/records/{WCDA}").text  # staff see the way back
    assert "Restore this record" not in page.text
    restored = browser.submit(f"/records/{WCDA}", f"/staff/records/{WCDA}/restore", {"note": "rights cleared"})
    assert restored.status_code == 303
    assert [v.kind for v in store.versions(WCDA)] == ["change", "withdrawn", "change"]
    assert store.versions(WCDA)[-1].note == "rights cleared"
    assert reader.get(f"/records/{WCDA}").status_code == 200


def test_a_withdrawal_needs_a_reason(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    response = browser.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/withdraw", {"reason": "  "})
    assert response.status_code == 400 and "say why" in response.text
    assert store.get(WCDA).id == WCDA


def test_a_nul_in_a_reason_or_note_is_refused_by_its_field_and_nothing_is_stored(app: FastAPI, store: SQLiteStore) -> None:
    """PostgreSQL's text cannot hold U+0000 (a 500 there before); SQLite stored it and drew it raw."""
    browser = editor(app)
    page = f"/staff/records/{WCDA}/edit"
    withdrawn = browser.submit(page, f"/staff/records/{WCDA}/withdraw", {"reason": "rights\x00 not cleared"})
    assert withdrawn.status_code == 400 and "reason: holds a NUL character" in withdrawn.text
    assert store.get(WCDA).id == WCDA and store.versions(WCDA)[-1].kind == "change"
    before = len(store.versions(WCDA))
    fields = edit_form(browser, WCDA)
    edited = browser.submit(page, page, {**fields, "title": "A new title", "note": "fixed\x00"})
    assert edited.status_code == 400 and "note: holds a NUL character" in edited.text
    assert len(store.versions(WCDA)) == before and store.get(WCDA).title != "A new title"


# -- link review -----------------------------------------------------------------------------


def test_a_doubtful_link_waits_for_review_and_a_rejection_removes_it(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    queue = browser.get("/staff/review.json").json()["pending"]
    doubt = next(p for p in queue if p["record"] == "test-doubt")
    assert doubt["rule"] == "only entry with this name" and doubt["confidence"] == 0.5 and doubt["text"] == "Smith"
    response = browser.submit("/staff/review", "/staff/review", {
        "record_id": "test-doubt", "entity_id": "p-smith", "mention": doubt["mention"], "decision": "rejected"})
    assert response.status_code == 303
    assert store.get("test-doubt").persons == ()
    assert all(p["record"] != "test-doubt" for p in browser.get("/staff/review.json").json()["pending"])
    assert store.versions("test-doubt")[-1].note == "link to p-smith rejected"


# -- corrections -----------------------------------------------------------------------------


def test_a_reader_reports_an_error_and_an_editor_closes_it_with_the_fixing_version(app: FastAPI, store: SQLiteStore) -> None:
    reader = Browser(app)
    form = reader.get(f"/records/{WCDA}/report")
    assert form.status_code == 200 and "fonds_form=" in form.headers.get("set-cookie", "")
    assert reader.post(f"/records/{WCDA}/report", {"message": "no token"}).status_code == 403
    sent = reader.submit(f"/records/{WCDA}/report", f"/records/{WCDA}/report",
                         {"message": "The title says Kim II Sung <b>twice</b>", "contact": "h@example.org"})
    assert sent.status_code == 200 and "waits for the archive" in sent.text
    browser = editor(app)
    listed = browser.get("/staff/corrections")
    assert "Kim II Sung &lt;b&gt;twice&lt;/b&gt;" in listed.text and "h@example.org" in listed.text
    number = store.corrections("open")[0].id
    bad = browser.submit("/staff/corrections", "/staff/corrections", {"number": str(number), "version": "9"})
    assert bad.status_code == 400
    done = browser.submit("/staff/corrections", "/staff/corrections", {"number": str(number), "version": "1", "note": "ok"})
    assert done.status_code == 303
    assert store.corrections("open") == []
    assert f'href="/records/{WCDA}/v/1"' in browser.get("/staff/corrections").text


def test_correction_reports_are_rate_limited(app: FastAPI, store: SQLiteStore) -> None:
    reader = Browser(app)
    statuses = [reader.submit(f"/records/{WCDA}/report", f"/records/{WCDA}/report", {"message": f"report {n}"}).status_code
                for n in range(6)]
    assert statuses == [200] * 5 + [429]
    assert len(store.corrections("open")) == 5


# -- the authority ---------------------------------------------------------------------------


def test_merging_two_persons_repoints_records_and_redirects_the_old_id(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    response = browser.submit("/staff/persons/p-smith", "/staff/persons/p-smith", {"action": "merge", "into": "p-smyth"})
    assert response.status_code == 303
    assert [p.id for p in store.get("test-doubt").persons] == ["p-smyth"]
    assert "John Smith" in store.get_entity("p-smyth").names
    moved = Browser(app).get("/persons/p-smith")
    assert moved.status_code == 301 and moved.headers["location"] == "/persons/p-smyth"


def test_editing_a_person_keeps_names_and_refuses_an_empty_one(app: FastAPI, store: SQLiteStore) -> None:
    browser = editor(app)
    bad = browser.submit("/staff/persons/p-smith", "/staff/persons/p-smith",
                         {"preferred": " ", "variants": "", "dates": "", "note": ""})
    assert bad.status_code == 400 and "needs a preferred name" in bad.text
    browser.submit("/staff/persons/p-smith", "/staff/persons/p-smith",
                   {"preferred": "John Q. Smith", "variants": "J. Smith\nSmith, John", "dates": "1900-1970", "note": "a diplomat"})
    entity = store.get_entity("p-smith")
    assert entity.preferred == "John Q. Smith" and entity.dates == "1900-1970"
    assert [v.name for v in entity.variants] == ["J. Smith", "Smith, John"] and entity.description == "a diplomat"


def test_readers_do_not_wait_while_a_login_hashes_its_password(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    lock = app.state.archive.store_lock
    taken: list[bool] = []
    real = accounts.password_matches

    def slow_check(digest: str, password: str) -> bool:
        def reader() -> None:  # a reader's request takes the store lock while the hash runs
            got = lock.acquire(timeout=2)
            taken.append(got)
            if got:
                lock.release()

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join()
        return real(digest, password)

    monkeypatch.setattr(accounts, "password_matches", slow_check)
    assert Browser(app).login("ed", PASSWORD).status_code == 303
    assert taken == [True]


def test_the_staff_home_lists_records_the_index_could_not_take(
    app: FastAPI, archive: tuple[SQLiteStore, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Containment (issue 17): a failure injected for one record while indexing is shown to staff."""
    from fonds import index_writing as index_module  # documents are built on the write path

    store, settings = archive
    victim = next(store.iter_records()).id
    original = index_module.document

    def failing(record: Record, *args: Any, **kwargs: Any) -> Any:
        if record.id == victim:
            raise ValueError("injected failure")
        return original(record, *args, **kwargs)

    monkeypatch.setattr(index_module, "document", failing)
    Index(settings.index_path).update(store)
    browser = editor(app)
    page = browser.get("/staff/")
    assert "Records the search index could not take" in page.text
    assert f"{victim}</a>: ValueError: injected failure" in page.text
    data = browser.get("/staff/index.json").json()
    assert data["index_failures"] == [{"id": victim, "error": "ValueError: injected failure"}]


def test_the_staff_home_lists_records_whose_page_could_not_be_drawn(
    app: FastAPI, archive: tuple[SQLiteStore, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Containment (issue 17): a record page that fails for one record is shown to staff (web/fallback.py)."""
    from fonds.web import app as app_module

    store, _ = archive
    victim = next(store.iter_records()).id
    original = app_module.record_page

    def failing(archive_: Any, record: Record, *args: Any, **kwargs: Any) -> Any:
        if record.id == victim:
            raise ValueError("injected failure")
        return original(archive_, record, *args, **kwargs)

    monkeypatch.setattr(app_module, "record_page", failing)
    browser = editor(app)
    assert browser.get(f"/records/{victim}").status_code == 200
    page = browser.get("/staff/")
    assert "Records whose page could not be drawn" in page.text
    assert f"{victim}</a>: ValueError: injected failure" in page.text
    assert browser.get("/staff/index.json").json()["page_failures"] == [{"id": victim, "error": "ValueError: injected failure"}]
