"""Commands that keep the archive sound: `check` reports broken invariants, `repair` mends them."""

from __future__ import annotations

import sys

import click

from fonds.cli.main import Context, main, pass_context


@main.command("check")
@pass_context
def check_command(context: Context) -> None:
    """Report what is wrong with the store: dangling person links, post-ingest work left unfinished,
    records the door would refuse. Exit status 1 when anything is wrong.

    Example: fonds check
    """
    from fonds.integrity import check

    problems = check(context.store)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problems; `fonds repair` mends dangling links and unfinished work", err=True)
        sys.exit(1)
    click.echo("ok: no dangling links, no unfinished work, every record reads back")


@main.command("repair")
@pass_context
def repair_command(context: Context) -> None:
    """Finish post-ingest work a crash cut short and mend dangling person links. Safe to run any time.

    Example: fonds repair && fonds check
    """
    from fonds.integrity import repair

    report = repair(context.store)
    click.echo(report.summary())
    applied = context.index(catch_up=False).update(context.store)
    if applied:
        click.echo(f"index: {applied} changes applied")
