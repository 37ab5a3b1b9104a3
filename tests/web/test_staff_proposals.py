"""Contributors' proposals over HTTP: propose from the edit form (checked at the door), the queue,
accept (a version naming both), reject with a reason, stale proposals, roles, CSRF, hostile text."""

from __future__ import annotations

import re

from fastapi import FastAPI

from fonds.store.sqlite import SQLiteStore
from test_staff import (  # noqa: F401  (fixtures: a small archive of its own per test)
    WCDA, Browser, app, archive, cheap_hashes, edit_form, editor, store, template,
)


def propose(browser: Browser, record_id: str, changes: dict[str, str]) -> tuple[int, str]:
    """Open the edit form as the browser's user, change some fields and propose; (status, location or body)."""
    fields = edit_form(browser, record_id)
    response = browser.submit(f"/staff/records/{record_id}/edit", f"/staff/records/{record_id}/propose",
                              {**fields, **changes})
    return response.status_code, response.headers.get("location", response.text)


def test_the_edit_form_of_a_contributor_proposes(app: FastAPI) -> None:
    page = editor(app, "con").get(f"/staff/records/{WCDA}/edit").text
    assert f'action="/staff/records/{WCDA}/propose"' in page and "Propose this change" in page
    page = editor(app, "ed").get(f"/staff/records/{WCDA}/edit").text
    assert f'action="/staff/records/{WCDA}/edit"' in page and "Save a new version" in page


def test_a_proposal_stores_nothing_in_the_record_until_an_editor_accepts_it(app: FastAPI, store: SQLiteStore) -> None:
    old_title = store.get(WCDA).title
    con = editor(app, "con")
    status, location = propose(con, WCDA, {"title": old_title + " (corrected)", "note": "typo in the title"})
    assert status == 303 and re.fullmatch(r"/staff/proposals/\d+", location)
    number = int(location.rsplit("/", 1)[1])
    assert store.get(WCDA).title == old_title and len(store.versions(WCDA)) == 1
    kept = store.get_proposal(number)
    assert (kept.proposer, kept.base, kept.status, kept.note) == ("con", 1, "open", "typo in the title")
    assert kept.record.title == old_title + " (corrected)"
    assert any(a.action == "propose" and a.agent == "user con" for a in store.audit_log())

    mine = con.get("/staff/proposals.json").json()
    assert [p["number"] for p in mine["open"]] == [number]
    ed = editor(app)
    queue = ed.get("/staff/proposals")
    assert queue.status_code == 200 and f"/staff/proposals/{number}" in queue.text and "typo in the title" in queue.text
    shown = ed.get(f"/staff/proposals/{number}")
    assert shown.status_code == 200 and "<ins> (corrected)</ins>" in shown.text

    accepted = ed.submit(f"/staff/proposals/{number}", f"/staff/proposals/{number}", {"action": "accept", "reason": ""})
    assert accepted.status_code == 303
    assert store.get(WCDA).title == old_title + " (corrected)"
    last = store.versions(WCDA)[-1]
    assert last.number == 2 and "con" in last.agent and "ed" in last.agent and last.agent == "user con, accepted by user ed"
    decided = store.get_proposal(number)
    assert (decided.status, decided.version, decided.decided_by) == ("accepted", 2, "user ed")
    assert any(a.action == "accept proposal" for a in store.audit_log())
    history = Browser(app).get(f"/records/{WCDA}/history").text
    assert "user con, accepted by user ed" in history
    status_page = con.get("/staff/proposals.json").json()
    assert status_page["open"] == [] and status_page["decided"][0]["status"] == "accepted"
    again = ed.post(f"/staff/proposals/{number}", {"action": "accept", "csrf": ed.csrf("/staff/proposals")})
    assert again.status_code == 409 and "was accepted by user ed" in again.text
    assert len(store.versions(WCDA)) == 2


def test_a_proposal_is_checked_at_the_door_and_problems_come_back_by_field(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    status, body = propose(con, WCDA, {"title": "", "date": "the thirty-second of Smarch", "languages": "Klingon",
                                       "note": "bad"})
    assert status == 400
    assert "title: a record needs a title" in body and "date:" in body and "languages:" in body
    assert store.proposals(status=None) == []
    status, body = propose(con, WCDA, {"note": "nothing changed"})
    assert status == 400 and "changes nothing" in body
    status, body = propose(con, WCDA, {"title": "A title\x00with NUL", "note": "n" * 2001})
    assert status == 400 and "title: holds a NUL" in body and "note: 2,001 characters" in body  # every problem at once
    status, body = propose(con, WCDA, {"title": "Fine title", "note": "n" * 5000})
    assert status == 400 and "note:" in body and "shorten it" in body
    assert store.proposals(status=None) == []


def test_a_proposal_re_derives_what_fonds_derives(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    status, location = propose(con, WCDA, {"date": "March 3, 1963", "reference": "fond 5, opis 30, delo 12"})
    assert status == 303
    proposed = store.get_proposal(int(location.rsplit("/", 1)[1])).record
    assert proposed.date.earliest is not None and str(proposed.date.earliest).startswith("1963-03-03")
    assert proposed.source.reference.get("fond") == "5" and proposed.source.reference.get("delo") == "12"


def test_rejecting_needs_a_reason_and_the_contributor_sees_it(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    _, location = propose(con, WCDA, {"title": "Wrong title"})
    ed = editor(app)
    empty = ed.submit(location, location, {"action": "reject", "reason": "  "})
    assert empty.status_code == 400 and "say why" in empty.text
    done = ed.submit(location, location, {"action": "reject", "reason": "the printed title is right"})
    assert done.status_code == 303
    assert store.get(WCDA).title != "Wrong title" and len(store.versions(WCDA)) == 1
    mine = con.get("/staff/proposals.json").json()["decided"][0]
    assert (mine["status"], mine["reason"]) == ("rejected", "the printed title is right")
    assert "the printed title is right" in con.get(location).text
    assert any(a.action == "reject proposal" for a in store.audit_log())
    late = ed.post(location, {"action": "accept", "csrf": ed.csrf("/staff/proposals")})
    assert late.status_code == 409 and "was rejected" in late.text


def test_contributors_may_not_decide_and_see_only_their_own(app: FastAPI, store: SQLiteStore) -> None:
    from fonds import accounts
    from test_staff import PASSWORD

    store.put_user(accounts.new_user("con2", "contributor", PASSWORD))
    con = editor(app, "con")
    _, location = propose(con, WCDA, {"title": "Proposed by con"})
    token = con.csrf(location)
    assert con.post(location, {"action": "accept", "csrf": token}).status_code == 403
    assert store.get_proposal(int(location.rsplit("/", 1)[1])).status == "open"
    other = editor(app, "con2")
    assert other.get(location).status_code == 403
    assert other.get("/staff/proposals.json").json()["open"] == []


def test_a_stale_proposal_keeps_the_later_change_and_shows_the_diff_against_the_current(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    old = store.get(WCDA)
    _, location = propose(con, WCDA, {"title": old.title + " (fixed)"})
    ed = editor(app)
    fields = edit_form(ed, WCDA)
    assert ed.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                     {**fields, "summary": "A summary an editor wrote later."}).status_code == 303
    page = ed.get(location)
    assert "changed since this proposal was made" in page.text and "version 2" in page.text
    data = ed.get(location + ".json").json()
    assert data["stale"] is True and data["current_version"] == 2
    assert [c["field"] for c in data["against_current"]] == ["Title"]
    assert ed.submit(location, location, {"action": "accept"}).status_code == 303
    now = store.get(WCDA)
    assert now.title == old.title + " (fixed)" and now.summary == "A summary an editor wrote later."


def test_a_conflicting_later_change_refuses_the_accept(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    old = store.get(WCDA)
    _, location = propose(con, WCDA, {"title": old.title + " (contributor)"})
    ed = editor(app)
    fields = edit_form(ed, WCDA)
    ed.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit", {**fields, "title": old.title + " (editor)"})
    refused = ed.submit(location, location, {"action": "accept"})
    assert refused.status_code == 409 and "title" in refused.text and "edit the record by hand" in refused.text
    assert store.get(WCDA).title == old.title + " (editor)"
    assert store.get_proposal(int(location.rsplit("/", 1)[1])).status == "open"


def test_a_proposal_on_a_withdrawn_record_waits_for_its_restoration(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    _, location = propose(con, WCDA, {"title": "Proposed before the withdrawal"})
    store.withdraw(WCDA, "rights not cleared", agent="user ed")
    ed = editor(app)
    assert "was withdrawn" in ed.get(location).text
    refused = ed.submit(location, location, {"action": "accept"})
    assert refused.status_code == 409 and "restore it first" in refused.text
    assert con.get(f"/staff/records/{WCDA}/edit").status_code == 404
    late = con.post(f"/staff/records/{WCDA}/propose", {"title": "x", "csrf": con.csrf("/staff/proposals")})
    assert late.status_code == 404 and len(store.proposals(status=None)) == 1
    store.restore(WCDA, agent="user ed")
    assert ed.submit(location, location, {"action": "accept"}).status_code == 303
    assert store.get(WCDA).title == "Proposed before the withdrawal"


def test_hostile_text_in_a_proposal_is_shown_as_text(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    _, location = propose(con, WCDA, {"title": "Title " + hostile, "note": hostile})
    for page in (editor(app).get(location).text, editor(app).get("/staff/proposals").text):
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_proposal_forms_need_the_csrf_token(app: FastAPI, store: SQLiteStore) -> None:
    con = editor(app, "con")
    fields = edit_form(con, WCDA)
    assert con.post(f"/staff/records/{WCDA}/propose", {**fields, "title": "Forged"}).status_code == 403
    _, location = propose(con, WCDA, {"title": "Real"})
    ed = editor(app)
    assert ed.post(location, {"action": "accept", "csrf": "forged"}).status_code == 403
    assert store.get_proposal(int(location.rsplit("/", 1)[1])).status == "open"
    assert ed.get("/staff/proposals/999").status_code == 404
    assert ed.get("/staff/proposals/abc").status_code == 404


def test_a_post_that_leaves_fields_out_keeps_them(app: FastAPI, store: SQLiteStore) -> None:
    record = store.get(WCDA)
    con = editor(app, "con")
    response = con.post(f"/staff/records/{WCDA}/propose", {"title": record.title + " (short post)",
                                                           "csrf": con.csrf("/staff/proposals")})
    assert response.status_code == 303
    proposed = store.get_proposal(int(response.headers["location"].rsplit("/", 1)[1])).record
    assert proposed.title == record.title + " (short post)"
    assert [r.text for r in proposed.renditions] == [r.text for r in record.renditions]  # texts not sent: kept
    assert (proposed.summary, proposed.source.citation) == (record.summary, record.source.citation)


def hidden_version(browser: Browser, record_id: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', browser.get(f"/staff/records/{record_id}/edit").text)
    assert found
    return found.group(1)


def test_two_editors_saving_the_same_record_never_overwrite_each_other(app: FastAPI, store: SQLiteStore) -> None:
    first, second = editor(app), editor(app, "boss")
    fields_a, fields_b = edit_form(first, WCDA), edit_form(second, WCDA)
    opened_a, opened_b = hidden_version(first, WCDA), hidden_version(second, WCDA)
    assert opened_a == opened_b == "1"
    saved = first.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                         {**fields_a, "summary": "Summary by the first editor.", "version": opened_a})
    assert saved.status_code == 303
    late = second.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                         {**fields_b, "title": "Title by the second editor", "version": opened_b})
    assert late.status_code == 409 and "changed while you worked on it" in late.text
    assert "Summary by the first editor." in late.text  # the form again, as the record is now
    now = store.get(WCDA)
    assert now.summary == "Summary by the first editor." and now.title != "Title by the second editor"
    assert len(store.versions(WCDA)) == 2


def test_a_proposal_is_read_against_the_version_its_form_was_opened_on(app: FastAPI, store: SQLiteStore) -> None:
    con, ed = editor(app, "con"), editor(app)
    fields = edit_form(con, WCDA)
    opened = hidden_version(con, WCDA)
    edit = edit_form(ed, WCDA)
    assert ed.submit(f"/staff/records/{WCDA}/edit", f"/staff/records/{WCDA}/edit",
                     {**edit, "summary": "Written while the contributor typed."}).status_code == 303
    status, location = propose(con, WCDA, {**fields, "title": fields["title"] + " (typed)", "version": opened})
    assert status == 303
    proposal = store.get_proposal(int(location.rsplit("/", 1)[1]))
    assert proposal.base == 1
    shown = ed.get(location + ".json").json()
    assert [c["field"] for c in shown["changes"]] == ["Title"] and shown["stale"] is True
    assert ed.submit(location, location, {"action": "accept"}).status_code == 303
    now = store.get(WCDA)
    assert now.title == fields["title"] + " (typed)" and now.summary == "Written while the contributor typed."


def test_the_queue_is_paged_oldest_first_and_its_json_twin_gives_the_next_page(app: FastAPI, store: SQLiteStore) -> None:
    import json as json_module

    from fonds.web.proposals import QUEUE_PAGE

    text = json_module.dumps(store.get(WCDA).to_dict())
    numbers = [store.add_proposal(WCDA, 1, text, note=f"note {n}", proposer="con" if n % 2 else "con2")
               for n in range(QUEUE_PAGE * 2 + 7)]
    ed = editor(app, "ed")
    seen: list[int] = []
    url: str | None = "/staff/proposals.json"
    while url is not None:
        page = ed.get(url).json()
        assert len(page["open"]) <= QUEUE_PAGE
        seen.extend(p["number"] for p in page["open"])
        url = page["next"]
    assert seen == numbers  # every one once, oldest first
    html = ed.get("/staff/proposals").text
    assert html.count('class="review-item"') == QUEUE_PAGE
    next_link = re.search(r'rel="next" href="([^"]+)"', html)
    assert next_link is not None and next_link.group(1) == f"/staff/proposals?after={numbers[QUEUE_PAGE - 1]}"
    last = ed.get(f"/staff/proposals?after={numbers[QUEUE_PAGE * 2 - 1]}").text
    assert last.count('class="review-item"') == 7 and 'rel="next"' not in last
    mine = editor(app, "con").get("/staff/proposals.json").json()  # a contributor pages their own only
    assert {p["proposer"] for p in mine["open"]} == {"con"} and len(mine["open"]) == QUEUE_PAGE
    for bad in ("abc", "-1", "9" * 40, "1e5"):
        response = ed.get(f"/staff/proposals?after={bad}")
        assert response.status_code == 400 and "is not a proposal number" in response.text, bad
