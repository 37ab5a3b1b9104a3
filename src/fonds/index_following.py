"""Filling the index while an ingest stores its files: a process that follows the change log.

Used by `fonds ingest --index-during` (opt-in). Without it, `fonds ingest` stores every file,
converges, and only then fills the index: one core indexes while the other waits, and the first
fill of a new archive commits once at the end (at 1M records Tantivy then merges every segment at
once, ~4.3 GB mapped). `following(store, index)`
forks one process for the ingest's duration that applies the change log as it grows
(`index_writing.update`), so indexing overlaps the workers' parsing and linking, and the caller's
`Index.update` after the ingest only applies the tail. It waits for FOLLOW_BATCH changes before
each update and commits at most that many at once: each commit leaves a segment, and a search's
facet counts cost about 3-4 ms more per segment at 10k records (docs/benchmarks.md), so the
follower commits seldom (Tantivy's 64 MB writer heap bounds its buffer whatever the batch).

The index stays derived from the change log alone, with the same checkpoint rules (index.py): the
follower is an ordinary writer of the index through its own connection to the store; a record
relinked by convergence is a later change and is indexed again, and the records of an authority
entry whose names changed are indexed again (index_writing.NAMES_FILE). If the follower dies or
is killed, the next `update` takes over from its checkpoint.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from fonds.store.base import Store

LOG = logging.getLogger(__name__)
FOLLOW_BATCH = 10_000  # changes waited for, and applied per commit, while following (see the module docstring)
PAUSE = 0.3  # seconds between looks at the change log when the index has caught up


def follow(db: str, index_path: str, stop: Any, batch: int = FOLLOW_BATCH, pause: float = PAUSE) -> None:
    """Apply the change log of the store at `db` to the index at `index_path` until `stop.value` is set,
    then once more up to the last change logged (the follower's own process). Ends too when the
    process that started it is gone (killed: nobody would set `stop`)."""
    from fonds import index_writing
    from fonds.index import Index
    from fonds.store import open_store

    parent = os.getppid()
    store = open_store(db)
    try:
        index = Index(index_path)
        while True:
            if os.getppid() != parent:
                return
            stopping = bool(stop.value)
            if stopping or store.last_seq() - index.checkpoint >= batch:  # a look at the log costs one query
                applied = index_writing.update(index, store, batch=batch)
                if stopping:
                    return
                if applied:
                    continue
            time.sleep(pause)
    finally:
        store.close()


class IndexFollower:
    """One process following a store's change log into an index (see the module docstring)."""

    def __init__(self, db: str, index_path: Path, *, batch: int = FOLLOW_BATCH) -> None:
        context = multiprocessing.get_context("fork")
        # Shared memory without locks: a lock held by a follower killed with -9 would stay held.
        self._stop = context.RawValue("b", 0)
        self._cpu = context.RawValue("d", 0.0)
        self.process = context.Process(target=_run, args=(db, str(index_path), self._stop, batch, self._cpu),
                                       name="fonds-index-follower", daemon=True)

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the follower used, once it has ended."""
        return float(self._cpu.value)

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        """Ask the follower to apply what is logged and end; wait for it. A follower that failed
        has logged why; the caller's `Index.update` applies what it left."""
        self._stop.value = 1
        self.process.join()
        if self.process.exitcode:
            LOG.warning("the index follower ended with exit code %s; the index update after the ingest "
                        "applies what it left", self.process.exitcode)


def _run(db: str, index_path: str, stop: Any, batch: int, cpu: Any) -> None:
    try:
        follow(db, index_path, stop, batch)
    except Exception:  # noqa: BLE001 - logged; the update after the ingest takes over from its checkpoint
        LOG.exception("the index could not follow the store during the ingest")
        os._exit(1)
    finally:
        used = resource.getrusage(resource.RUSAGE_SELF)
        cpu.value = used.ru_utime + used.ru_stime


@contextmanager
def following(store: Store, index_path: Path | None, *, batch: int = FOLLOW_BATCH) -> Iterator[IndexFollower | None]:
    """A follower of `store`'s change log into the index at `index_path` for the `with` block;
    none (None) when there is no index, or when this process runs other threads (a fork then is
    unsafe: the ingest itself falls back to one process for the same reason)."""
    if index_path is None or threading.active_count() > 1 or not hasattr(os, "fork"):
        yield None
        return
    follower = IndexFollower(store.url, index_path, batch=batch)
    follower.start()
    try:
        yield follower
    finally:
        follower.stop()
