"""Contributors' proposed edits: propose, look, accept or reject.

A contributor fills in a record's edit form and proposes it. The proposal goes through the same
door as an editor's edit (`editing.apply_edit`: dates, reference parts, marks and links derived
again, the Record JSON check); a problem refuses it with the form's messages and nothing is kept.
The proposal keeps the proposed record and the number of the version it was made on (its base).

An editor accepts or rejects it, with a reason. Accepting re-applies **only the fields the
proposal changed** (title, date, ... each rendition's text: the edit form's fields) to the record
as it is now, and makes a new version whose agent names both people
(`user CONTRIBUTOR, accepted by user EDITOR`). If the record changed since the base:

- a field only the proposal changed is taken from the proposal;
- a field only the other change touched keeps the other change (it is never undone);
- a field both changed, to different values, is a conflict: accepting is refused with a message
  naming the fields; the editor edits the record by hand or rejects the proposal.

A withdrawn record takes no proposals, and a proposal on a record withdrawn since is refused until
the record is restored. Two editors accepting at once: one claims the proposal, the other is told
it was decided (store/proposals.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from fonds.editing import MAX_NOTE, EditError, EditForm, apply_edit, check_note
from fonds.errors import FondsError, NotFound
from fonds.record import Record
from fonds.repositories import Repositories
from fonds.store.base import Store
from fonds.store.curation import VersionConflict
from fonds.store.proposals import Proposal
from fonds.versions import FieldChange, diff_records

Relink = Callable[[Record], Record]


class ProposalError(FondsError):
    """A proposal that cannot be made, accepted or rejected as asked (the message says why)."""

    status = 409


def agent_of(name: str) -> str:
    return f"user {name}"


def propose(store: Store, record_id: str, form: EditForm, *, note: str, proposer: str,
            relink: Relink | None = None, base: int | None = None) -> int:
    """Check an edit as an editor's edit is checked and keep it as a proposal; returns its number.

    `base` is the version the form was opened on (the edit form carries it): the form is read
    against that version, so a change someone made since is not taken for the contributor's
    (accepting re-applies only what the contributor changed). None: the newest version.
    Raises NotFound for an unknown or withdrawn record, EditError listing every problem (also
    when the form changes nothing).
    """
    record = store.get(record_id)
    problems: list[str] = []
    try:
        note = check_note(note)
    except EditError as error:
        problems.extend(error.problems)  # shown with the fields' problems, all at once
    last = store.last_version(record_id)
    if last is None:
        raise NotFound(f"record {record_id!r} has no version to propose a change to")
    if base is not None and base != last.number:
        opened = store.get_version(record_id, base)
        if opened.data is None or opened.kind != "change":
            raise EditError([f"version: record {record_id} has no version {base} to propose a change to; reload the form"])
        record, last = opened.record, opened
    try:
        proposed = apply_edit(record, form, relink=relink, repositories=Repositories.of(store).apply)
    except EditError as error:
        raise EditError([*error.problems, *problems]) from None
    if problems:
        raise EditError(problems)
    if not diff_records(record, proposed):
        raise EditError(["the form changes nothing in the record; change a field, or leave the page"])
    number = store.add_proposal(record_id, last.number, json.dumps(proposed.to_dict(), ensure_ascii=False),
                                note=note, proposer=proposer)
    store.audit(agent_of(proposer), "propose", record_id, f"proposal {number}" + (f": {note[:200]}" if note else ""))
    return number


@dataclass(frozen=True)
class Preview:
    """What accepting a proposal would do now.

    `proposed`: the proposal's own changes (base version -> proposed record); `current_number`:
    the record's newest version; `result`: the record accepting would store (None when it cannot
    be accepted); `against_current`: what accepting changes in the current record; `conflicts`:
    fields both the proposal and a later change touched; `blocked`: why it cannot be accepted.
    """

    proposal: Proposal
    proposed: tuple[FieldChange, ...]
    current_number: int
    result: Record | None
    against_current: tuple[FieldChange, ...]
    conflicts: tuple[str, ...]
    blocked: str

    @property
    def is_stale(self) -> bool:
        return self.current_number != self.proposal.base


def _label(name: str) -> str:
    return name.replace("_", " ") if not name.startswith("text-") else f"text {int(name[5:]) + 1}"


def merged_form(base: Record, proposed: Record, current: Record) -> tuple[EditForm, tuple[str, ...]]:
    """The current record's form with the fields the proposal changed (base -> proposed) taken from
    it, and the fields changed on both sides to different values (the conflicts)."""
    b, p, c = EditForm.of(base), EditForm.of(proposed), EditForm.of(current)
    values = dict(c.values)
    conflicts: list[str] = []
    for name, mine in p.values.items():
        if mine == b.values.get(name, ""):
            continue
        if c.values.get(name, "") in (b.values.get(name, ""), mine):
            values[name] = mine
        else:
            conflicts.append(_label(name))
    texts = list(c.texts)
    for i, mine in enumerate(p.texts):
        if i < len(b.texts) and mine == b.texts[i]:
            continue
        if len(c.texts) != len(b.texts) or i >= len(c.texts):
            conflicts.append(f"text {i + 1} (the record's texts were added or removed since)")
        elif c.texts[i] in (b.texts[i], mine):
            texts[i] = mine
        else:
            conflicts.append(_label(f"text-{i}"))
    return EditForm(values=values, texts=tuple(texts)), tuple(conflicts)


def preview(store: Store, proposal: Proposal, relink: Relink | None = None) -> Preview:
    """What accepting `proposal` would store now, and what stands in its way."""
    base = store.get_version(proposal.record_id, proposal.base).record
    proposed = proposal.record
    mine = tuple(diff_records(base, proposed))
    last = store.last_version(proposal.record_id)
    number = last.number if last else proposal.base
    withdrawal = store.withdrawal(proposal.record_id)
    if withdrawal is not None:
        return Preview(proposal, mine, number, None, (), (),
                       f"record {proposal.record_id} was withdrawn on {withdrawal.at} ({withdrawal.reason}); "
                       "restore it first, or reject the proposal")
    current = store.get(proposal.record_id)
    form, conflicts = merged_form(base, proposed, current)
    if conflicts:
        return Preview(proposal, mine, number, None, (), conflicts,
                       f"the record changed since version {proposal.base} in the same fields as the proposal "
                       f"({', '.join(conflicts)}); edit the record by hand, or reject the proposal")
    try:
        result = apply_edit(current, form, relink=relink, repositories=Repositories.of(store).apply)
    except EditError as error:
        return Preview(proposal, mine, number, None, (), (),
                       "the proposal no longer passes the checks on the current record: " + "; ".join(error.problems))
    return Preview(proposal, mine, number, result, tuple(diff_records(current, result)), (), "")


def accept(store: Store, number: int, *, by: str, reason: str = "", relink: Relink | None = None) -> int:
    """Accept proposal `number` as `by` (an agent: `user ed`, `cli ana`); returns the version number made.

    Raises ProposalError when it is decided or being accepted by someone else, the record is
    withdrawn, or a later change conflicts; nothing is stored then.
    """
    reason = check_note(reason, "reason")
    proposal = store.get_proposal(number)
    if not proposal.is_open:
        raise ProposalError(f"proposal {number} was {proposal.status} by {proposal.decided_by} on {proposal.decided_at}; "
                            "nothing to do")
    who = by
    if not store.claim_proposal(number, who):
        raise ProposalError(f"proposal {number} is being decided by someone else right now; reload to see the outcome")
    try:
        seen = preview(store, proposal, relink)
        if seen.result is None:
            raise ProposalError(f"proposal {number} cannot be accepted: {seen.blocked}")
        note = proposal.note or f"proposal {number}"
        try:
            with store.expecting_versions({proposal.record_id: seen.current_number}):  # no change made meanwhile is lost
                store.add([seen.result], agent=f"{agent_of(proposal.proposer)}, accepted by {who}",
                          note=note + (f" (accepted: {reason})" if reason else ""))
        except VersionConflict:
            raise ProposalError(f"proposal {number}: the record changed while it was being accepted; nothing was "
                                "stored: look at the proposal again and accept it again") from None
        last = store.last_version(proposal.record_id)
        version = last.number if last else proposal.base
        if not store.decide_proposal(number, status="accepted", agent=who, reason=reason, version=version):
            raise ProposalError(f"proposal {number} was taken over by someone else while it was being accepted")
    except BaseException:
        store.release_proposal(number, who)
        raise
    store.audit(who, "accept proposal", proposal.record_id, f"proposal {number} by {proposal.proposer}: version {version}")
    return version


def reject(store: Store, number: int, *, by: str, reason: str) -> None:
    """Reject proposal `number` as `by` (an agent), saying why (the contributor sees it). Raises EditError
    for an empty reason, ProposalError when it is no longer open."""
    reason = check_note(reason, "reason")
    if not reason:
        raise EditError(["reason: say why the proposal is rejected; its contributor sees it"])
    proposal = store.get_proposal(number)
    who = by
    if not store.decide_proposal(number, status="rejected", agent=who, reason=reason):
        current = store.get_proposal(number)
        raise ProposalError(f"proposal {number} is {current.status} (by {current.decided_by or 'nobody'}); "
                            "only an open proposal can be rejected")
    store.audit(who, "reject proposal", proposal.record_id, f"proposal {number} by {proposal.proposer}: {reason[:200]}")


def relinker(store: Store) -> Relink:
    """Person linking as an edit does it (the authority's names, then the review decisions), for
    callers without the web app's cached names (the command line)."""
    from fonds.naming import Names
    from fonds.review import apply_stored_decisions

    names: list[Names] = []

    def relink(record: Record) -> Record:
        if not names:
            names.append(Names.of(store))
        return apply_stored_decisions(store, [names[0].link(record)])[0]

    return relink
