"""Keeping the files folder sound: `fonds files check` and `fonds files gc`.

- `check` reads every file the records name (every version of every record, withdrawn ones
  too) and reports each one the folder lacks or whose bytes no longer hash to its name.
- `gc` lists (and with `delete=True` removes) the files no version of any record names: what an
  attach that failed after storing its files left behind, or files only a deleted scan named.

Never deleting a file a concurrent attach is about to name (the order of operations):

1. An attach stores its files *before* it writes the record (attach.py), and storing a file that
   is already held sets its mtime to now (`FileStore._touch`).
2. gc lists the files first, then reads which hashes the records name: a record written before
   that read is seen, so its files are kept.
3. A file that is unnamed but younger than `grace` seconds (default one hour: far longer than an
   attach takes between storing its files and writing its record) is kept: its attach may be
   about to commit.
4. To delete, gc first renames the file to a temporary name (atomic), then looks at its mtime
   again: if an attach touched it in between, gc puts it back. An attach that comes after the
   rename finds no file, so it writes the bytes again (`_touch` returns False). Only then is the
   renamed file removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from fonds.record import Record
from fonds.renditions.files import CHUNK, FileStore
from fonds.store.base import Store

GRACE_SECONDS = 3600.0
_SHA = re.compile(r'"sha256"\s*:\s*"([0-9a-f]{64})"')


@dataclass
class FileProblem:
    """A file a record names that is missing or damaged; `records` are the ids naming it."""

    sha256: str
    problem: str  # "missing" or "damaged"
    records: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        shown = ", ".join(self.records[:3]) + (f" and {len(self.records) - 3} more" if len(self.records) > 3 else "")
        if self.problem == "missing":
            return (f"file {self.sha256}: named by {shown} but not in the files folder; "
                    "restore it from a backup or attach the file again")
        return (f"file {self.sha256}: named by {shown} but its bytes no longer hash to its name (damaged); "
                "restore it from a backup or attach the file again")


@dataclass
class Collected:
    """What gc found: unnamed files (hash, bytes), what it deleted, and what it kept as too young."""

    unreferenced: list[tuple[str, int]] = field(default_factory=list)
    deleted: int = 0
    freed: int = 0
    kept_young: int = 0


def record_hashes(record: Record) -> Iterator[str]:
    """Every file hash a record names (rendition sources, page images, word positions)."""
    for rendition in record.renditions:
        if rendition.source is not None:
            yield rendition.source.sha256
        for image in rendition.images:
            yield image.sha256
        if rendition.words is not None:
            yield rendition.words.sha256


def referenced(store: Store) -> dict[str, str]:
    """Hash -> the id of one record naming it, over the live records and every stored version."""
    found: dict[str, str] = {}
    for record in store.iter_records():
        for sha in record_hashes(record):
            found.setdefault(sha, record.id)
    for text in store.iter_version_texts():
        if '"sha256"' not in text:
            continue
        record_id = str(json.loads(text).get("id", "?"))
        for sha in _SHA.findall(text):
            found.setdefault(sha, record_id)
    return found


def _naming(store: Store) -> dict[str, list[str]]:
    """Hash -> ids of the live records naming it (versions add the ids of withdrawn records)."""
    found: dict[str, list[str]] = {}
    for record in store.iter_records():
        for sha in dict.fromkeys(record_hashes(record)):
            found.setdefault(sha, []).append(record.id)
    for text in store.iter_version_texts():
        if '"sha256"' not in text:
            continue
        record_id = str(json.loads(text).get("id", "?"))
        for sha in _SHA.findall(text):
            ids = found.setdefault(sha, [])
            if record_id not in ids:
                ids.append(record_id)
    return found


def check(store: Store, files: FileStore, *, verify: bool = True) -> list[FileProblem]:
    """Files the records name that are missing, or (with `verify`) whose SHA-256 is not their name."""
    problems: list[FileProblem] = []
    for sha, ids in sorted(_naming(store).items()):
        path = files.path(sha)
        if not path.is_file():
            problems.append(FileProblem(sha, "missing", ids))
        elif verify and file_hash(path) != sha:
            problems.append(FileProblem(sha, "damaged", ids))
    return problems


def file_hash(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def collect(store: Store, files: FileStore, *, delete: bool = False, grace: float = GRACE_SECONDS,
            now: float | None = None) -> Collected:
    """Files no record or version names; with `delete`, remove those older than `grace` seconds.

    The order of operations that keeps a concurrent attach safe is the module's docstring.
    """
    held = list(files.iter_hashes())  # 1. list first
    named = referenced(store)  # 2. then read what the records name
    result = Collected()
    clock = time.time() if now is None else now
    for sha in sorted(held):
        if sha in named:
            continue
        path = files.path(sha)
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        result.unreferenced.append((sha, stat.st_size))
        if clock - stat.st_mtime < grace:  # 3. young: an attach may be about to name it
            result.kept_young += 1
            continue
        if delete and _remove(path, stat.st_mtime_ns):
            result.deleted += 1
            result.freed += stat.st_size
    return result


def _remove(path: Path, seen_mtime_ns: int) -> bool:
    """4. Rename away, look again, then unlink (or put back if an attach touched it meanwhile)."""
    doomed = path.with_name(f".gc-{path.name}")
    try:
        os.replace(path, doomed)
    except FileNotFoundError:
        return False
    if doomed.stat().st_mtime_ns != seen_mtime_ns:
        try:
            os.link(doomed, path)  # put back, unless an attach already wrote it again
        except FileExistsError:
            pass
        doomed.unlink()
        return False
    doomed.unlink()
    return True


def total(sizes: Iterable[tuple[str, int]]) -> int:
    return sum(size for _sha, size in sizes)
