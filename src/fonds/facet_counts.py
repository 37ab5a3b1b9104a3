"""Facet counts of a search: exact, remembered per index state, shared by the processes reading one
index, and left for a second request when a search has many hits.

A facet count is a Tantivy terms aggregation over every hit of the search (six of them, FACETS).
Its cost grows with the hit count, not with the 20 hits a page shows: at 1,000,000 records a
common word hits 500,000-760,000 documents and its counts cost 80-300 ms, against 20 ms for the
search itself (docs/benchmarks.md). So:

- Counts are remembered per (compiled query, checkpoint): in each process (at most MEMORY
  searches, all dropped when the checkpoint moves), and, for a search of more than DISK_OVER hits,
  in a file beside the index (`facet-counts/SEQ-DIGEST.json`) that every process reading the
  index (`serve --workers N`) finds, so the counts of one search are computed once per index
  state, not once per worker. A file holds its checkpoint and its whole key and is used only
  when both are the ones asked for: counts of another index state, or of another search whose key
  has the same digest, are never served. Files of earlier checkpoints are deleted when a later one's
  is written; at most DISK_FILES are kept.
- `counts(..., defer_over=N)`: a search of more than N hits whose counts are not remembered gets
  None: the caller shows its hits at once and asks for the counts in a second request
  (`defer_over=None`), which computes and remembers them. The counts are never estimated: what a
  page shows is exact, only later. A search of at most N hits always has its counts at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import tantivy

FACETS = {  # the name a page shows: (the index's fast field, how many values at most)
    "language": ("lang", 60),
    "repository": ("repository", 30),
    "collection": ("collection", 50),
    "type": ("type", 30),
    "year": ("year", 200),
    "person": ("person_id", 20),
}
MEMORY = 512  # searches whose counts each process keeps per index state
DISK_OVER = 5_000  # hits above which counts are also kept on disk for the other processes
DISK_FILES = 4_096  # count files kept at most (one index state's)
INLINE_HITS = 20_000  # the web's bound: hits above which uncached counts come in a second request
FOLDER = "facet-counts"

Counts = dict[str, list[tuple[str, int]]]


def count(searcher: tantivy.Searcher, compiled: tantivy.Query) -> Counts:
    """The six facets' exact counts over every hit of `compiled`, each a list of (value, hits),
    most hits first (years in year order). A query Tantivy cannot aggregate gives {}."""
    spec = {name: {"terms": {"field": field, "size": size}} for name, (field, size) in FACETS.items()}
    try:
        raw = searcher.aggregate(compiled, spec)
    except ValueError:
        return {}
    facets: Counts = {}
    for name in FACETS:
        buckets = raw.get(name, {}).get("buckets", [])
        facets[name] = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
    facets["year"].sort()
    return facets


class FacetCounts:
    """The facet counts of an index's searches, remembered in memory and in `folder` (see the module
    docstring). Thread-safe; several processes may share one folder."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, Counts] = OrderedDict()
        self._seq = -1  # the checkpoint the remembered counts belong to

    def counts(self, searcher: tantivy.Searcher, compiled: tantivy.Query, seq: int, hits: int, *,
               defer_over: int | None = None) -> Counts | None:
        """The counts of `compiled` at checkpoint `seq` (whose search found `hits`), copies the caller
        may change; None when `hits` > `defer_over` and they are not remembered here or on disk."""
        key = repr(compiled)  # the whole query tree: words, filters, dates, name variants, fuzzy clauses
        found = self._remembered(key, seq)
        if found is None and hits > DISK_OVER:
            found = self._read(key, seq)
            if found is not None:
                self._remember(key, seq, found)
        if found is None:
            if defer_over is not None and hits > defer_over:
                return None
            found = count(searcher, compiled)
            self._remember(key, seq, found)
            if hits > DISK_OVER:
                self._write(key, seq, found)
        return {name: list(values) for name, values in found.items()}

    def forget(self) -> None:
        """Drop every remembered count, here and on disk: the index is being filled again, and a store put
        in place of another may reach the same checkpoint number with other records."""
        with self._lock:
            self._memory.clear()
            self._seq = -1
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- in this process ------------------------------------------------------------------------

    def _remembered(self, key: str, seq: int) -> Counts | None:
        with self._lock:
            if seq != self._seq:
                self._memory.clear()
                self._seq = seq
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
            return found

    def _remember(self, key: str, seq: int, found: Counts) -> None:
        with self._lock:
            if seq == self._seq:
                self._memory[key] = found
                if len(self._memory) > MEMORY:
                    self._memory.popitem(last=False)

    # -- shared on disk -------------------------------------------------------------------------

    def _path(self, key: str, seq: int) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"{seq}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"

    def _read(self, key: str, seq: int) -> Counts | None:
        """The counts another process wrote for this key and checkpoint; None if there are none, or the
        file is of another key or checkpoint, or damaged (then they are only computed again)."""
        path = self._path(key, seq)
        if path is None:
            return None
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            if data["seq"] != seq or data["key"] != key:
                return None
            return {str(name): [(str(v), int(c)) for v, c in values] for name, values in data["facets"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _write(self, key: str, seq: int, found: Counts) -> None:
        """Keep the counts for the other processes (atomically: a reader sees a whole file or none), and
        delete the files of other checkpoints. A folder that cannot be written is only a missed saving."""
        path = self._path(key, seq)
        if path is None:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"seq": seq, "key": key, "facets": found}, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
            self._prune(path.parent, seq)
        except OSError:
            tmp.unlink(missing_ok=True)

    def _prune(self, folder: Path, seq: int) -> None:
        """Delete count files of earlier checkpoints, and the oldest of this one's past DISK_FILES."""
        mine: list[os.DirEntry[str]] = []
        with os.scandir(folder) as entries:
            for entry in entries:
                written, dash, _rest = entry.name.partition("-")
                if not dash or not written.isdigit():
                    continue
                if int(written) == seq:
                    mine.append(entry)
                elif int(written) < seq:  # a reader still at an older state may write one later: only a missed saving
                    _unlink(Path(entry.path))
        if len(mine) > DISK_FILES:
            mine.sort(key=lambda e: e.stat().st_mtime_ns)
            for entry in mine[: len(mine) - DISK_FILES]:
                _unlink(Path(entry.path))


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # another process deleted it first
        pass
