"""The proposal pages under /staff/: a contributor proposes an edit from a record's edit form,
editors see the queue and accept or reject each proposal (fonds/proposals.py has the rules).

- POST /staff/records/ID/propose (contributor or above): the edit form, checked as an edit is;
  problems come back on the form by field, nothing kept.
- /staff/proposals (.json): editors see the open queue, oldest first, QUEUE_PAGE at a time
  (`?after=N` starts after proposal N; the page links the next one, the JSON gives it as `next`),
  and the latest decisions; a contributor sees their own proposals and what became of them.
- /staff/proposals/N (.json): the proposal's word-level diff against the version it was made on,
  and, when the record changed since, what accepting would change in the current version and
  any conflict. POST (editor or above): `action=accept|reject`, `reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from fonds import accounts, proposals
from fonds.editing import MAX_NOTE, EditError, EditForm
from fonds.errors import BadRequest, NotFound
from fonds.store.proposals import Proposal
from fonds.store.curation import User
from fonds.web.pages import Archive
from fonds.web.sessions import form_view, post_view
from fonds.web.staff import StaffPage, _edit_page, _relink, posted, see_other, sessions, staff_user


QUEUE_PAGE = 50  # open proposals a page of the queue shows, oldest first


def proposal_href(number: int) -> str:
    return f"/staff/proposals/{number}"


def _json(p: Proposal) -> dict[str, Any]:
    return {"number": p.id, "record": p.record_id, "base": p.base, "note": p.note, "proposer": p.proposer,
            "at": p.at, "status": p.status, "decided_by": p.decided_by or None, "decided_at": p.decided_at or None,
            "reason": p.reason or None, "version": p.version}


@post_view
def propose(request: Request, archive: Archive) -> Any:
    user, form = posted(request, "contributor")
    record_id = str(request.path_params["record_id"])
    record = archive.store.get(record_id)
    edit_form = EditForm.read(form, len(record.renditions), before=EditForm.of(record))
    note = form.get("note", "")
    raw = form.get("version", "")
    try:
        number = proposals.propose(archive.store, record_id, edit_form, note=note, proposer=user.name,
                                   relink=lambda r: _relink(archive, r),
                                   base=int(raw) if raw.isdigit() and len(raw) < 10 else None)
    except EditError as error:
        return _edit_page(request, archive, user, record, edit_form, error.problems, note[:MAX_NOTE], 400)
    return see_other(proposal_href(number))


@dataclass(frozen=True)
class ProposalsPage(StaffPage):
    open: tuple[Proposal, ...] = ()
    decided: tuple[Proposal, ...] = ()
    is_editor: bool = False
    after: int = 0  # the open queue starts after this proposal number (0: from the oldest)
    next_after: int | None = None  # where the next page of the open queue starts, if there is one
    template: str = "staff_proposals.html"

    def json(self) -> dict[str, Any]:
        return {"open": [_json(p) for p in self.open], "decided": [_json(p) for p in self.decided],
                "next": None if self.next_after is None else f"/staff/proposals.json?after={self.next_after}"}


def queue(request: Request, archive: Archive) -> Any:
    user = staff_user(request, "contributor")
    csrf = sessions(request).csrf_token(request)
    raw = request.query_params.get("after", "")
    if raw and (not raw.isdigit() or len(raw) > 18):
        raise BadRequest(f"after={raw[:40]!r} is not a proposal number; follow the page's own 'Next' link")
    after = int(raw or 0)
    editor = accounts.can(user, "editor")
    proposer = None if editor else user.name  # a contributor sees their own only
    waiting = archive.store.proposals(status="open", proposer=proposer, after=after, limit=QUEUE_PAGE + 1)
    decided = [p for p in archive.store.proposals(status=None, proposer=proposer, limit=80) if not p.is_open][:50]
    next_after = waiting[QUEUE_PAGE - 1].id if len(waiting) > QUEUE_PAGE else None
    return ProposalsPage(user, csrf, tuple(waiting[:QUEUE_PAGE]), tuple(decided), editor,
                         after=after, next_after=next_after)


@dataclass(frozen=True)
class ProposalPage(StaffPage):
    preview: proposals.Preview | None = None
    title: str = ""
    problems: tuple[str, ...] = ()
    reason: str = ""
    is_editor: bool = False
    status: int = 200
    template: str = "staff_proposal.html"

    def json(self) -> dict[str, Any]:
        seen = self.preview
        if seen is None:
            return {"problems": list(self.problems)}
        return {"proposal": _json(seen.proposal), "changes": [c.json() for c in seen.proposed],
                "current_version": seen.current_number, "stale": seen.is_stale,
                "against_current": [c.json() for c in seen.against_current], "conflicts": list(seen.conflicts),
                "blocked": seen.blocked or None, "problems": list(self.problems)}


def _number(request: Request) -> int:
    raw = str(request.path_params.get("number", "")).removesuffix(".json")
    if not raw.isdigit() or len(raw) > 12:
        raise NotFound(f"{raw[:40]!r} is not a proposal number; /staff/proposals lists them")
    return int(raw)


def _visible(user: User, proposal: Proposal) -> None:
    """Editors see every proposal; a contributor only their own."""
    if not accounts.can(user, "editor") and proposal.proposer != user.name:
        raise accounts.Forbidden("a contributor sees their own proposals only; this one is someone else's")


def _page(request: Request, archive: Archive, user: User, proposal: Proposal, problems: tuple[str, ...] = (),
          reason: str = "", status: int = 200) -> ProposalPage:
    seen = proposals.preview(archive.store, proposal, relink=lambda r: _relink(archive, r)) if proposal.is_open \
        else proposals.Preview(proposal, tuple(_decided_changes(archive, proposal)), proposal.base, None, (), (), "")
    try:
        title = archive.store.get(proposal.record_id).title  # the record as it is, not as proposed
    except NotFound:
        title = proposal.record.title
    return ProposalPage(user, sessions(request).csrf_token(request), seen, title, problems, reason,
                        accounts.can(user, "editor"), status)


def _decided_changes(archive: Archive, proposal: Proposal) -> list[Any]:
    from fonds.versions import diff_records

    base = archive.store.get_version(proposal.record_id, proposal.base)
    return diff_records(base.record if base.data else None, proposal.record)


@form_view
def proposal(request: Request, archive: Archive) -> Any:
    number = _number(request)
    if request.method != "POST":
        user = staff_user(request, "contributor")
        found = archive.store.get_proposal(number)
        _visible(user, found)
        return _page(request, archive, user, found)
    user, form = posted(request, "editor")
    found = archive.store.get_proposal(number)
    action = form.get("action", "")
    reason = form.get("reason", "")
    try:
        if action == "accept":
            proposals.accept(archive.store, number, by=proposals.agent_of(user.name), reason=reason,
                             relink=lambda r: _relink(archive, r))
        elif action == "reject":
            proposals.reject(archive.store, number, by=proposals.agent_of(user.name), reason=reason)
        else:
            raise EditError(["action: choose accept or reject"])
    except (EditError, proposals.ProposalError) as error:
        problems = error.problems if isinstance(error, EditError) else (str(error),)
        return _page(request, archive, user, archive.store.get_proposal(number), problems,
                     reason[:MAX_NOTE], error.status)
    return see_other(proposal_href(found.id))
