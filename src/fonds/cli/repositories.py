"""`fonds repository list|show|add|edit|merge|split`: the repository authority at the shell
(repository_edits.py; the same rules as /staff/repositories)."""

from __future__ import annotations

import json

import click

from fonds.cli.curation import _cli_agent
from fonds.cli.main import Context, main, pass_context
from fonds.repositories import RETIRED, Repositories, code_of


@main.group("repository")
def repository_group() -> None:
    """The repository authority: list, add, edit, merge and split repositories."""


@repository_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def repository_list_command(context: Context, as_json: bool) -> None:
    """List the repositories: those fonds ships and the archive's own, with the merged ones.

    Example: fonds repository list
    """
    authority = Repositories.of(context.store)
    entries = sorted(authority.entries.values(), key=lambda e: e.preferred.casefold())
    if as_json:
        click.echo(json.dumps({"repositories": [{"id": e.id, "name": e.preferred, "code": code_of(e), "place": e.description,
                                                 "forms": [v.name for v in e.variants if v.kind != "code"]} for e in entries],
                               "merged": authority.aliases}, ensure_ascii=False, indent=2))
        return
    for e in entries:
        click.echo(f"{e.id:<22} {code_of(e) or '':<12} {e.preferred}" + (f" ({e.description})" if e.description else ""))
    for old, new in sorted(authority.aliases.items()):
        click.echo(f"{old:<22} merged into {new}")


@repository_group.command("show")
@click.argument("entity_id")
@pass_context
def repository_show_command(context: Context, entity_id: str) -> None:
    """Show one repository: name, code, place, other forms and retired names.

    Example: fonds repository show repo:GARF
    """
    from fonds.repository_edits import entry

    _, found = entry(context.store, entity_id)
    click.echo(f"{found.id}: {found.preferred}")
    click.echo(f"code:  {code_of(found) or '-'}")
    click.echo(f"place: {found.description or '-'}")
    for v in found.variants:
        if v.kind != "code":
            click.echo(f"form:  {v.name}" + (f"  ({v.kind})" if v.kind in RETIRED else ""))
    from fonds.repository_edits import merged_into

    for old, name in merged_into(Repositories.of(context.store), found.id):
        click.echo(f"merged into it: {old} ({name}); undo with `fonds repository split {found.id} {old}`")


@repository_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--place", default="", help="Where it is.")
@click.option("--form", "forms", multiple=True, help="Another form of its name (repeat).")
@pass_context
def repository_add_command(context: Context, code: str, name: str, place: str, forms: tuple[str, ...]) -> None:
    """Add one of the archive's own repositories (id repo:CODE); records printing its name, code or
    forms go under it.

    Example: fonds repository add GAKO "State Archive of the Kyiv Oblast" --place Kyiv --form ДАКО
    """
    from fonds.repository_edits import add_repository

    entity_id, changed = add_repository(context.store, code=code, name=name, place=place, forms="\n".join(forms),
                                        agent=_cli_agent())
    context.store.audit(_cli_agent(), "add repository", entity_id, f"{changed} records")
    context.index(catch_up=False).update(context.store)
    click.echo(f"added {entity_id}: {changed} records re-pointed")


@repository_group.command("edit")
@click.argument("entity_id")
@click.option("--name", help="The repository's name (records under it take the new name).")
@click.option("--code", help="Its code (a record carrying the old code gets the new one).")
@click.option("--place", help="Where it is.")
@click.option("--form", "forms", multiple=True, help="Another form of its name (repeat; replaces the forms it has).")
@pass_context
def repository_edit_command(context: Context, entity_id: str, name: str | None, code: str | None, place: str | None,
                            forms: tuple[str, ...]) -> None:
    """Edit a repository; every record under it gets a new version if it changes, and the old name
    and code still lead to it.

    Example: fonds repository edit repo:GARF --place "Moscow, Bolshaya Pirogovskaya 17"
    """
    from fonds.repository_edits import edit_repository, entry

    _, found = entry(context.store, entity_id)
    kept_forms = "\n".join(v.name for v in found.variants if v.kind not in ("code", *RETIRED))
    changed = edit_repository(
        context.store, entity_id, name=found.preferred if name is None else name,
        code=(code_of(found) or "") if code is None else code,
        place=(found.description or "") if place is None else place,
        forms="\n".join(forms) if forms else kept_forms, agent=_cli_agent())
    context.store.audit(_cli_agent(), "edit repository", entity_id, f"{changed} records")
    context.index(catch_up=False).update(context.store)
    click.echo(f"edited {entity_id}: {changed} records re-pointed")


@repository_group.command("merge")
@click.argument("merged_id")
@click.argument("kept_id")
@pass_context
def repository_merge_command(context: Context, merged_id: str, kept_id: str) -> None:
    """Merge one repository into another: every record naming the first is re-pointed to the second
    (a new version each, in batches); the first's names, code and address lead to the second. Run
    again after an interruption, it finishes the work.

    Example: fonds repository merge repo:MfAA "repo:PA AA"
    """
    from fonds.repository_edits import merge_repositories

    from fonds.repository_edits import known_id

    changed = merge_repositories(context.store, merged_id, kept_id, agent=_cli_agent())
    authority = Repositories.of(context.store)
    merged_id = known_id(authority, merged_id)  # a code or a name given: the ids
    kept_id = authority.current_id(merged_id)
    context.store.audit(_cli_agent(), "merge repositories", merged_id, f"into {kept_id}; {changed} records")
    context.index(catch_up=False).update(context.store)
    click.echo(f"merged {merged_id} into {kept_id}: {changed} records re-pointed")


@repository_group.command("split")
@click.argument("kept_id")
@click.argument("merged_id")
@pass_context
def repository_split_command(context: Context, kept_id: str, merged_id: str) -> None:
    """Undo a merge: the repository MERGED_ID, merged into KEPT_ID, is its own again (its name, code
    and forms move back to it; its old address no longer redirects) and every record printing one
    of its forms is re-pointed back (a new version each, in batches). Run again after an
    interruption, it finishes the work.

    Example: fonds repository split repo:GARF repo:RGANI
    """
    from fonds.repository_edits import known_id, split_repository

    changed = split_repository(context.store, kept_id, merged_id, agent=_cli_agent())
    kept_id = known_id(Repositories.of(context.store), kept_id)
    context.store.audit(_cli_agent(), "split repository", kept_id, f"{merged_id} split out; {changed} records")
    context.index(catch_up=False).update(context.store)
    click.echo(f"split {merged_id} out of {kept_id}: {changed} records re-pointed")
