"""The per-file half of ingest, run in worker processes so that ingest uses every core.

For each file, `FileStep.run` does everything that depends only on the file and on what the
store held when the ingest began: read and check it (`ingest.read_contents`), fingerprint its
records and keep the changed ones (`ingest.changed_records`), leave out withdrawn records, put
repositories under their preferred names, link names (`naming.Names.link_all`), apply the
staff's stored link decisions, and check and serialize the records for the store
(`store.base.prepare_records`: identifier checks, canonical JSON, content hash). The result,
a `PreparedFile`, goes back to the one process that writes (`ingest.ingest`), which checks
record ids claimed by two files of the batch, stores each file in one transaction, in the
order of the files, and runs the post-ingest steps (convergence.py).

Why processes, and why this split: linking and serializing are pure Python, so threads would
share one core (the GIL); they are also most of the time of an ingest (linking alone was about
40%), while the store's own writing is a few statements per file. The linker used for every file
of one ingest is the one built when it began (as before the workers existed), so each file's
result depends on the file alone, never on which worker did it or when: the stored archive is
the same, byte for byte, as with one process. Files are handed out a few at a time and their
results taken back in order (at most `2 x workers` files in flight), so memory stays bounded
whatever the number of files.

Workers are forked (POSIX `fork`): they start at once and inherit the linker already built. A
process that runs other threads (a web server in a test, say) does not fork, since a child
forked from it could inherit a lock some thread held; it does the work itself, as does an
ingest of a single file, `workers=1`, or a store that cannot be opened again (`Store.reader`).
Each worker opens the database again, read-only, for its look-ups (fingerprints, withdrawals,
link decisions); it never writes. When the writer stops early (a file brought authority
entries: the files in flight must be linked again), the workers drop the files in hand at the
next step (`_cancelled`) rather than finish them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generator, Sequence

from fonds.authority import Entity
from fonds.errors import FondsError, Problem, RecordError
from fonds.importers import ImportOptions
from fonds.linking import SOURCE as LINKED_BY_FONDS
from fonds.collection import Collection
from fonds.record import Record
from fonds.renditions.contents import Attacher
from fonds.store.base import PreparedRecords, Store, prepare_records

Enricher = Callable[[Sequence[Record]], Sequence[Record]]
IN_FLIGHT_PER_WORKER = 2  # files handed to each worker ahead of the writer


@dataclass
class PreparedFile:
    """One file, read and made ready to store, or the error that stops it.

    `claims` are the (id, origin) of every record the file holds, changed or not (ingest checks
    that no two files of a batch claim one id). `records` are the changed records to store,
    already checked and serialized; `store_error` is what `Store.add` would have refused them
    for (a lone surrogate, a bad id), reported like a store refusal."""

    path: Path
    error: FondsError | None = None
    not_a_format: bool = False
    claims: list[tuple[str, str | None]] = field(default_factory=list)
    records: PreparedRecords = field(default_factory=lambda: PreparedRecords([]))
    collections: list[Collection] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)
    would_add: int = 0  # dry run: records that would be added / updated
    would_update: int = 0
    store_error: FondsError | None = None
    relinkable: bool = False  # linked as the post-ingest relinking would link it (fonds.ingest_linking)
    worker: int = field(default_factory=os.getpid)  # the process that prepared it


@dataclass
class FileStep:
    """What `run` needs for every file: the store to look things up in, the repositories and
    the linker as they stood when the ingest began, and the options."""

    store: Store
    link_names: bool
    dry_run: bool
    options: ImportOptions | None
    repositories: object  # fonds.repositories.Repositories
    enrich: Enricher | None
    plain: bool = False  # `enrich` is the ingest's linker and nothing else
    attacher: Attacher | None = None  # attaches the files a text record's Contents names (renditions/contents.py)

    def run(self, path: Path) -> PreparedFile:
        """Read, check, link and serialize one file (see the module docstring)."""
        from fonds.ingest import NotARecordFormat, changed_records, read_contents

        try:
            contents = read_contents(path, self.options)
        except NotARecordFormat as error:
            return PreparedFile(path, error=error, not_a_format=True)
        except RecordError as error:
            return PreparedFile(path, error=error)
        if contents.files:
            try:
                if self.attacher is None:
                    raise RecordError(f"{contents.files[0].origin}: the record names files beside it; "
                                      "ingest it with `fonds ingest`, which attaches them")
                contents.records = self.attacher.apply(self.store, contents.records, contents.files, dry_run=self.dry_run)
            except RecordError as error:
                return PreparedFile(path, error=error)
        if _cancelled():
            return PreparedFile(path, error=_DROPPED)
        done = PreparedFile(
            path,
            claims=[(record.id, record.origin) for record in contents.records],
            collections=contents.collections,
            entities=contents.entities,
            warnings=list(contents.all_warnings),
        )
        records, done.unchanged = changed_records(self.store, contents.records)
        withdrawn = self.store.withdrawn_ids([r.id for r in records])
        if withdrawn:  # a withdrawal stands until an editor restores the record
            done.withdrawn = sorted(withdrawn)
            records = [r for r in records if r.id not in withdrawn]
        if self.dry_run:
            stored = self.store.fingerprints([r.id for r in records])
            done.would_update = sum(1 for r in records if r.id in stored)
            done.would_add = len(records) - done.would_update
            return done
        if _cancelled():
            return PreparedFile(path, error=_DROPPED)
        records = self.repositories.apply_all(records)  # type: ignore[attr-defined]
        plain = self.plain and not any(link.source == LINKED_BY_FONDS for r in records for link in r.persons)
        if self.enrich is not None and records:
            records = list(self.enrich(records))
        if self.link_names and records:
            from fonds.review import apply_stored_decisions

            linked = records
            records = apply_stored_decisions(self.store, records)
            plain = plain and all(a is b for a, b in zip(linked, records))
        done.relinkable = plain
        if _cancelled():
            return PreparedFile(path, error=_DROPPED)
        try:
            done.records = PreparedRecords(prepare_records(records))
        except FondsError as error:
            done.store_error = error
        return done


_DROPPED = FondsError("the ingest stopped before this file was prepared")  # never reported: the writer has gone on


def _cancelled() -> bool:
    """In a worker: whether the writer stopped early and no longer wants the file in hand."""
    return _STOP is not None and bool(_STOP.value)


def default_workers() -> int:
    """The cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def prepared_files(step: FileStep, paths: Sequence[Path], workers: int) -> Generator[PreparedFile, None, None]:
    """`step.run(path)` for each path, in the order of `paths`: in `workers` forked processes
    when that is possible and worth it (see the module docstring), else in this process.
    Stopping early (closing the iterator) cancels the files not yet started."""
    if not _can_fork(step, paths, workers):
        for path in paths:
            yield step.run(path)
        return
    global _STEP, _WRITER, _STOP
    _STEP = step
    _WRITER = os.getpid()
    context = multiprocessing.get_context("fork")
    _STOP = context.RawValue("b", 0)  # shared memory the forked workers inherit
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker,
    )
    pending: deque[Future[PreparedFile]] = deque()
    try:
        upcoming = iter(paths)
        for path in upcoming:
            pending.append(pool.submit(_run, path))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                break
        while pending:
            result = pending.popleft().result()
            following = next(upcoming, None)
            if following is not None:
                pending.append(pool.submit(_run, following))
            yield result
    finally:
        _stop(pool, finished=not pending)
        _STEP = _STOP = None


def _stop(pool: ProcessPoolExecutor, *, finished: bool) -> None:
    """Shut the pool down. When the caller stopped early (an authority change: what the workers
    are preparing would be thrown away), the workers are told to drop their files (`_cancelled`,
    looked at between the steps of `FileStep.run`) rather than finish them."""
    if not finished and _STOP is not None:
        _STOP.value = 1
    pool.shutdown(wait=True, cancel_futures=True)


def _can_fork(step: FileStep, paths: Sequence[Path], workers: int) -> bool:
    """Whether the files go to worker processes (else they are read in this one)."""
    if workers <= 1 or len(paths) <= 1 or threading.active_count() > 1:
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        trial = step.store.reader()  # the workers open it again the same way
    except FondsError:
        return False
    if trial is None:
        return False
    trial.close()
    return True


_STEP: FileStep | None = None  # set in the writing process before forking; each worker inherits it
_STOP: Any = None  # set beside _STEP: a flag in shared memory, 1 when the workers' files are no longer wanted
_WRITER = 0  # the writing process's pid, set beside _STEP: a worker compares its parent with it
ORPHAN_CHECK_SECONDS = 1.0  # how often a worker looks whether the writing process is still there


def _start_worker() -> None:
    """In each worker: look things up through a read-only store of its own, never through the
    connections inherited from the writing process; and end when the writing process ends."""
    assert _STEP is not None
    _end_with(_WRITER)  # not os.getppid(): a writer killed before this line has handed us to init
    reader = _STEP.store.reader()
    assert reader is not None
    _STEP.store = reader


def _end_with(parent: int, every: float = ORPHAN_CHECK_SECONDS) -> None:
    """End this worker once `parent` (the writing process) is gone, however it ended. A forked
    worker holds both ends of the pool's pipes, so it never reads an end-of-file there: after a
    kill -9 of the ingest it would wait for work for ever. A daemon thread checks the parent
    every `every` seconds and leaves with `os._exit` (nothing of the worker's is stored)."""

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="fonds-orphan-check", daemon=True).start()


def _run(path: Path) -> PreparedFile:
    assert _STEP is not None
    return _STEP.run(path)
