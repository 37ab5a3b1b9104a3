"""Commands of the staff side: accounts (`fonds user ...`), versions (`fonds history`), proposals
(`fonds proposals ...`), withdrawal
(`fonds withdraw`, `fonds restore`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from fonds import accounts
from fonds.cli.main import Context, main, pass_context
from fonds.editing import check_note
from fonds.errors import FondsError, NotFound
from fonds.store.curation import User
from fonds.versions import diff_records


def _cli_agent() -> str:
    return f"cli {os.environ.get('USER') or os.environ.get('USERNAME') or 'unknown'}"


@main.group("user")
def user_group() -> None:
    """Staff accounts: contributors, editors and admins. There is no open registration."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["contributor", "editor", "admin"]), default="editor", show_default=True)
@click.option("--password-file", type=click.Path(dir_okay=False), help="Read the password from the first line of a file (else it is asked for).")
@pass_context
def user_add_command(context: Context, name: str, role: str, password_file: str | None) -> None:
    """Add a staff account (or set a new password and role for an existing one).

    Example: fonds user add ana --role editor
    """
    password = _password(password_file)
    user = accounts.new_user(name, role, password)
    existed = context.store.get_user(name) is not None
    if not existed:
        accounts.check_new_name(name, (u.name for u in context.store.list_users()))
    context.store.put_user(user)
    context.store.audit(_cli_agent(), "user updated" if existed else "user added", name, role)
    click.echo(f"{'updated' if existed else 'added'} {name} ({role}); log in at /staff/login")


def _password(path: str | None) -> str:
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise accounts.AccountError(f"{path}: cannot read the password file ({error})") from None
        return accounts.check_password(lines[0] if lines else "")
    value = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return accounts.check_password(str(value))


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def user_list_command(context: Context, as_json: bool) -> None:
    """List staff accounts (never their password hashes).

    Example: fonds user list
    """
    users = context.store.list_users()
    if as_json:
        click.echo(json.dumps([{"name": u.name, "role": u.role, "disabled": u.is_disabled, "created": u.created,
                                "locked_until": u.locked_until or None} for u in users], indent=2))
        return
    if not users:
        click.echo("no accounts yet; add one with: fonds user add NAME --role editor")
    for u in users:
        state = "disabled" if u.is_disabled else (f"locked until {u.locked_until}" if u.locked_until else "active")
        click.echo(f"{u.name:<24} {u.role:<12} {state}")


def _existing(context: Context, name: str) -> User:
    user = context.store.get_user(name)
    if user is None:
        raise NotFound(f"there is no account {name!r}; `fonds user list` shows them")
    return user


@user_group.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(["contributor", "editor", "admin"]))
@pass_context
def user_set_role_command(context: Context, name: str, role: str) -> None:
    """Change an account's role.

    Example: fonds user set-role ana admin
    """
    from dataclasses import replace

    context.store.put_user(replace(_existing(context, name), role=role))
    context.store.audit(_cli_agent(), "role set", name, role)
    click.echo(f"{name} is now {role}")


@user_group.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable a disabled account again.")
@pass_context
def user_disable_command(context: Context, name: str, enable: bool) -> None:
    """Disable an account: its sessions end and it can no longer log in.

    Example: fonds user disable ana
    """
    from dataclasses import replace

    context.store.put_user(replace(_existing(context, name), is_disabled=not enable, failed=0, locked_until=""))
    context.store.audit(_cli_agent(), "user enabled" if enable else "user disabled", name)
    click.echo(f"{name} is {'enabled' if enable else 'disabled'}")


@main.command("history")
@click.argument("record_id")
@click.option("--diff", "between", nargs=2, type=int, help="Show what changed between two versions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def history_command(context: Context, record_id: str, between: tuple[int, int] | None, as_json: bool) -> None:
    """List a record's versions (number, time, who or what, note), or diff two of them.

    Example: fonds history wcda-110485 --diff 1 2
    """
    versions = context.store.versions(record_id)
    if not versions:
        context.store.get(record_id)
        raise NotFound(f"record {record_id!r} has no versions")
    if between:
        a, b = (context.store.get_version(record_id, n) for n in between)
        changes = diff_records(a.record if a.data else None, b.record if b.data else None)
        if as_json:
            click.echo(json.dumps([c.json() for c in changes], ensure_ascii=False, indent=2))
            return
        for change in changes:
            click.echo(f"{change.field}:")
            click.echo("  " + "".join(f"[-{t}-]" if op == "delete" else f"{{+{t}+}}" if op == "insert" else t
                                      for op, t in change.runs))
        if not changes:
            click.echo("no field a reader sees differs")
        return
    if as_json:
        click.echo(json.dumps([{"number": v.number, "at": v.at, "by": v.agent, "note": v.note, "kind": v.kind}
                               for v in versions], ensure_ascii=False, indent=2))
        return
    for v in versions:
        kind = " (withdrawn)" if v.kind == "withdrawn" else ""
        click.echo(f"{v.number:>4}  {v.at}  {v.agent}{kind}{'  ' + v.note if v.note else ''}")


@main.command("withdraw")
@click.argument("record_id")
@click.option("--reason", required=True, help="Why: readers see it on the record's tombstone page.")
@pass_context
def withdraw_command(context: Context, record_id: str, reason: str) -> None:
    """Withdraw a record: its page answers 410 Gone with the reason, OAI-PMH reports it deleted,
    and it leaves the search index. Its versions are kept; `fonds restore` brings it back.

    Example: fonds withdraw wcda-110485 --reason "rights not cleared"
    """
    reason = check_note(" ".join(reason.split()), "--reason")  # as the web's form: no ESC, no bidi override
    if not reason:
        raise FondsError("--reason is empty; say why the record is withdrawn")
    if not context.store.withdraw(record_id, reason, agent=_cli_agent()):
        earlier = context.store.withdrawal(record_id)
        if earlier is not None:
            raise NotFound(f"record {record_id!r} is withdrawn already ({earlier.reason}); `fonds restore` brings it back")
        context.store.get(record_id)
        raise NotFound(f"record {record_id!r} is not live; nothing to withdraw")
    context.store.audit(_cli_agent(), "withdraw", record_id, reason)
    context.index(catch_up=False).update(context.store)
    click.echo(f"withdrew {record_id}")


@main.command("restore")
@click.argument("record_id")
@click.option("--note", default="", help="Why it comes back (shown in the history).")
@pass_context
def restore_command(context: Context, record_id: str, note: str) -> None:
    """Bring a withdrawn record back, as a new version equal to the one withdrawn.

    Example: fonds restore wcda-110485 --note "rights cleared"
    """
    from fonds.repository_edits import follow_repositories

    version = context.store.restore(record_id, agent=_cli_agent(), note=check_note(note, "--note"))
    follow_repositories(context.store, [record_id], agent=_cli_agent())  # merged or renamed while withdrawn
    context.store.audit(_cli_agent(), "restore", record_id, f"version {version.number}")
    context.index(catch_up=False).update(context.store)
    click.echo(f"restored {record_id} as version {version.number}")


@main.group("proposals")
def proposals_group() -> None:
    """Contributors' proposed edits: list them, look at one, accept or reject it."""


def _proposal_json(p: Any) -> dict[str, Any]:
    return {"number": p.id, "record": p.record_id, "base": p.base, "note": p.note, "proposer": p.proposer,
            "at": p.at, "status": p.status, "decided_by": p.decided_by or None, "decided_at": p.decided_at or None,
            "reason": p.reason or None, "version": p.version}


@proposals_group.command("list")
@click.option("--status", type=click.Choice(["open", "accepted", "rejected", "all"]), default="open", show_default=True)
@click.option("--by", "proposer", help="Only the proposals of this account.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def proposals_list_command(context: Context, status: str, proposer: str | None, as_json: bool) -> None:
    """List proposals (open ones oldest first, decided ones newest first).

    Example: fonds proposals list --status all
    """
    found = context.store.proposals(status=None if status == "all" else status, proposer=proposer, limit=1000)
    if as_json:
        click.echo(json.dumps([_proposal_json(p) for p in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"no {'' if status == 'all' else status + ' '}proposals")
    for p in found:
        decided = f"  by {p.decided_by}" + (f" -> version {p.version}" if p.version else "") if p.decided_by else ""
        click.echo(f"{p.id:>5}  {p.status:<9} {p.record_id}  (on version {p.base}) from {p.proposer}, {p.at}{decided}"
                   + (f"\n       {_one_line(p.note)}" if p.note else ""))


def _one_line(text: str, width: int = 100) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[:width - 1] + "…"


@proposals_group.command("show")
@click.argument("number", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def proposals_show_command(context: Context, number: int, as_json: bool) -> None:
    """Show what a proposal changes (word diff against the version it was made on) and, if the record
    changed since, what accepting it would change in the current version.

    Example: fonds proposals show 3
    """
    from fonds import proposals

    found = context.store.get_proposal(number)
    seen = proposals.preview(context.store, found, proposals.relinker(context.store)) if found.is_open else None
    base = context.store.get_version(found.record_id, found.base)
    changes = seen.proposed if seen else tuple(diff_records(base.record if base.data else None, found.record))
    if as_json:
        out: dict[str, Any] = {"proposal": _proposal_json(found), "changes": [c.json() for c in changes]}
        if seen:
            out.update(current_version=seen.current_number, stale=seen.is_stale, conflicts=list(seen.conflicts),
                       against_current=[c.json() for c in seen.against_current], blocked=seen.blocked or None)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(f"proposal {found.id} on {found.record_id}, made on version {found.base} by {found.proposer} ({found.at}): "
               f"{found.status}" + (f" by {found.decided_by}" if found.decided_by else "")
               + (f", version {found.version}" if found.version else "") + (f" ({found.reason})" if found.reason else ""))
    if found.note:
        click.echo(f"note: {found.note}")
    _print_changes(changes)
    if seen and seen.is_stale:
        click.echo(f"the record is at version {seen.current_number} now; accepting would change:")
        _print_changes(seen.against_current)
    if seen and seen.blocked:
        click.echo(f"cannot be accepted: {seen.blocked}")


def _print_changes(changes: Any) -> None:
    for change in changes:
        click.echo(f"{change.field}:")
        click.echo("  " + "".join(f"[-{t}-]" if op == "delete" else f"{{+{t}+}}" if op == "insert" else t
                                  for op, t in change.runs))
    if not changes:
        click.echo("  no field a reader sees differs")


@proposals_group.command("accept")
@click.argument("number", type=int)
@click.option("--reason", default="", help="Why (the contributor sees it).")
@pass_context
def proposals_accept_command(context: Context, number: int, reason: str) -> None:
    """Accept a proposal: its changes become a new version of the record naming the contributor and you.
    A field changed since by someone else is kept; a field both changed refuses the accept.

    Example: fonds proposals accept 3 --reason "checked against the scan"
    """
    from fonds import proposals

    version = proposals.accept(context.store, number, by=_cli_agent(), reason=reason,
                               relink=proposals.relinker(context.store))
    context.index(catch_up=False).update(context.store)
    found = context.store.get_proposal(number)
    click.echo(f"accepted proposal {number}: {found.record_id} version {version}")


@proposals_group.command("reject")
@click.argument("number", type=int)
@click.option("--reason", required=True, help="Why (the contributor sees it).")
@pass_context
def proposals_reject_command(context: Context, number: int, reason: str) -> None:
    """Reject a proposal, saying why; the record is not changed.

    Example: fonds proposals reject 3 --reason "the printed title is right"
    """
    from fonds import proposals

    proposals.reject(context.store, number, by=_cli_agent(), reason=reason)
    click.echo(f"rejected proposal {number}")
