"""Writers ingesting while readers follow the change log, on every backend.

Twenty readers follow `changes_since` and read each changed record while two
writers ingest batches for a few seconds. No thread may get an error; every
record read must be whole (equal to the record its generation builds) and its
whole batch must be there; and every reader must end with the full change log,
in order, without a gap where a slower writer committed a lower number late.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Callable

import pytest

from fonds.record import Record
from fonds.store import open_store
from fonds.store.base import Store

WRITE_SECONDS = 4.0
READERS = 20
WRITERS = 2
BATCH = 10
SHARED_IDS = 3

MakeRecord = Callable[..., Record]


class Run:
    """One concurrent run: the threads, what they saw, and what went wrong."""

    def __init__(self, store_url: str, share: bool, make_record: MakeRecord) -> None:
        self.store_url = store_url
        self.share = share
        self.make_record = make_record
        self.main = open_store(store_url)
        self.opened: list[Store] = [self.main]
        self.lock = threading.Lock()
        self.errors: list[str] = []
        self.writing_done = threading.Event()
        self.batches = 0
        self.seen: dict[int, list[int]] = {}

    def store_for_thread(self) -> Store:
        if self.share:
            return self.main
        store = open_store(self.store_url)
        with self.lock:
            self.opened.append(store)
        return store

    def guarded(self, name: str, body: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                body()
            except Exception as error:  # every error is a failure of the test; keep it to report
                with self.lock:
                    self.errors.append(f"{name}: {error!r}")
                self.writing_done.set()

        return run

    def write(self, writer: int) -> None:
        store = self.store_for_thread()
        deadline = time.monotonic() + WRITE_SECONDS
        batch = 0
        while time.monotonic() < deadline and not self.errors:
            records = [self.make_record(f"w{writer}-b{batch}-{i}", generation=batch) for i in range(BATCH)]
            records += [self.make_record(f"shared-{i}", generation=batch * WRITERS + writer) for i in range(SHARED_IDS)]
            store.add(records)
            if batch % 5 == 4:
                store.delete(f"w{writer}-b{batch - 1}-0")
            batch += 1
            with self.lock:
                self.batches += 1
            time.sleep(0.005)

    def read(self, reader: int) -> None:
        store = self.store_for_thread()
        last, seen = 0, []
        while True:
            finished = self.writing_done.is_set()  # before reading: a drain after this sees all
            changes = store.changes_since(last, limit=50)
            for change in changes:
                if change.seq <= last:
                    raise AssertionError(f"change {change.seq} came after {last}")
                last = change.seq
                seen.append(change.seq)
                if change.seq % READERS == reader:
                    self.check_whole(store, change.record_id)
            if not changes:
                if finished or self.errors:
                    break
                time.sleep(0.002)
        with self.lock:
            self.seen[reader] = seen

    def check_whole(self, store: Store, record_id: str) -> None:
        stored = store.get_stored(record_id)
        if stored.is_deleted:
            assert stored.record is None
            return
        assert stored.record is not None
        found = re.fullmatch(r"generation (\d+)", stored.record.summary or "")
        assert found, f"{record_id}: summary {stored.record.summary!r} is not one a writer wrote"
        assert stored.record == self.make_record(record_id, generation=int(found.group(1))), record_id
        batch = re.fullmatch(r"(w\d+-b\d+)-\d+", record_id)
        if batch:  # the whole transaction is there, not only this record of it
            store.get_stored(f"{batch.group(1)}-{BATCH - 1}")

    def full_log(self) -> list[int]:
        seqs, last = [], 0
        while changes := self.main.changes_since(last, limit=1000):
            seqs += [c.seq for c in changes]
            last = changes[-1].seq
        return seqs

    def go(self) -> None:
        writers = [
            threading.Thread(target=self.guarded(f"writer {w}", lambda w=w: self.write(w))) for w in range(WRITERS)
        ]
        readers = [
            threading.Thread(target=self.guarded(f"reader {r}", lambda r=r: self.read(r))) for r in range(READERS)
        ]
        try:
            for thread in readers + writers:
                thread.start()
            for thread in writers:
                thread.join()
            self.writing_done.set()
            for thread in readers:
                thread.join(timeout=120)
        finally:
            for store in self.opened:
                store.close()


@pytest.mark.parametrize("share", [False, True], ids=["store_per_thread", "one_shared_store"])
def test_readers_see_whole_records_and_every_change_while_writers_ingest(
    store_url: str, share: bool, make_record: MakeRecord
) -> None:
    run = Run(store_url, share, make_record)
    with open_store(store_url) as check:
        run.go()
        assert run.errors == []
        assert run.batches >= 2 * WRITERS
        full = [c.seq for c in check.changes_since(0, limit=10**9)]
    assert len(full) >= run.batches * BATCH
    assert sorted(run.seen) == list(range(READERS))
    for reader, seen in run.seen.items():
        assert seen == full, f"reader {reader} saw {len(seen)} of {len(full)} changes"
