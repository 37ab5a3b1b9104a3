"""The staff pages under /staff/: log in, edit a record, withdraw and restore, review links,
read correction reports, edit the authority.

Every view checks the role it needs (accounts.require: 403 for anyone below it), every
POST checks its CSRF token (sessions.Sessions.check_csrf), and every change is written with
the user as its agent (a record version) and to the audit log. Pages are never cached
(app.py sends `Cache-Control: no-store` under /staff/).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse

from fonds import accounts
from fonds.authority import Entity
from fonds.authority_edits import edit_person, merge_persons, split_person, variants_text
from fonds.editing import EditError, EditForm, apply_edit, check_note
from fonds.errors import FondsError, NotFound
from fonds.record import Record
from fonds.repositories import Repositories
from fonds.repository_edits import follow_repositories
from fonds.review import Pending, apply_decisions, apply_stored_decisions, queue
from fonds.store.curation import AuditEntry, Correction, LinkDecision, User, VersionConflict, utc_now
from fonds.web.pages import Archive, person_href, record_href
from fonds.web.sessions import Sessions, client_address, form_view, post_view


def sessions(request: Request) -> Sessions:
    found: Sessions = request.app.state.sessions
    return found


def form_of(request: Request) -> Mapping[str, str]:
    form: Mapping[str, str] = getattr(request.state, "form", {})
    return form


def staff_user(request: Request, role: str) -> User:
    return accounts.require(sessions(request).user(request), role)


def posted(request: Request, role: str) -> tuple[User, Mapping[str, str]]:
    """The user (holding `role`) and the form of a POST whose CSRF token is right."""
    user = staff_user(request, role)
    form = form_of(request)
    sessions(request).check_csrf(request, form)
    return user, form


def agent(user: User) -> str:
    return f"user {user.name}"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _staff_href(record_id: str, action: str) -> str:
    return f"/staff/records/{quote(record_id, safe='')}/{action}"


@dataclass(frozen=True)
class StaffPage:
    """What every staff page carries: who is logged in and the form token."""

    user: User | None
    csrf: str


# -- logging in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginPage(StaffPage):
    name: str = ""
    error: str = ""
    status: int = 200
    template: str = "staff_login.html"

    def json(self) -> dict[str, Any]:
        return {"logged_in": self.user.name if self.user else None, "error": self.error or None}


@form_view
def login(request: Request, archive: Archive) -> Any:
    s = sessions(request)
    if request.method != "POST":
        return _login_page(request, s.user(request))
    form = form_of(request)
    s.check_csrf(request, form)
    name = form.get("name", "").strip()
    if not s.logins.allow(client_address(request)):
        return _login_page(request, None, name, "too many login attempts from this address; wait 15 minutes", 429)
    try:
        with _lock_released(archive):  # argon2 takes a while: readers need not wait for it
            user = accounts.authenticate(archive.store, name, form.get("password", ""))
    except (accounts.LoginFailed, accounts.LockedOut) as error:
        return _login_page(request, None, name, str(error), error.status)
    response = see_other("/staff/")
    s.end(request, response)
    s.start(request, response, user)
    archive.store.audit(agent(user), "login", user.name)
    return response


@contextmanager
def _lock_released(archive: Archive) -> Iterator[None]:
    """Let go of the store lock the view runs under (app._in_thread) for a slow step; both stores
    are safe across threads (SQLite: a connection per thread; PostgreSQL: a pool)."""
    try:
        archive.store_lock.release()
    except RuntimeError:  # not held: nothing to let go of
        yield
        return
    try:
        yield
    finally:
        archive.store_lock.acquire()


def _login_page(request: Request, user: User | None, name: str = "", error: str = "", status: int = 200) -> Any:
    s = sessions(request)
    page = LoginPage(user, s.csrf_token(request), name, error, status)
    return _with_form_cookie(request, page)


def _with_form_cookie(request: Request, page: Any) -> Any:
    object.__setattr__(page, "finish", lambda response: sessions(request).remember_form(request, response))
    return page


@post_view
def logout(request: Request, archive: Archive) -> Any:
    user, _ = posted(request, "contributor")
    response = see_other("/")
    sessions(request).end(request, response)
    archive.store.audit(agent(user), "logout", user.name)
    return response


# -- the staff home --------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffHome(StaffPage):
    corrections: int = 0
    audit: tuple[AuditEntry, ...] = ()
    index_failures: tuple[tuple[str, str], ...] = ()  # (record id, what went wrong): fonds.containment
    page_failures: tuple[tuple[str, str], ...] = ()  # (record id, what went wrong): web/fallback.py
    template: str = "staff_home.html"

    def json(self) -> dict[str, Any]:
        return {"user": self.user.name if self.user else None, "role": self.user.role if self.user else None,
                "open_corrections": self.corrections,
                "index_failures": [{"id": i, "error": e} for i, e in self.index_failures],
                "page_failures": [{"id": i, "error": e} for i, e in self.page_failures],
                "audit": [{"at": a.at, "by": a.agent, "action": a.action, "target": a.target, "detail": a.detail}
                          for a in self.audit]}


def home(request: Request, archive: Archive) -> Any:
    user = staff_user(request, "contributor")
    from fonds.containment import index_failures, page_failures

    return StaffHome(user, sessions(request).csrf_token(request), len(archive.store.corrections("open")),
                     tuple(archive.store.audit_log(30)), tuple(sorted(index_failures(archive.store).items())[:50]),
                     tuple(sorted(page_failures(archive.store).items())[:50]))


# -- editing a record ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditPage(StaffPage):
    record: Record | None = None
    form: EditForm | None = None
    labels: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    note: str = ""
    versions: int = 0
    status: int = 200
    template: str = "staff_edit.html"

    def json(self) -> dict[str, Any]:
        return {"id": self.record.id if self.record else None, "problems": list(self.problems),
                "fields": dict(self.form.values) if self.form else {}}


def _edit_page(request: Request, archive: Archive, user: User, record: Record, form: EditForm,
               problems: tuple[str, ...] = (), note: str = "", status: int = 200) -> EditPage:
    labels = tuple((r.label or r.kind.capitalize()) + (f" ({r.language})" if r.language else "") for r in record.renditions)
    return EditPage(user, sessions(request).csrf_token(request), record, form, labels, problems, note,
                    len(archive.store.versions(record.id)), status)


@form_view
def edit(request: Request, archive: Archive) -> Any:
    record_id = str(request.path_params["record_id"])
    if request.method != "POST":
        user = staff_user(request, "contributor")
        record = archive.store.get(record_id)
        return _edit_page(request, archive, user, record, EditForm.of(record))
    user, form = posted(request, "editor")
    record = archive.store.get(record_id)
    edit_form = EditForm.read(form, len(record.renditions), before=EditForm.of(record))
    note = form.get("note", "").strip()[:500]
    raw = form.get("version", "")
    opened = int(raw) if raw.isdigit() and len(raw) < 10 else None  # the version the form was opened on
    try:
        check_note(note)
        edited = apply_edit(record, edit_form, relink=lambda r: _relink(archive, r),
                            repositories=Repositories.of(archive.store).apply)
        with archive.store.expecting_versions({record_id: opened} if opened is not None else {}):
            result = archive.store.add([edited], agent=agent(user), note=note)
    except EditError as error:
        return _edit_page(request, archive, user, record, edit_form, error.problems, note, 400)
    except VersionConflict as error:  # someone saved meanwhile: never overwrite their change silently
        now = archive.store.get(record_id)  # the form again as the record is now, with their note
        return _edit_page(request, archive, user, now, EditForm.of(now), (str(error),), note, 409)
    archive.store.audit(agent(user), "edit", record_id, note if result.changed else "no change")
    return see_other(record_href(record_id, "/history"))


def _relink(archive: Archive, record: Record) -> Record:
    from fonds.naming import Names

    names: Names = archive.cached("staff-names", lambda: Names.of(archive.store))
    return apply_stored_decisions(archive.store, [names.link(record)])[0]


@post_view
def withdraw(request: Request, archive: Archive) -> Any:
    user, form = posted(request, "editor")
    record_id = str(request.path_params["record_id"])
    reason = check_note(" ".join(form.get("reason", "").split())[:500], "reason")
    if not reason:
        raise EditError(["reason: say why the record is withdrawn; readers see it on the tombstone"])
    if not archive.store.withdraw(record_id, reason, agent=agent(user)):
        raise NotFound(f"record {record_id!r} is not in the public archive; nothing to withdraw")
    archive.store.audit(agent(user), "withdraw", record_id, reason)
    return see_other(record_href(record_id))


@post_view
def restore(request: Request, archive: Archive) -> Any:
    user, form = posted(request, "editor")
    record_id = str(request.path_params["record_id"])
    version = archive.store.restore(record_id, agent=agent(user), note=check_note(form.get("note", "")[:500]))
    follow_repositories(archive.store, [record_id], agent=agent(user))  # merged or renamed while it was withdrawn
    archive.store.audit(agent(user), "restore", record_id, f"version {version.number}")
    return see_other(record_href(record_id))


# -- link review -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPage(StaffPage):
    pending: tuple[Pending, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    template: str = "staff_review.html"

    def json(self) -> dict[str, Any]:
        return {"pending": [{"record": p.record_id, "person": p.link.id, "name": p.link.name, "text": p.link.text,
                             "rule": p.link.rule, "confidence": p.link.confidence, "mention": p.mention}
                            for p in self.pending]}


@form_view
def review(request: Request, archive: Archive) -> Any:
    if request.method != "POST":
        user = staff_user(request, "contributor")
        pending = tuple(queue(archive.store, limit=50))
        return ReviewPage(user, sessions(request).csrf_token(request), pending)
    user, form = posted(request, "editor")
    decision = form.get("decision", "")
    if decision not in ("accepted", "rejected"):
        raise EditError(["decision: choose accept or reject"])
    record = archive.store.get(form.get("record_id", ""))
    chosen = LinkDecision(record.id, form.get("entity_id", ""), form.get("mention", ""), decision, agent(user), utc_now())
    archive.store.put_link_decision(chosen)
    archive.store.add([apply_decisions(record, [chosen])], agent=agent(user),
                      note=f"link to {chosen.entity_id} {decision}")
    archive.store.audit(agent(user), f"link {decision}", record.id, f"{chosen.entity_id} at {chosen.mention}")
    return see_other("/staff/review")


# -- corrections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionsPage(StaffPage):
    open: tuple[Correction, ...] = ()
    closed: tuple[Correction, ...] = ()
    template: str = "staff_corrections.html"

    def json(self) -> dict[str, Any]:
        def one(c: Correction) -> dict[str, Any]:
            return {"number": c.id, "record": c.record_id, "message": c.message, "contact": c.contact, "at": c.at,
                    "status": c.status, "closed_by": c.closed_by or None, "version": c.version, "note": c.note}
        return {"open": [one(c) for c in self.open], "closed": [one(c) for c in self.closed]}


@form_view
def corrections(request: Request, archive: Archive) -> Any:
    if request.method != "POST":
        user = staff_user(request, "contributor")
        closed = [c for c in archive.store.corrections(None) if c.status == "closed"][-50:]
        return CorrectionsPage(user, sessions(request).csrf_token(request),
                               tuple(archive.store.corrections("open")), tuple(reversed(closed)))
    user, form = posted(request, "editor")
    number_text = form.get("number", "")
    if not number_text.isdigit():
        raise NotFound("there is no such correction report")
    report = archive.store.get_correction(int(number_text))
    raw = form.get("version", "").strip()
    version = None
    if raw:
        if not raw.isdigit() or int(raw) not in {v.number for v in archive.store.versions(report.record_id)}:
            raise EditError([f"version: record {report.record_id} has no version {raw[:12]!r}; "
                             "give the number its history lists, or leave it empty"])
        version = int(raw)
    archive.store.close_correction(report.id, agent=agent(user), version=version,
                                   note=check_note(form.get("note", "")[:500]))
    archive.store.audit(agent(user), "close correction", str(report.id), f"version {version}" if version else "no change")
    return see_other("/staff/corrections")


# -- the authority ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonEditPage(StaffPage):
    entity: Entity | None = None
    variants: str = ""
    problems: tuple[str, ...] = ()
    records: tuple[tuple[str, str], ...] = ()
    status: int = 200
    template: str = "staff_person.html"

    def json(self) -> dict[str, Any]:
        return {"entity": self.entity.to_dict() if self.entity else None, "problems": list(self.problems)}


@form_view
def person(request: Request, archive: Archive) -> Any:
    entity_id = str(request.path_params["entity_id"])
    if request.method != "POST":
        user = staff_user(request, "contributor")
        entity = archive.store.get_entity(entity_id)
        records = tuple((r.id, r.title) for r in archive.store.records_of_entity(entity_id, limit=200))
        return PersonEditPage(user, sessions(request).csrf_token(request), entity, variants_text(entity), (), records)
    user, form = posted(request, "editor")
    entity = archive.store.get_entity(entity_id)
    action = form.get("action", "edit")
    try:
        if action == "merge":
            into = form.get("into", "").strip()
            count = merge_persons(archive.store, entity_id, into, agent=agent(user))
            archive.store.audit(agent(user), "merge persons", entity_id, f"into {into}; {count} records")
            return see_other(person_href(into))
        if action == "split":
            ids = [line.strip() for line in form.get("records", "").splitlines() if line.strip()]
            new_id = form.get("new_id", "").strip()
            count = split_person(archive.store, entity_id, new_id=new_id, preferred=form.get("new_name", ""),
                                 record_ids=ids, agent=agent(user))
            archive.store.audit(agent(user), "split person", entity_id, f"{new_id}; {count} records")
            return see_other(person_href(new_id))
        edited = edit_person(entity, preferred=form.get("preferred", ""), variants=form.get("variants", ""),
                             dates=form.get("dates", ""), note=form.get("note", ""))
    except FondsError as error:
        return PersonEditPage(user, sessions(request).csrf_token(request), entity, form.get("variants", ""),
                              (str(error),), (), 400)
    archive.store.put_entities([edited])
    archive.store.audit(agent(user), "edit person", entity_id, edited.preferred)
    return see_other(person_href(entity_id))


def staff_links(request: Request, record_id: str) -> dict[str, str] | None:
    """Links a logged-in staff member sees on a record page; None for readers (no cookie: no look-up)."""
    from fonds.web.sessions import SESSION_COOKIE

    if SESSION_COOKIE not in request.cookies:
        return None
    user = sessions(request).user(request)
    if user is None or not accounts.can(user, "contributor"):
        return None
    links = {"edit": _staff_href(record_id, "edit"), "withdraw": _staff_href(record_id, "withdraw"),
             "csrf": sessions(request).csrf_token(request), "role": user.role}
    if accounts.can(user, "editor"):
        links["attach"] = _staff_href(record_id, "attach")
    return links

