"""A FRUS volume's documents in printed order, kept in a serving process as one bytes key each.

A record page shows the documents printed before and after it in its volume (document number,
then date, then id: `collections._sort_key`). A process keeps, for each volume it has shown, the
sorted `print_key` of every live document: the sort key written as bytes that compare as the key's
tuple does, followed by the document's number and id. Around 90 bytes a document (a
`collections.Item` kept per document, as before, took about 600 with its strings), so a worker
holds a million-document archive's four volumes in about 90 MB; the two neighbours' titles are
read from the index when a page is shown.

Finding a record is a binary search with the key of the record at hand; the order is patched from
the change log (one pass over the keys drops every changed document, which is then put back from
the store where it now belongs) for up to PATCH_AT_MOST changes, and read whole again otherwise.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import dataclass
from typing import Mapping

from fonds.errors import NotFound
from fonds.collection import Collection
from fonds.store.base import RecordSummary
from fonds.web.collections import within
from fonds.web.pages import Archive, natural_key

PATCH_AT_MOST = 2_000  # change-log rows an order is patched with (in one pass over its keys); more: read it again
_END = b"\x00"  # ends a tuple and a text part; below every part's first byte, as a shorter tuple sorts first
_MARKS = {0: b"\x01", 1: b"\x02", 2: b"\x03"}  # natural_key's part kinds: digits, text, nothing


def _natural(text: str | None) -> bytes:
    """natural_key(text) as bytes in the same order: digits by value (length, then digits), text by
    code point (UTF-8 keeps that order), an empty key after both."""
    out = bytearray()
    for kind, number, part in natural_key(text):
        out += _MARKS[kind]
        if kind == 0:
            digits = str(number).encode("ascii")
            out += len(digits).to_bytes(2, "big") + digits
        elif kind == 1:
            out += part.encode("utf-8", "surrogatepass") + _END
    return bytes(out + _END)


def print_key(number: str | None, earliest: str | None, record_id: str) -> bytes:
    """The document's place in its volume: `(natural_key(number), earliest or "9999",
    natural_key(id))` as bytes, then the number and the id (read back by `number_of`, `id_of`)."""
    when = (earliest or "9999").encode("utf-8") + _END
    return _natural(number) + when + _natural(record_id) + _END + (number or "").encode("utf-8") + _END + record_id.encode("utf-8")


def id_of(key: bytes) -> str:
    return key.rsplit(_END, 1)[1].decode("utf-8")


def number_of(key: bytes) -> str | None:
    return key.rsplit(_END, 2)[1].decode("utf-8") or None


@dataclass(frozen=True)
class Order:
    """A volume's live documents as sorted print keys, as of one index checkpoint."""

    id: str
    keys: tuple[bytes, ...]

    def ids(self) -> list[str]:
        return [id_of(key) for key in self.keys]

    def neighbours(self, record_id: str, key: bytes | None = None) -> tuple[bytes | None, bytes | None]:
        """The keys just before and after a document; (None, None) when the volume does not hold it.
        `key`: the document's print key as the caller has it (from the record shown), found by a
        binary search; without it, or when it is not there, the document is found by its id."""
        at = _find(self.keys, record_id, key)
        if at is None:
            return None, None
        before = self.keys[at - 1] if at > 0 else None
        after = self.keys[at + 1] if at + 1 < len(self.keys) else None
        return before, after


def _find(keys: tuple[bytes, ...] | list[bytes], record_id: str, key: bytes | None) -> int | None:
    if key is not None:
        at = bisect_left(keys, key)
        if at < len(keys) and keys[at] == key:
            return at
    tail = _END + record_id.encode("utf-8")
    return next((i for i, k in enumerate(keys) if k.endswith(tail) and id_of(k) == record_id), None)


@dataclass
class _Known:
    seq: int
    collections: Mapping[str, Collection]
    order: Order


def volume_order(archive: Archive, volume_id: str) -> Order:
    """The volume's print keys as of the index's checkpoint: read once, then patched from the change
    log (what changed is read again and kept, moved or dropped), read whole again when the
    collections changed or more than PATCH_AT_MOST changes did. One reader of a volume builds it while the
    others wait; a volume being read does not hold up the pages of the others."""
    seq = archive.index.checkpoint
    collections = archive.collections()
    with archive.volumes_lock:
        lock = archive.volume_locks.setdefault(volume_id, threading.Lock())
    with lock:  # one reader of this volume builds or patches; the others wait for it (pages of other volumes do not)
        known: _Known | None = archive.volumes.get(volume_id)
        if known is not None and known.seq == seq:
            return known.order
        if known is None or known.collections != collections or not _patch(archive, known, volume_id, seq):
            keys = sorted(_key(summary) for summary in archive.store.record_summaries(volume_id))
            known = _Known(seq, collections, Order(volume_id, tuple(keys)))
            archive.volumes[volume_id] = known
        return known.order


def _key(summary: RecordSummary) -> bytes:
    return print_key(summary.number, summary.earliest, summary.id)


def _patch(archive: Archive, known: _Known, volume_id: str, seq: int) -> bool:
    """Bring `known` up to `seq`; False when too much changed. The Order given out before stays as it was."""
    changes = archive.store.changes_since(known.seq, limit=PATCH_AT_MOST + 1)
    if len(changes) > PATCH_AT_MOST:
        return False
    changed = list(dict.fromkeys(change.record_id for change in changes))
    gone = {record_id.encode("utf-8") for record_id in changed}
    keys = [key for key in known.order.keys if key.rsplit(_END, 1)[1] not in gone]  # one pass for every change
    added = False
    for record_id in changed:
        try:
            record = archive.store.get(record_id)
        except NotFound:  # deleted or withdrawn
            continue
        if any(within(cid, volume_id, known.collections) for cid in record.collections):
            keys.append(_key(RecordSummary.of(record)))
            added = True
    if added:
        keys.sort()  # sorted runs: about linear
    known.seq = seq
    known.order = Order(volume_id, tuple(keys))
    return True
