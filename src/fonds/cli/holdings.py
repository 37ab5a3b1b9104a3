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

    Example: fonds export-collection c1752 --format ead3 -o c1752.xml
    """
    from fonds.exports.ead import write_collection

    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + write_collection(context.store, collection_id, fmt)
    if output:
        with open(output, "w", encoding="utf-8") as out:
            out.write(text)
        click.echo(f"wrote {collection_id} as {'EAD3' if fmt == 'ead3' else 'EAD 2002'} to {output}", err=True)
    else:
        click.echo(text, nl=False)
