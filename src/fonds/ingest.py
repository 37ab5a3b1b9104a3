"""Ingest: files in, records stored. One file is one transaction.

A file with any problem stores nothing; the rest of the batch goes on. The
report lists every rejected file as `file:line: what is wrong`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from fonds.authority import Entity
from fonds.errors import FondsError, Problem, RecordError
from fonds.importers import IMPORTERS, detect
from fonds.record import Collection, Record
from fonds.store.base import AddResult, Store, record_hash

HEAD_BYTES = 64 * 1024
Enricher = Callable[[Sequence[Record]], Sequence[Record]]


@dataclass
class IngestReport:
    files: int = 0
    result: AddResult = field(default_factory=AddResult)
    rejected: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    merged: int = 0  # persons-list entries folded into the authority entries that name them
    withdrawn: list[str] = field(default_factory=list)  # ids left alone: withdrawn by an editor

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        text = (
            f"{self.result.added} added, {self.result.updated} updated, {self.result.unchanged} unchanged, "
            f"{len(self.rejected)} rejected"
        )
        if self.skipped:
            text += f", {len(self.skipped)} skipped (not a record format)"
        if self.withdrawn:
            text += f", {len(self.withdrawn)} left withdrawn (fonds restore ID brings one back)"
        if self.files and not self.result.changed and not self.rejected:
            text += "; nothing changed"
        return text


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path], list[Problem]]:
    """Files named directly, and files found in folders (which may be skipped if not records)."""
    named: list[Path] = []
    found: list[Path] = []
    missing: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(folder) / f for f in sorted(files) if not f.startswith("."))
        elif path.is_file():
            named.append(path)
        else:
            missing.append(Problem(str(path), "no such file or folder"))
    return named, found, missing


def read_file(path: Path) -> tuple[list[Record], list[Collection], list[Entity]]:
    """Everything one file holds, checked. Raises RecordError naming the file and line."""
    origin = str(path)
    try:
        with path.open("rb") as source:
            head = source.read(HEAD_BYTES)
            fmt = detect(head)
            if not head.strip():
                raise RecordError(f"{origin}:1: the file is empty")
            if fmt is None and b"\x00" in head:
                raise RecordError(f"{origin}:1: this is a binary file, not a record")
            if fmt is None:
                raise RecordError(
                    f"{origin}:1: not a format fonds reads (a Wilson Center text record, "
                    "a FRUS TEI volume or Record JSON)"
                )
            source.seek(0)
            items = list(IMPORTERS[fmt](source, origin=origin))
    except OSError as error:
        raise RecordError(f"{origin}: cannot read the file ({error.strerror})") from None
    records = [item for item in items if isinstance(item, Record)]
    collections = [item for item in items if isinstance(item, Collection)]
    entities = [item for item in items if isinstance(item, Entity)]
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            raise RecordError(f"{record.origin or origin}: record id {record.id!r} appears twice in the file")
        seen.add(record.id)
    if not records and not entities:
        raise RecordError(f"{origin}:1: the file holds no records")
    return records, collections, entities


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    link_names: bool = True,
    enrich: Enricher | None = None,
    on_file: Callable[[Path], None] | None = None,
    strict: bool = False,
) -> IngestReport:
    """Ingest files and folders.

    With `link_names`, the persons each record names are linked to the archive's authority
    (and the curated persons fonds ships), and FRUS persons-list entries are folded into the
    authority entries that name them. `enrich` sees each file's records before they are stored.
    """
    if link_names:
        from fonds.naming import Names

        names = Names.of(store)
        if names.missing_curated:  # the curated persons that linked records may point to
            store.put_entities(names.missing_curated)
        linker = names.link_all
        enrich = linker if enrich is None else (lambda records, first=enrich: first(linker(records)))
    named, found, missing = collect_files(paths)
    report = IngestReport(rejected=list(missing))
    for path in named + found:
        if on_file:
            on_file(path)
        try:
            records, collections, entities = read_file(path)
        except RecordError as error:
            if path in found and str(error).endswith("or Record JSON)"):
                report.skipped.append(str(path))
                continue
            report.rejected.append(_problem(path, error))
            if strict:
                break
            continue
        report.files += 1
        records, unchanged = changed_records(store, records)
        report.result.unchanged += unchanged
        withdrawn = store.withdrawn_ids([r.id for r in records])
        if withdrawn:  # a withdrawal stands until an editor restores the record
            report.withdrawn.extend(sorted(withdrawn))
            records = [r for r in records if r.id not in withdrawn]
        if enrich is not None and records:
            records = list(enrich(records))
        if link_names and records:
            from fonds.review import apply_stored_decisions

            records = apply_stored_decisions(store, records)
        try:
            report.result += store.add(records, collections=collections, entities=entities, agent=f"ingest {path}")
        except FondsError as error:
            report.rejected.append(_problem(path, error))
            if strict:
                break
    if link_names and report.result.changed:
        from fonds.importers.authority_files import reconcile

        report.merged = reconcile(store).merged
    return report


def changed_records(store: Store, records: Sequence[Record]) -> tuple[list[Record], int]:
    """The records whose imported content differs from what the store holds, fingerprinted;
    and how many are unchanged. The fingerprint is taken before names are linked, so an input
    ingested again is unchanged even when the authority has since changed its links."""
    marked = [replace(r, fingerprint=record_hash(r.to_dict())) for r in records]
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
    if message.startswith(str(path)):
        return Problem(str(path), message[len(str(path)):].lstrip(": "))
    return Problem(str(path), message)
