"""Commands on the name authority (import, show, variants, candidates) and the link evaluation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from fonds.cli.main import Context, main, pass_context
from fonds.errors import FondsError


@main.group("authority")
def authority_group() -> None:
    """Persons, organizations and places: their names and every variant."""


@authority_group.command("import")
@click.argument("path", type=click.Path(exists=True))
@pass_context
def authority_import_command(context: Context, path: str) -> None:
    """Import authority files: the Office of the Historian's people database and/or POCOM.

    Example: fonds authority import ../shared/corpus/authority
    """
    from fonds.importers.authority_files import import_authority

    result = import_authority(context.store, path)
    for problem in result.problems:
        click.echo(f"rejected: {problem}", err=True)
    click.echo(result.summary())
    applied = context.index(catch_up=False).update(context.store)
    if applied:
        click.echo(f"index: {applied} changes applied")
    if result.problems:
        sys.exit(1)


@authority_group.command("show")
@click.argument("entity_id")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def authority_show_command(context: Context, entity_id: str, as_json: bool) -> None:
    """Show an authority entry with its variants and documents.

    Example: fonds authority show hsg:107127
    """
    store = context.store
    entity = store.get_entity(entity_id)
    if entity.kind == "alias" and entity.sources:
        entity = store.get_entity(entity.sources[0])
    records = store.records_of_entity(entity.id)
    if as_json:
        data = entity.to_dict()
        data["records"] = [{"id": r.id, "title": r.title, "date": r.date.text} for r in records]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{entity.preferred}  [{entity.id}]  {entity.kind}")
    if entity.dates:
        click.echo(f"  dates: {entity.dates}")
    if entity.description:
        click.echo(f"  {entity.description}")
    click.echo(f"\nvariants ({len(entity.variants)}):")
    for variant in entity.variants:
        click.echo(f"  {variant.name}  ({variant.kind}{'; ' + variant.source if variant.source else ''})")
    click.echo(f"\ndocuments ({len(records)}):")
    for record in records:
        click.echo(f"  {record.date.text or 'undated':<28} {record.id}  {record.title}")


@authority_group.command("variants")
@click.argument("name")
@pass_context
def authority_variants_command(context: Context, name: str) -> None:
    """Show what fonds will match for a name, and why.

    Example: fonds authority variants 'Kim Il Sung'
    """
    from fonds.naming import Names
    from fonds.name_lookup import explain, format_matches

    names = Names.of(context.store)
    for line in format_matches(name, explain(name, names.index), names.index):
        click.echo(line)


@authority_group.command("candidates")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--repositories", is_flag=True, help="Propose printed repository names that look like a known repository (typos) instead.")
@pass_context
def authority_candidates_command(context: Context, limit: int, repositories: bool) -> None:
    """Names in the records that look like persons but match no authority entry: for review.

    With --repositories: repository names as printed that match no entry but resemble one
    ("Department of Sate"); confirm one with `fonds authority confirm-repository`.

    Example: fonds authority candidates --limit 20
    """
    if repositories:
        _repository_candidates(context, limit)
        return
    from fonds.link_candidates import candidates
    from fonds.naming import Names

    names = Names.of(context.store)
    found = candidates(context.store.iter_records(), names.matcher)
    if not found:
        click.echo("no candidates: every name that looks like a person's matches an entry")
    for candidate in found[:limit]:
        shown = ", ".join(candidate.records[:3]) + (" ..." if len(candidate.records) > 3 else "")
        click.echo(f"{candidate.count:>5}  {candidate.name}  ({shown})")


def _repository_candidates(context: Context, limit: int) -> None:
    from fonds.repositories import Repositories

    found = Repositories.of(context.store).candidates(context.store.iter_records())
    if not found:
        click.echo("no candidates: every repository name printed is a known form or resembles none")
    for candidate in found[:limit]:
        shown = ", ".join(candidate.records[:3]) + (" ..." if len(candidate.records) > 3 else "")
        click.echo(
            f"{len(candidate.records):>5}  {candidate.printed!r} looks like {candidate.entity.preferred!r} "
            f"[{candidate.entity.id}] ({candidate.score:.0f}%)  ({shown})"
        )
        click.echo(f"       confirm: fonds authority confirm-repository {_quoted(candidate.printed)} {candidate.entity.id}")


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


@authority_group.command("confirm-repository")
@click.argument("printed")
@click.argument("entity_id")
@pass_context
def authority_confirm_repository_command(context: Context, printed: str, entity_id: str) -> None:
    """Confirm a printed repository name as a form of a repository entry: records printing it
    then count under that repository (the printed form stays on each record).

    Example: fonds authority confirm-repository 'Department of Sate' repo:DOS
    """
    from fonds.repositories import confirm_variant

    changed = confirm_variant(context.store, printed, entity_id)
    click.echo(f"{printed!r} is now a form of {entity_id}: {changed} records moved under it")
    applied = context.index(catch_up=False).update(context.store)
    if applied:
        click.echo(f"index: {applied} changes applied")


@main.group("eval")
def eval_group() -> None:
    """Measure fonds against ground truth."""


@eval_group.command("links")
@click.argument("volumes", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--reviewed", is_flag=True, help="Also give the figures after the editors' review decisions in --db.")
@pass_context
def eval_links_command(context: Context, volumes: tuple[str, ...], reviewed: bool) -> None:
    """Link FRUS volumes with their persName markup stripped; compare with FRUS's own links.

    Example: fonds eval links ../shared/corpus/frus/frus1961-63v05.xml --reviewed
    """
    from fonds.evaluation import evaluate_links

    for volume in volumes:
        stem = Path(volume).stem
        for line in evaluate_links(volume).lines(stem):
            click.echo(line)
        if reviewed:
            decisions = review_decisions(context, stem)
            click.echo(f"after {len(decisions)} review decisions:")
            for line in evaluate_links(volume, decisions).lines(stem):
                click.echo(line)


def review_decisions(context: Context, volume: str) -> dict[tuple[str, str, str], str]:
    """The store's review decisions on one FRUS volume's records, keyed as the evaluation reads them:
    (document xml:id, person xml:id, the spelling linked). Records are `VOLUME-DOC`, persons `frus:VOLUME#ID`."""
    found: dict[tuple[str, str, str], str] = {}
    prefix, person_prefix = f"{volume}-", f"frus:{volume}#"
    for decision in context.store.link_decisions():
        if not decision.record_id.startswith(prefix) or not decision.entity_id.startswith(person_prefix):
            continue
        parts = decision.mention.split(":")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            continue
        try:
            record = context.store.get(decision.record_id)
        except FondsError:
            continue
        rendition, start, end = (int(p) for p in parts)
        if rendition < len(record.renditions):
            text = record.renditions[rendition].text[start:end]
            found[(decision.record_id[len(prefix):], decision.entity_id[len(person_prefix):], text)] = decision.decision
    return found
