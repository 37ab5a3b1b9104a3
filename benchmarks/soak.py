"""Soak: one writer ingesting while readers search and read, for a minute (issue 8).

    python -m benchmarks.soak --db postgresql://postgres@127.0.0.1:54329/postgres --scratch
    python -m benchmarks.soak --db sqlite:///soak.db --seconds 60 --readers 20

One writer adds batches of records, each batch one transaction (BATCH new records
plus updates of a few shared ones, and now and then a delete). A follower thread
brings one shared Tantivy index up to date from the change log every half second,
as `fonds serve` does. Each reader, in a loop, runs a search on that index, reads
every hit's record from the store, and follows the change log, reading the
records it names. A reader fails the run when it sees a record that is not whole
(not equal, field for field, to the version its generation builds), a batch that
is only partly there, a search hit whose stored fields come from two versions,
a change out of order, or any error at all. At the end the index must hold what
the store holds and every reader must have seen the whole change log.

It prints what it did and, last, `N reads, M searches, 0 errors`; it exits 1 if
there were errors. It needs an empty store: a temporary SQLite file by default,
or with `--scratch` a new database on the PostgreSQL server `--db` names, dropped
afterwards. It is not part of the test run (tests/store/test_concurrency.py runs
the same kind of check for a few seconds); run it by hand before a release.

The kill -9 loop (ingests killed part-way, run again, compared with a clean store) is
benchmarks/kill9.py.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fonds.config import mask_password
from fonds.dates import HistoricalDate
from fonds.errors import FondsError
from fonds.index import Index
from fonds.query import parse
from fonds.record import Record, Rendition, Source
from fonds.store import open_store
from fonds.store.base import Store

BATCH = 10
SHARED = 3
DELETE_EVERY = 5
SYNC_SECONDS = 0.5
TITLE = re.compile(r"Soak record (?P<id>\S+) generation (?P<generation>\d+)")
BATCH_ID = re.compile(r"soak-(?P<batch>\d+)-(?P<n>\d+)")
FILLER = (
    "The ambassador reported on the conversation with the minister, who spoke of the harvest, "
    "the railway and the fishing rights in the Yellow Sea, and asked that the report be sent by telegram. "
)


def build_record(record_id: str, generation: int) -> Record:
    """The record a writer writes for `record_id` in batch `generation`: every field follows from the two."""
    year = 1945 + generation % 40
    return Record(
        id=record_id,
        title=f"Soak record {record_id} generation {generation}",
        type="Memorandum of Conversation",
        date=HistoricalDate(text=str(year), edtf=str(year), earliest=f"{year}-01-01", latest=f"{year}-12-31"),
        summary=f"generation {generation}",
        original_languages=("ru",),
        source=Source(citation=f"Soak Archive, file {generation}", repository="Soak Archive", repository_code="SOAK"),
        collections=("SOAK",),
        url=f"https://example.org/soak/{record_id}",
        renditions=(
            Rendition(
                kind="translation",
                language="en",
                text=f"soakbatch{generation} soakrecord{record_id.replace('-', '')} " + FILLER * (3 + generation % 7),
            ),
        ),
        origin=f"soak:{record_id}",
    )


@dataclass
class Tally:
    reads: int = 0
    searches: int = 0
    batches: int = 0
    written: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def fail(self, who: str, error: BaseException) -> None:
        with self.lock:
            self.errors.append(f"{who}: {type(error).__name__}: {error}")


class Soak:
    def __init__(self, url: str, index_path: Path, seconds: float, readers: int) -> None:
        self.url = url
        self.seconds = seconds
        self.readers = readers
        self.tally = Tally()
        self.index = Index(index_path)
        self.writing_done = threading.Event()
        self.following_done = threading.Event()
        self.committed_batches = 0  # batches the writer has committed, for readers to search for
        self.full_logs: dict[int, list[int]] = {}

    def guarded(self, who: str, body: Callable[[], None]) -> threading.Thread:
        def run() -> None:
            try:
                body()
            except Exception as error:  # noqa: BLE001 - every error fails the soak; keep it to report
                self.tally.fail(who, error)
                self.writing_done.set()

        return threading.Thread(target=run, name=who, daemon=True)

    # -- the writer and the follower ---------------------------------------------------------

    def write(self, store: Store) -> None:
        deadline = time.monotonic() + self.seconds
        batch = 0
        while time.monotonic() < deadline and not self.tally.errors:
            records = [build_record(f"soak-{batch}-{i}", batch) for i in range(BATCH)]
            records += [build_record(f"soak-shared-{i}", batch) for i in range(SHARED)]
            store.add(records)
            deleted = 0
            if batch % DELETE_EVERY == DELETE_EVERY - 1:
                deleted = int(store.delete(f"soak-{batch - 1}-0"))
            self.committed_batches = batch + 1
            self.tally.add(batches=1, written=len(records), deleted=deleted)
            batch += 1

    def follow(self, store: Store) -> None:
        while not self.following_done.wait(SYNC_SECONDS):
            self.index.update(store)
        self.index.update(store)

    # -- the readers -------------------------------------------------------------------------

    def read(self, number: int, store: Store) -> None:
        rng = random.Random(number)
        last, seen = 0, []
        while True:
            finished = self.writing_done.is_set()  # before reading: a drain after this sees all
            self.search(store, rng)
            changes = store.changes_since(last, limit=100)
            for change in changes:
                if change.seq <= last:
                    raise AssertionError(f"change {change.seq} came after {last}")
                last = change.seq
                seen.append(change.seq)
                if change.seq % self.readers == number:
                    self.check_whole(store, change.record_id)
            if not changes and (finished or self.tally.errors):
                break
        with self.tally.lock:
            self.full_logs[number] = seen

    def search(self, store: Store, rng: random.Random) -> None:
        batches = self.committed_batches
        if not batches:
            return
        kind = rng.randrange(3)
        batch = rng.randrange(max(0, batches - 20), batches)
        text = {
            0: f"soakbatch{batch}",
            1: f'"fishing rights" date:{1945 + batch % 40}',
            2: f"lang:ru telegram soakbatch{batch}",
        }[kind]
        result = self.index.search(parse(text), limit=10, sort=rng.choice(["relevance", "date"]))
        self.tally.add(searches=1)
        for hit in result.hits:
            found = TITLE.fullmatch(hit.title)
            if found is None or found.group("id") != hit.id:
                raise AssertionError(f"search {text!r}: hit {hit.id} has the title {hit.title!r}")
            generation = int(found.group("generation"))
            if kind != 1 and generation != batch:
                raise AssertionError(f"search {text!r}: hit {hit.id} is of generation {generation}: two versions mixed")
            year = 1945 + generation % 40
            if hit.date != str(year):
                raise AssertionError(f"search {text!r}: hit {hit.id} of generation {generation} is dated {hit.date!r}")
            self.check_whole(store, hit.id)

    def check_whole(self, store: Store, record_id: str) -> None:
        stored = store.get_stored(record_id)
        self.tally.add(reads=1)
        if stored.is_deleted:
            if stored.record is not None:
                raise AssertionError(f"{record_id}: deleted, yet it has content")
            return
        if stored.record is None:
            raise AssertionError(f"{record_id}: live, yet it has no content")
        found = re.fullmatch(r"generation (\d+)", stored.record.summary or "")
        if found is None:
            raise AssertionError(f"{record_id}: summary {stored.record.summary!r} is not one the writer wrote")
        if stored.record != build_record(record_id, int(found.group(1))):
            raise AssertionError(f"{record_id}: not whole: its fields are not those of generation {found.group(1)}")
        in_batch = BATCH_ID.fullmatch(record_id)
        if in_batch:  # the whole transaction is there, not only this record of it
            store.get_stored(f"soak-{in_batch.group('batch')}-{BATCH - 1}")
            self.tally.add(reads=1)

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> list[str]:
        """Run the soak; return what it found at the end, line by line."""
        stores = [open_store(self.url) for _ in range(3)]
        writer_store, follower_store, reader_store = stores
        try:
            if writer_store.stats().records or writer_store.last_seq():
                raise SystemExit(f"soak: {mask_password(self.url)} is not empty; give it an empty store (or --scratch)")
            follower = self.guarded("follower", lambda: self.follow(follower_store))
            writer = self.guarded("writer", lambda: self.write(writer_store))
            readers = [
                self.guarded(f"reader {n}", lambda n=n: self.read(n, reader_store))  # type: ignore[misc]
                for n in range(self.readers)
            ]
            follower.start()
            for thread in [*readers, writer]:
                thread.start()
            writer.join()
            self.writing_done.set()
            for thread in readers:
                thread.join(timeout=300)
            self.following_done.set()
            follower.join(timeout=300)
            return self.final_checks(reader_store)
        finally:
            for store in stores:
                store.close()

    def final_checks(self, store: Store) -> list[str]:
        full, last = [], 0
        while changes := store.changes_since(last, limit=5000):
            full += [c.seq for c in changes]
            last = changes[-1].seq
        for number in range(self.readers if not self.tally.errors else 0):  # else they stopped early
            seen = self.full_logs.get(number)
            if seen is not None and seen != full:
                self.tally.fail(f"reader {number}", AssertionError(f"saw {len(seen)} of {len(full)} changes"))
        records = store.stats().records
        searchable = self.index.count()
        if searchable != records and not self.tally.errors:
            self.tally.fail("index", AssertionError(f"{searchable} records searchable, the store holds {records}"))
        return [
            (
                f"writer: {self.tally.batches} transactions, {self.tally.written} records written, "
                f"{self.tally.deleted} deleted; {len(full)} changes in the log"
            ),
            f"index: followed the log every {SYNC_SECONDS} s; {searchable} records searchable, {records} in the store",
        ]


@contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """A new, empty database on the server `server` names; dropped afterwards."""
    from urllib.parse import urlsplit

    import psycopg

    name = f"fonds_soak_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="an empty store (default: a temporary SQLite file)")
    parser.add_argument("--scratch", action="store_true", help="create a new database on the PostgreSQL server --db names, drop it after")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the writer writes (default 60)")
    parser.add_argument("--readers", type=int, default=20, help="reader threads (default 20)")
    args = parser.parse_args(argv)
    if args.scratch and not (args.db or "").startswith(("postgresql://", "postgres://")):
        parser.error("--scratch needs --db postgresql://... naming the server")
    with tempfile.TemporaryDirectory(prefix="fonds-soak-") as folder, _database(args, Path(folder)) as url:
        soak = Soak(url, Path(folder) / "index", args.seconds, args.readers)
        started = time.monotonic()
        try:
            lines = soak.run()
        except FondsError as error:
            print(f"soak: {error}", file=sys.stderr)
            return 1
        elapsed = time.monotonic() - started
    tally = soak.tally
    print(f"soak: {mask_password(args.db or 'a temporary SQLite file')}, {args.seconds:.0f} s of writing, "
          f"1 writer, {args.readers} readers, {elapsed:.0f} s in all")
    for line in lines:
        print(line)
    for problem in tally.errors[:20]:
        print(f"error: {problem}", file=sys.stderr)
    print(f"{tally.reads} reads, {tally.searches} searches, {len(tally.errors)} errors")
    return 1 if tally.errors else 0


@contextmanager
def _database(args: argparse.Namespace, folder: Path) -> Iterator[str]:
    if args.scratch:
        with scratch_database(args.db) as url:
            yield url
    else:
        yield args.db or f"sqlite:///{folder / 'soak.db'}"


if __name__ == "__main__":
    sys.exit(main())
