"""Commands on renditions with files: attach."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from fonds.cli.main import Context, main, pass_context
from fonds.renditions.attach import KINDS, Options, attach
from fonds.renditions.files import FileStore


@main.command("attach")
@click.argument("record_id")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), required=True, help="What the file is: a scan, a transcript or a translation.")
@click.option("--lang", "language", help="Its language, ISO 639-1 (default for a scan: the record's original language).")
@click.option("--maker", help="Who made it: the translator or transcriber.")
@click.option("--no-ocr", is_flag=True, help="Store a scan's pages without reading their text.")
@pass_context
def attach_command(context: Context, record_id: str, files: tuple[Path, ...], kind: str, language: str | None,
                   maker: str | None, no_ocr: bool) -> None:
    """Attach a scan (a PDF, or page images in order), a transcript or a translation to a record.

    A scan's pages without a text layer are OCRed with Tesseract in the document's language.

    Example: fonds attach wcda-110485 scan.pdf --kind scan --lang ru
    """
    settings = context.settings
    options = Options(kind=kind, language=language, maker=maker, ocr=not no_ocr,
                      workers=settings.ocr_workers, max_pages=settings.max_pages)
    bar: Any = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=stage, file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        done = attach(context.store, FileStore(settings.files_path), record_id, list(files), options, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for rendition in done.renditions:
        pages = f", {len(rendition.images)} pages" if rendition.images else ""
        made = " (machine-made)" if rendition.is_machine_made else ""
        click.echo(f"{record_id}: {rendition.kind} [{rendition.language or '?'}]{pages}{made}")
    if done.ocr_pages or done.layer_pages:
        click.echo(f"text: {done.layer_pages} pages from the PDF's text layer, {done.ocr_pages} OCRed")
    click.echo("unchanged" if not done.result.changed else "stored")
    applied = context.index().update(context.store)
    if applied:
        click.echo(f"index: {applied} changes applied")


@main.group("files")
def files_group() -> None:
    """Look after the folder of attached files (scans, transcripts, translations)."""


@files_group.command("check")
@click.option("--quick", is_flag=True, help="Only look for missing files; do not re-hash their bytes.")
@pass_context
def files_check_command(context: Context, quick: bool) -> None:
    """Report files the records name that are missing, or whose bytes no longer match their hash.
    Exit status 1 when any is.

    Example: fonds files check
    """
    from fonds.renditions.upkeep import check

    problems = check(context.store, FileStore(context.settings.files_path), verify=not quick)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} files missing or damaged", err=True)
        sys.exit(1)
    click.echo("ok: every file the records name is present" + ("" if quick else " and whole"))


@files_group.command("gc")
@click.option("--delete", is_flag=True, help="Delete the unreferenced files (without it, only list them).")
@click.option("--grace", type=float, default=3600.0, show_default=True,
              help="Keep unreferenced files younger than this many seconds: an attach may be about to name them.")
@pass_context
def files_gc_command(context: Context, delete: bool, grace: float) -> None:
    """List (with --delete, remove) attached files no record or record version names.

    Safe beside a running attach or server: see docs/renditions.md for the order of operations.

    Example: fonds files gc --delete
    """
    from fonds.renditions.upkeep import collect, total

    if not grace >= 0:  # a negative grace (or nan) would delete files an attach is about to name
        raise click.BadParameter(f"{grace:g} is not a number of seconds of 0 or more", param_hint="'--grace'")
    found = collect(context.store, FileStore(context.settings.files_path), delete=delete, grace=grace)
    for sha, size in found.unreferenced:
        click.echo(f"{sha}\t{size}")
    summary = f"{len(found.unreferenced)} unreferenced files, {total(found.unreferenced)} bytes"
    if found.kept_young:
        summary += f"; {found.kept_young} younger than {grace:g} s kept"
    if delete:
        summary += f"; {found.deleted} deleted, {found.freed} bytes freed"
    click.echo(summary)
