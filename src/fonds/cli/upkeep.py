"""Commands that keep the archive sound: `check` reports broken invariants, `repair` mends them."""

from __future__ import annotations

import sys

import click

from fonds.cli.main import Context, main, pass_context


@main.command("check")
@pass_context
def check_command(context: Context) -> None:
    """Report what is wrong with the store: dangling person links, post-ingest work left unfinished,
    records the door would refuse, attached files missing or damaged (as `fonds files check`), a
    search index missing, unreadable or not this store's. Exit status 1 when anything is wrong.

    Example: fonds check
    """
    from fonds.integrity import check, check_index

    from fonds.renditions.files import FileStore
    from fonds.renditions.upkeep import check as check_files

    problems: list[object] = list(check(context.store))
    problems.extend(check_files(context.store, FileStore(context.settings.files_path)))
    problems.extend(check_index(context.settings.index_path, context.store))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem{'' if len(problems) == 1 else 's'}; `fonds repair` mends dangling links and unfinished work; a missing file comes back from a backup or a new attach; `fonds reindex` builds the search index again", err=True)
        sys.exit(1)
    click.echo("ok: no dangling links, no unfinished work, every record reads back, every attached file is whole, "
               "the search index is there")


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
