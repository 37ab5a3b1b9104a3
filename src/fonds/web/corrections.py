"""Readers report an error on a record: a short form, no account.

`/records/ID/report` shows the form (what is wrong, an optional contact) and takes it. The
form carries a CSRF token (the double-submit cookie of sessions.py) and each address may send
`Sessions.reports` reports per ten minutes; a field past its length is refused, never cut.
Reports wait in /staff/corrections until an editor closes them, naming the version that
fixed the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request


from fonds.web.pages import Archive
from fonds.web.sessions import TooMany, client_address, form_view
from fonds.web.staff import _with_form_cookie, form_of, sessions

MAX_MESSAGE = 4000
MAX_CONTACT = 200


@dataclass(frozen=True)
class ReportPage:
    record_id: str
    title: str
    csrf: str
    message: str = ""
    contact: str = ""
    problems: tuple[str, ...] = ()
    number: int | None = None  # the report's number once sent
    status: int = 200
    template: str = "report.html"

    def json(self) -> dict[str, Any]:
        return {"id": self.record_id, "sent": self.number is not None, "number": self.number,
                "problems": list(self.problems)}


@form_view
def report(request: Request, archive: Archive) -> Any:
    record_id = str(request.path_params["id"])
    record = archive.store.get(record_id)
    s = sessions(request)
    if request.method != "POST":
        return _with_form_cookie(request, ReportPage(record_id, record.title, s.csrf_token(request)))
    form = form_of(request)
    s.check_csrf(request, form)
    message, contact = form.get("message", "").strip(), form.get("contact", "").strip()
    problems = []
    if not message:
        problems.append("what is wrong: tell us what is wrong with the record")
    if len(message) > MAX_MESSAGE:
        problems.append(f"what is wrong: {len(message):,} characters; keep it under {MAX_MESSAGE:,}")
    if len(contact) > MAX_CONTACT:
        problems.append(f"contact: keep it under {MAX_CONTACT} characters")
    if any(ch in message + contact for ch in "\x00"):
        problems.append("the text holds a NUL character; remove it")
    if problems:
        page = ReportPage(record_id, record.title, s.csrf_token(request), message[:MAX_MESSAGE], contact[:MAX_CONTACT],
                          tuple(problems), status=400)
        return _with_form_cookie(request, page)
    if not s.reports.allow(client_address(request)):
        raise TooMany("too many reports from this address; wait ten minutes and send it again")
    number = archive.store.add_correction(record_id, message, contact)
    return ReportPage(record_id, record.title, "", number=number)


