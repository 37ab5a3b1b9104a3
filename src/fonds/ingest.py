"""Ingest: files in, records stored. One file is one transaction.

A file with any problem stores nothing; the rest of the batch goes on. The
report lists every rejected file as `file:line: what is wrong`, every warning
(a value the importer could only store through an archival fallback, such as a
devised title) as `file:line: what it did`, and every file of a folder that is
not a record format. With `dry_run`, everything is read and checked and nothing
is stored.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Sequence

from fonds.authority import Entity
from fonds.identifiers import check_identifier
from fonds.errors import FondsError, Problem, RecordError
from fonds.renditions.contents import Attacher, NamedFile, files_named_by
from fonds.importers import ImportOptions, detect, reader
from fonds.convergence import RELINK
from fonds.importers.authority_files import RECONCILE
from fonds.ingest_linking import IngestLinker
from fonds.collection import Collection
from fonds.record import Record
from fonds.store.base import AddResult, Store, record_hash

HEAD_BYTES = 64 * 1024
Enricher = Callable[[Sequence[Record]], Sequence[Record]]


@dataclass
class IngestReport:
    """What one ingest did: counts, and every rejected file, warning and skipped file by name.

    With `dry_run`, `result` counts what *would* be added, updated or left unchanged.
    """

    files: int = 0
    result: AddResult = field(default_factory=AddResult)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    merged: int = 0  # persons-list entries folded into the authority entries that name them
    seconds: dict[str, float] = field(default_factory=dict)  # wall seconds by phase: files, converge
    withdrawn: list[str] = field(default_factory=list)  # ids left alone: withdrawn by an editor
    collections: int = 0  # collections (levels of a hierarchy) read from the accepted files
    dry_run: bool = False
    strict: bool = False

    @property
    def ok(self) -> bool:
        """No file rejected (and, with `strict`, none skipped)."""
        return not self.rejected and not (self.strict and self.skipped)

    def summary(self) -> str:
        verb = "would be " if self.dry_run else ""
        text = (
            f"{self.result.added} {verb}added, {self.result.updated} {verb}updated, "
            f"{self.result.unchanged} unchanged, {len(self.rejected)} rejected"
        )
        if self.warnings:
            text += f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        if self.skipped:
            text += f", {len(self.skipped)} skipped (not a record format)"
        if self.withdrawn:
            text += f", {len(self.withdrawn)} left withdrawn (fonds restore ID brings one back)"
        if self.dry_run:
            text += "; dry run: nothing stored"
        elif self.files and not self.result.changed and not self.rejected:
            text += "; nothing changed"
        return text


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path], list[Problem]]:
    """Files named directly, and files found in folders (which may be skipped if not records).

    Only regular files are ever opened: a FIFO, a device or a socket is reported by name and
    never read (reading a FIFO waits forever); a symbolic link that loops or points nowhere,
    and a folder that cannot be read, are reported and the rest goes on. Symbolic links to
    folders are not followed inside a folder (no loops)."""
    named: list[Path] = []
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        kind = file_kind(path)
        if kind == "folder":
            def unreadable(error: OSError) -> None:
                problems.append(Problem(str(error.filename), f"cannot read the folder ({error.strerror})"))

            for folder, dirs, files in os.walk(path, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    inner = Path(folder) / name
                    inner_kind = file_kind(inner)
                    if inner_kind == "file":
                        found.append(inner)
                    elif inner_kind != "folder":
                        problems.append(Problem(str(inner), inner_kind))
        elif kind == "file":
            named.append(path)
        else:
            problems.append(Problem(str(path), kind))
    return named, found, problems


_SPECIAL = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
            (stat.S_ISSOCK, "a socket"))


def file_kind(path: Path) -> str:
    """"file", "folder", or what is wrong with `path` as an input (`not a regular file (a FIFO)...`)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return "a symbolic link that loops or points nowhere; it was not read"
        return "no such file or folder"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link that loops or points nowhere; it was not read"
        return f"cannot read it ({error.strerror})"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    what = next((name for test, name in _SPECIAL if test(mode)), "not a file")
    return f"not a regular file ({what}); it was not read"


@dataclass
class FileContents:
    """Everything one file holds, checked: records, collections, authority entries, and the
    warnings of the file as a whole (each record also keeps its own in `Record.warnings`)."""

    records: list[Record] = field(default_factory=list)
    collections: list[Collection] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: list[NamedFile] = field(default_factory=list)  # files a record's Contents names beside it

    @property
    def all_warnings(self) -> list[Problem]:
        """The file's warnings and its records', each once, in order."""
        found = list(self.warnings)
        for record in self.records:
            found.extend(record.warnings)
        return list(dict.fromkeys(found))



def refuse_unreadable_text(source: BinaryIO, head: bytes, origin: str) -> None:
    """RecordError for a file no importer can read as text: UTF-16 (said as such, not "binary"),
    or a NUL byte anywhere (with its line and offset). Reads the file through once, 1 MB at a time."""
    if is_utf16(head):
        raise RecordError(f"{origin}:1: the file is UTF-16: save it as UTF-8 and ingest it again")
    offset, lines = 0, 1
    chunk = head
    while chunk:
        position = chunk.find(b"\x00")
        if position >= 0:
            line = lines + chunk.count(b"\n", 0, position)
            raise RecordError(
                f"{origin}:{line}: the file holds a NUL byte (offset {offset + position}); "
                "a record file is text: this is a damaged copy"
            )
        offset += len(chunk)
        lines += chunk.count(b"\n")
        chunk = source.read(1024 * 1024)


def is_utf16(head: bytes) -> bool:
    """A byte-order mark of UTF-16, or ASCII text with every other byte NUL (UTF-16 without one)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:200]
    if len(sample) < 8:
        return False
    return sample[1::2].count(0) > len(sample) // 2 * 0.9 or sample[0::2].count(0) > len(sample) // 2 * 0.9


class NotARecordFormat(RecordError):
    """A file whose content is no format fonds reads (skipped when found in a folder)."""


def read_contents(path: Path, options: ImportOptions | None = None) -> FileContents:
    """Read one file with the importer its content calls for. Raises RecordError naming the file
    and line; NotARecordFormat when no importer recognises the content. An importer reports a
    warning for the whole file by yielding a `Problem`, and a record's own in `Record.warnings`."""
    origin = str(path)
    try:
        with path.open("rb") as source:
            head = source.read(HEAD_BYTES)
            fmt = detect(head, options)
            declared = options is not None and options.encoding is not None  # a CSV's own encoding
            if fmt is not None and not declared:  # a file no importer knows is reported below
                refuse_unreadable_text(source, head, origin)
                source.seek(0)
            if not head.strip():
                raise RecordError(f"{origin}:1: the file is empty")
            if is_utf16(head) and not declared:
                raise RecordError(f"{origin}:1: the file is UTF-16: save it as UTF-8 and ingest it again")
            if fmt is None and b"\x00" in head:
                raise NotARecordFormat(f"{origin}:1: this is a binary file, not a record")
            if fmt is None:
                raise NotARecordFormat(
                    f"{origin}:1: not a format fonds reads (a Wilson Center text record, "
                    "a FRUS TEI volume or Record JSON)"
                )
            source.seek(0)
            items = list(reader(fmt, options)(source, origin=origin))
    except OSError as error:
        raise RecordError(f"{origin}:1: cannot read the file ({error.strerror})") from None
    contents = FileContents()
    for item in items:
        if isinstance(item, Record):
            contents.records.append(item)
        elif isinstance(item, Collection):
            contents.collections.append(item)
        elif isinstance(item, Entity):
            contents.entities.append(item)
        elif isinstance(item, Problem):
            contents.warnings.append(item)
        elif isinstance(item, NamedFile):
            contents.files.append(item)
    seen: set[str] = set()
    # the store checks ids again when it adds them; checking here makes --dry-run refuse them too
    for collection in contents.collections:
        check_identifier(collection.id, origin=f"{origin}:1", what=f"collection {collection.title[:60]!r}: its id")
    for record in contents.records:
        check_identifier(record.id, origin=record.origin or f"{origin}:1", what="record id")
        if record.id in seen:
            raise RecordError(f"{record.origin or origin}: record id {record.id!r} appears twice in the file")
        seen.add(record.id)
    if not contents.records and not contents.entities and not contents.collections:
        raise RecordError(f"{origin}:1: the file holds no records")
    return contents


def read_file(path: Path, options: ImportOptions | None = None) -> tuple[list[Record], list[Collection], list[Entity]]:
    """Records, collections and authority entries of one file (see `read_contents`)."""
    contents = read_contents(path, options)
    return contents.records, contents.collections, contents.entities


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    link_names: bool = True,
    enrich: Enricher | None = None,
    on_file: Callable[[Path], None] | None = None,
    strict: bool = False,
    dry_run: bool = False,
    options: ImportOptions | None = None,
    workers: int | None = None,
    attacher: Attacher | None = None,
) -> IngestReport:
    """Ingest files and folders.

    With `link_names`, the persons each record names are linked to the archive's authority
    (and the curated persons fonds ships), and FRUS persons-list entries are folded into the
    authority entries that name them. `enrich` sees each file's records before they are stored.
    `strict` stops at the first rejected or skipped file. `dry_run` reads and checks every file
    and reports what would change, storing nothing. A record id claimed by two files of one batch
    is kept from the first; the second file is rejected, naming both. `options` go to the
    importers that take them (CSV: encoding, column mapping, skip bad rows). `workers` is how
    many processes read, link and serialize files (default: one per core; fonds.ingest_workers);
    the result is the same for any number. `attacher` attaches the files a text record's Contents
    names beside it (renditions/contents.py); without one, such a record is rejected. Those files
    are not reported as files that are no record.
    """
    started = time.perf_counter()
    # A relinking a crash cut short: what it was for is not known, so every record is linked again.
    resumed = RELINK in store.pending()
    linker = IngestLinker(store, enrich) if link_names and not dry_run else None
    from fonds.ingest_workers import FileStep, default_workers, prepared_files
    from fonds.repositories import Repositories

    named, found, missing = collect_files(paths)
    beside = {p for record_file in found if record_file.suffix.lower() == ".txt" for p in files_named_by(record_file)}
    found = [p for p in found if p.resolve() not in beside]  # a record's scan is not a file of its own
    report = IngestReport(rejected=list(missing), dry_run=dry_run, strict=strict)
    claimed: dict[str, Path] = {}  # record id -> the file of this batch that holds it
    marked = False  # whether this run has marked person reconciliation as pending
    authority_changed = False  # whether a file brought authority entries (relink every record)
    done: set[Path] = set()
    unique: list[Path] = []
    for path in named + found:
        if path.resolve() not in done:
            done.add(path.resolve())
            unique.append(path)
    workers = default_workers() if workers is None else workers
    repositories = Repositories.of(store)
    position = 0  # files of `unique` taken so far
    stop = False
    while position < len(unique) and not stop:
        step = FileStep(store=store, link_names=link_names, dry_run=dry_run, options=options,
                        repositories=repositories, enrich=linker.enrich if linker else enrich,
                        plain=linker is not None and linker.plain, attacher=attacher)
        files = prepared_files(step, unique[position:], workers)
        try:
            for prepared in files:
                position += 1
                path = prepared.path
                if on_file:
                    on_file(path)
                if prepared.error is not None:
                    if prepared.not_a_format and path in found:
                        report.skipped.append(str(path))
                    else:
                        report.rejected.append(_problem(path, prepared.error))
                    stop = strict
                    if stop:
                        break
                    continue
                try:
                    _check_claims(prepared.claims, path, claimed)
                except RecordError as error:
                    report.rejected.append(_problem(path, error))
                    stop = strict
                    if stop:
                        break
                    continue
                report.files += 1
                report.warnings.extend(prepared.warnings)
                report.result.unchanged += prepared.unchanged
                report.withdrawn.extend(prepared.withdrawn)
                if dry_run:
                    report.collections += len(prepared.collections)
                    report.result.updated += prepared.would_update
                    report.result.added += prepared.would_add
                    continue
                records = prepared.records
                # A file that brings authority entries: the files after it are linked again with
                # them (fonds.ingest_linking), so what the workers are preparing now is stopped.
                restart = linker is not None and bool(prepared.entities) and position < len(unique)
                if restart:
                    files.close()
                try:
                    if prepared.store_error is not None:
                        raise prepared.store_error
                    if link_names and not marked and (records or prepared.entities):
                        store.set_pending(RECONCILE)  # before the write: a kill after it leaves the mark
                        marked = True
                    if link_names and prepared.entities and not authority_changed:
                        store.set_pending(RELINK)
                        authority_changed = True
                    before = store.last_seq() if linker is not None and prepared.relinkable else -1
                    report.result += store.add(records, collections=prepared.collections,
                                               entities=prepared.entities, agent=f"ingest {path.name}")
                    report.collections += len(prepared.collections)  # counted once stored, never for a rejected file
                except FondsError as error:
                    report.rejected.append(_problem(path, error))
                    stop = strict
                    if stop or restart:
                        break
                    continue
                if linker is not None and before >= 0:
                    linker.note(store, before, [record.id for record in records])
                if restart and linker is not None:
                    # The authority changed: what follows is linked against it (fonds.ingest_linking).
                    linker.rebuild(store)
                    marked = False  # the reconciliation just run cleared its mark
                    break
        finally:
            files.close()  # stops the workers: after --strict stopped early, or to start them again
    report.seconds["files"] = time.perf_counter() - started
    if linker is not None:
        from fonds.convergence import converge

        converged = time.perf_counter()
        _, merged = converge(store, authority_changed=authority_changed or bool(linker.curated_added),
                             before=None if resumed else linker.history, linked=linker.linked)
        report.merged = linker.merged + merged
        report.seconds["converge"] = time.perf_counter() - converged
    return report


def _check_claims(records: Sequence[tuple[str, str | None]], path: Path, claimed: dict[str, Path]) -> None:
    """Raise RecordError if a record id was already read from another file of this batch;
    else note these records' ids as claimed by `path`. `records`: (id, origin) of each."""
    for record_id, origin in records:
        first = claimed.get(record_id)
        if first is not None and first != path:
            where = origin if origin and origin.startswith(str(path)) else f"{path}:1"
            raise RecordError(
                f"{where}: record id {record_id!r} is also claimed by {first}, read earlier in this "
                "batch; this file was not stored: give one of them another id, or ingest only one"
            )
    for record_id, _ in records:
        claimed[record_id] = path


def changed_records(store: Store, records: Sequence[Record]) -> tuple[list[Record], int]:
    """The records whose imported content differs from what the store holds, fingerprinted;
    and how many are unchanged. The fingerprint is taken before names are linked, so an input
    ingested again is unchanged even when the authority has since changed its links."""
    marked = [r.with_fingerprint(record_hash(r.to_dict())) for r in records]
    stored = store.fingerprints([r.id for r in marked])
    fresh = [r for r in marked if stored.get(r.id) != r.fingerprint]
    return fresh, len(marked) - len(fresh)


def all_files(paths: Iterable[str | Path]) -> list[Path]:
    named, found, _ = collect_files(paths)
    return named + found


def _problem(path: Path, error: FondsError) -> Problem:
    message = str(error)
    prefix = f"{path}:"
    if message.startswith(prefix):
        origin, _, rest = message[len(prefix):].partition(": ")
        return Problem(f"{path}:{origin}", rest)
    if message.startswith(f"{path}#"):  # a FRUS document: file#xml:id
        origin, _, rest = message.partition(": ")
        return Problem(origin, rest)
    if message.startswith(str(path)):
        return Problem(str(path), message[len(str(path)):].lstrip(": "))
    return Problem(str(path), message)
