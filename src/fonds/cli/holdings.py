"""Commands on an archive's holdings as archival units: export-collection (EAD), harvest (OAI-PMH)."""

from __future__ import annotations

import click

from fonds.cli.main import Context, main, pass_context


@main.command("export-collection")
@click.argument("collection_id")
@click.option("--format", "fmt", default="ead", show_default=True, type=click.Choice(["ead", "ead3"]),
              help="ead: EAD 2002; ead3: EAD3.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to a file instead of standard output.")
@pass_context
def export_collection_command(context: Context, collection_id: str, fmt: str, output: str | None) -> None:
    """Export a collection with its sub-collections and records as an EAD finding aid.

    A record that cannot be written is left out (logged and named); the exit status is then 1.

    Example: fonds export-collection c1752 --format ead3 -o c1752.xml
    """
    import sys

    from fonds.containment import Failures
    from fonds.exports.ead import write_collection

    failures = Failures("finding aid")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + write_collection(context.store, collection_id, fmt, failures)
    if output:
        with open(output, "w", encoding="utf-8") as out:
            out.write(text)
        click.echo(f"wrote {collection_id} as {'EAD3' if fmt == 'ead3' else 'EAD 2002'} to {output}", err=True)
    else:
        click.echo(text, nl=False)
    if failures:  # each left out whole; the rest of the finding aid is written
        click.echo(f"fonds: {failures.summary()}", err=True)
        sys.exit(1)


@main.command("harvest")
@click.argument("url")
@click.option("--set", "set_spec", help="Harvest only this set (setSpec).")
@click.option("--prefix", default="oai_dc", show_default=True, type=click.Choice(["oai_dc", "tei", "ead"]),
              help="Metadata format to ask for (ead asks for oai_ead).")
@click.option("--from", "since", help="Ask only for records changed since this date (YYYY-MM-DD); default: where the last harvest stopped.")
@click.option("--namespace", help="Id prefix for the harvested records (default: the repository's identifier, or its host).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True, max=3600), metavar="SECONDS",
              help="Seconds to wait to connect and for each read of an answer (default: setting harvest_timeout, 30).")
@pass_context
def harvest_command(context: Context, url: str, set_spec: str | None, prefix: str, since: str | None, namespace: str | None,
                    timeout: float | None) -> None:
    """Harvest records from another OAI-PMH repository; the next run asks only for what changed.

    Example: fonds harvest https://archive.example.org/oai --prefix oai_dc --set letters
    """
    from pathlib import Path

    from fonds.harvest import HarvestState, harvest
    from fonds.naming import Names

    store = context.store
    state = HarvestState(Path(f"{context.settings.index_path}-harvest.json"))
    names = Names.of(store)
    report = harvest(
        store, url, prefix="oai_ead" if prefix == "ead" else prefix, set_spec=set_spec, since=since,
        state=state, namespace=namespace, enrich=names.link_all, timeout=timeout or context.settings.harvest_timeout,
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    applied = context.index(catch_up=False).update(store)
    click.echo(report.summary())
    if applied:
        click.echo(f"index: {applied} changes applied")
