"""Commands on the archive: ingest, search, show, export, dump, reindex, stats, serve, migrate, copy."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator

import click

from fonds.config import MAX_PROCESSES
from fonds.cli.main import Context, main, no_bar, pass_context
from fonds.containment import one_line
from fonds.errors import ExportError, StoreError
from fonds.priority import idle_process
from fonds.index import SearchResult
from fonds.query import parse
from fonds.record import Record, format_reference
from fonds.store import open_store
from fonds.store.base import Store


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Stop at the first rejected file, or skipped file of a folder.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, report every problem and warning, store nothing.")
@click.option("--encoding", help="The encoding of CSV/TSV files that are not UTF-8, e.g. windows-1252 (default: detect).")
@click.option("--map", "mapping", type=click.Path(dir_okay=False), help="A TOML file mapping a CSV's column names to fonds' (docs/importing.md).")
@click.option("--skip-bad-rows", is_flag=True, help="Store a CSV's good rows and report each bad row skipped (default: a bad row stores nothing).")
@click.option("--index-during", is_flag=True,
              help="Fill the search index in a process of its own while the files are stored (default: after them; "
                   "docs/benchmarks.md says what each costs).")
@click.option("--background", is_flag=True,
              help="Run at idle CPU priority (Linux SCHED_IDLE), with every process and thread the ingest starts: "
                   "it takes only the cores a server beside it leaves (docs/deployment.md).")
@pass_context
def ingest_command(
    context: Context,
    paths: tuple[str, ...],
    strict: bool,
    dry_run: bool,
    encoding: str | None,
    mapping: str | None,
    skip_bad_rows: bool,
    index_during: bool = False,
    background: bool = False,
) -> None:
    """Ingest record files and folders; the format is detected from each file's content.

    Rejected files, warnings (values stored through an archival fallback, such as a devised
    title) and files of a folder that are not records are each listed by name. Exits 1 if any
    file was rejected (with --strict, also if one was skipped). Beside a serving archive,
    --background leaves the cores to the pages (docs/deployment.md).

    Example: fonds ingest ../shared/corpus/wilson-center ../shared/corpus/frus/*.xml
    """
    if background and not idle_process():
        click.echo("fonds: warning: --background: this system does not allow idle priority; "
                   "ingesting at normal priority (run it under `nice -n 19` instead)", err=True)
    from fonds.importers.options import ImportOptions, load_mapping  # here: `fonds serve` starts without the importers
    from fonds.ingest import all_files, ingest
    from fonds.index_following import following

    options = ImportOptions(encoding=encoding, mapping=load_mapping(mapping) if mapping else {}, skip_bad_rows=skip_bad_rows)
    files = all_files(paths)
    store = context.store
    index = None if dry_run else context.index(catch_up=False)
    checkpoint = index.checkpoint if index is not None else 0
    show_progress = sys.stderr.isatty() and len(files) > 1
    with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr, show_pos=True) if show_progress else no_bar() as bar:
        from fonds.renditions.contents import Attacher
        from fonds.renditions.files import FileStore

        attacher = Attacher(FileStore(context.settings.files_path), context.settings.ocr_workers, context.settings.max_pages)
        with following(store, index.path if index is not None and index_during else None):
            report = ingest(
                store, paths, on_file=lambda _path: bar.update(1), strict=strict, dry_run=dry_run, options=options,
                attacher=attacher,
            )
    for problem in report.rejected:
        click.echo(f"rejected: {problem}", err=True)
    for name in report.skipped:
        click.echo(f"skipped: {name}: not a record format", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.merged:
        click.echo(f"authority: {report.merged} entries merged into entries that name the same person")
    applied = index.update(store) if index is not None else 0
    if index is not None:  # with the changes the follower applied during the ingest
        applied = max(applied, index.checkpoint - checkpoint)
    click.echo(report.summary())
    if report.collections and not report.result.changed and not report.result.unchanged:
        # A file of collections only (an ArchivesSpace series list): say what it did.
        verb = "read" if dry_run else "stored"
        click.echo(f"collections: {report.collections} {verb} with their hierarchy (the files hold no records)")
    if applied and index is not None:
        click.echo(f"index: {applied} changes applied, {index.count()} records searchable")
    if not report.ok:
        sys.exit(1)


@main.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the search JSON of DESIGN.md.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@pass_context
def search_command(context: Context, words: tuple[str, ...], as_json: bool, limit: int, offset: int, sort: str) -> None:
    """Search the archive with the query language (see docs/search.md).

    The words may be given as one argument or several; a word starting with - is
    a NOT (`fonds search Kim -Berlin`), not an option.

    Example: fonds search 'person:"Kim Il Sung" date:1962-08..1962-12 lang:ru'
    """
    query = " ".join(words)
    node = parse(query)
    result = context.index().search(
        node, limit=limit, offset=offset, sort=sort, resolve_names=_name_resolver(context.store)
    )
    if as_json:
        click.echo(json.dumps(search_json(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} {'record matches' if result.total == 1 else 'records match'} {query!r}")
    for number, hit in enumerate(result.hits, offset + 1):
        click.echo(f"\n{number}. {hit.title}  [{hit.id}]")
        if hit.date:
            click.echo(f"   {hit.date}")
        snippet = hit.snippet.replace("<b>", click.style("", bold=True, reset=False)).replace("</b>", click.style("", reset=True))
        click.echo(f"   {_unescape(snippet)}")
        for why in hit.matched:
            click.echo(f"   matched: {why}")


def search_json(result: SearchResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "hits": [
            {"id": h.id, "title": h.title, "date": h.date, "snippet": h.snippet, "matched": list(h.matched)}
            for h in result.hits
        ],
        "facets": {name: [{"value": v, "count": c} for v, c in values] for name, values in result.facets.items()},
    }


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")


def _name_resolver(store: Store) -> Any:
    from fonds.naming import Names

    return Names.of(store).resolve


@main.command("show")
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="Print the Record JSON of DESIGN.md.")
@click.option("--version", "version", type=int, help="Show version N as it was (`fonds history ID` lists them).")
@pass_context
def show_command(context: Context, record_id: str, as_json: bool, version: int | None) -> None:
    """Show one record, or one of its versions.

    Example: fonds show wcda-110485 --json
    """
    record = context.store.get_version(record_id, version).record if version is not None else context.store.get(record_id)
    if as_json:
        click.echo(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in describe(record):
        click.echo(line)


def describe(record: Record) -> Iterator[str]:
    yield record.title
    yield "=" * min(len(record.title), 78)
    rows = [
        ("id", record.id),
        ("date", record.date.text or "undated"),
        ("type", record.type),
        ("number", record.number),
        ("chapter", record.chapter),
        ("repository", " ".join(filter(None, [record.source.repository, f"({record.source.repository_code})" if record.source.repository_code else None]))),
        ("printed as", record.source.repository_printed),
        ("reference", format_reference(record.source.reference)),
        ("published in", record.source.publication),
        ("languages", ", ".join(record.original_languages)),
        ("credits", "; ".join(f"{c.name} ({c.role})" for c in record.credits)),
        ("collections", ", ".join(record.collections)),
        ("persons", ", ".join(f"{p.name} ({', '.join(p.roles)})" for p in record.people()[:20])),
        ("url", record.url),
        ("origin", record.origin),
    ]
    for label, value in rows:
        if value:
            yield f"{label:>12}: {value}"
    for warning in record.warnings:
        yield f"{'warning':>12}: {warning}"
    if record.summary:
        yield ""
        yield record.summary
    for rendition in record.renditions:
        yield ""
        yield f"--- {rendition.label or rendition.kind} ---"
        if rendition.text:
            yield rendition.text


@main.command("reindex")
@pass_context
def reindex_command(context: Context) -> None:
    """Delete the search index and build it again from the store. An index that cannot be opened
    at all (damaged files, or a file where its folder should be) is moved aside, named, and a new
    one built.

    Example: fonds reindex
    """
    try:
        index = context.index(catch_up=False)
    except (StoreError, OSError) as error:  # the advice of `fonds check` and of the error itself: never a loop
        path = context.settings.index_path
        if not path.exists() and not path.is_symlink():
            raise
        aside = next(path.with_name(f"{path.name}.damaged{n or ''}") for n in range(1000)
                     if not path.with_name(f"{path.name}.damaged{n or ''}").exists())
        path.rename(aside)
        click.echo(f"the search index at {path} could not be opened ({one_line(error)}); moved it to {aside} "
                   "(delete it once the new index works)", err=True)
        index = context.index(catch_up=False)
    count = index.rebuild(context.store)
    click.echo(f"index rebuilt: {count} records searchable")


@main.command("stats")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def stats_command(context: Context, as_json: bool) -> None:
    """Counts of records, persons and collections.

    Example: fonds stats --json
    """
    stats = context.store.stats()
    data = {"records": stats.records, "persons": stats.persons, "collections": stats.collections, "changes": stats.changes}
    if as_json:
        click.echo(json.dumps(data))
        return
    for key, value in data.items():
        click.echo(f"{key:>12}: {value}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--read-only", is_flag=True, default=None,
              help="Only read the database (a node on a PostgreSQL hot standby); writes are refused.")
@click.option("--workers", type=click.IntRange(1, MAX_PROCESSES), default=None,
              help="Worker processes answering requests (default: the workers setting, 1); above 1, one more "
                   "process follows the change log into the index.")
@pass_context
def serve_command(context: Context, host: str, port: int, read_only: bool | None, workers: int | None) -> None:
    """Serve the reading room, the JSON API and OAI-PMH; the index follows the store while it runs.

    Example: fonds --db postgresql://fonds@standby/archive serve --read-only --port 8001 --workers 2
    """
    from dataclasses import replace

    from fonds.web.serving import serve

    settings = replace(context.settings, read_only=True) if read_only else context.settings
    if workers is not None:
        settings = replace(settings, workers=workers)
    serve(settings, host, port)



@main.command("export")
@click.argument("record_id")
@click.option("--format", "fmt", default="tei", show_default=True,
              type=click.Choice(["tei", "oai_dc", "csl-json", "bibtex", "ris", "chicago"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to a file instead of the terminal.")
@pass_context
def export_command(context: Context, record_id: str, fmt: str, output: str | None) -> None:
    """Export one record as TEI, Dublin Core, CSL-JSON, BibTeX, RIS or a Chicago citation.

    Example: fonds export wcda-110485 --format ris
    """
    from fonds.containment import Failures
    from fonds.exports import EXPORTS

    record = context.store.get(record_id)
    failures = Failures(f"{fmt} export")
    text = ""
    with failures.guard(record_id):
        text = EXPORTS[fmt].write(record)
    if failures:  # a fault of fonds, logged: one line for the user, never a traceback
        raise ExportError(f"{failures.items[0]}; it cannot be exported as {fmt} (the log has the details)")
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@main.command("dump")
@click.option("--format", "fmt", default="jsonl", show_default=True, type=click.Choice(["jsonl", "tei", "csv"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to a file instead of standard output.")
@pass_context
def dump_command(context: Context, fmt: str, output: str | None) -> None:
    """Stream every record as JSON Lines, a TEI corpus or CSV; memory stays flat however many there are.

    The dump starts with the collections and authority entries and carries each record whole:
    `fonds ingest` of it into an empty archive gives back the same archive.

    A record that cannot be written is left out (logged), the dump goes on, and the summary on
    standard error names every record left out; the exit status is then 1.

    Example: fonds dump --format jsonl -o archive.jsonl
    """
    from fonds.containment import Failures
    from fonds.exports.dump import write_all

    failures = Failures("dump")
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = write_all(
                context.store.iter_records(failures=failures), fmt, out,
                collections=context.store.collections(), entities=context.store.iter_entities(), failures=failures,
            )
        click.echo(f"wrote {count} records to {output}", err=True)
    else:
        write_all(
            context.store.iter_records(failures=failures), fmt, sys.stdout,
            collections=context.store.collections(), entities=context.store.iter_entities(), failures=failures,
        )
    if failures:
        click.echo(f"fonds: {failures.summary()}", err=True)
        sys.exit(1)


@main.command("migrate")
@pass_context
def migrate_command(context: Context) -> None:
    """Create or upgrade the PostgreSQL schema of the database --db names.

    Example: fonds --db postgresql://fonds@127.0.0.1/archive migrate
    """
    from fonds.store.migrations import migrate

    before, after = migrate(context.settings.db)
    if before == after:
        click.echo(f"schema is at version {after}; nothing to do")
    else:
        click.echo(f"schema migrated from version {before} to {after}")


@main.command("copy")
@click.option("--from", "source_url", required=True, help="Store to read: a file, sqlite:///PATH or postgresql://...")
@click.option("--to", "target_url", required=True, help="Store to write: a file, sqlite:///PATH or postgresql://...")
def copy_command(source_url: str, target_url: str) -> None:
    """Copy an archive between stores (records, collections, authority), losslessly.

    A source record whose stored data cannot be read is left out and named; the rest is copied and
    the exit status is 1.

    Example: fonds copy --from sqlite:///fonds.db --to postgresql://fonds@127.0.0.1/archive
    """
    from fonds.store.copy import copy_store

    with open_store(source_url) as source, open_store(target_url) as target:
        total = source.stats().records
        bar_wanted = sys.stderr.isatty()
        with click.progressbar(length=total, label="Copying", file=sys.stderr) if bar_wanted else no_bar() as bar:
            done = [0]

            def progress(copied: int, _total: int) -> None:
                bar.update(copied - done[0])
                done[0] = copied

            result = copy_store(source, target, progress=progress)
    click.echo(
        f"copied {result.copied} records ({result.records.added} added, {result.records.updated} updated, "
        f"{result.records.unchanged} unchanged), {result.collections} collections, {result.entities} authority entries"
    )
    if result.unreadable:
        click.echo(f"fonds: {result.unreadable.summary()}; `fonds check` on the source names them", err=True)
        sys.exit(1)
