"""The store contract. The store is the truth; the index only follows its change log.

Every `add` is one transaction: all of its records, collections and authority
entries are written, or none. Every change to a record appends one row to the
change log with a sequence number that only grows. Writing a record whose
content is unchanged writes nothing and logs nothing.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence, overload

from fonds.authority import Entity
from fonds.containment import Failures
from fonds.errors import RecordError
from fonds.text_rule import text_problem
from fonds.identifiers import check_identifier
from fonds.collection import Collection
from fonds.record import Record
from fonds.store import print_order
from fonds.store.curation import CurationStore, Sql

AUTHORITY_VERSION = "authority_version"  # the staff_meta key of `Store.authority_version`


@dataclass(frozen=True)
class Change:
    """One row of the change log."""

    seq: int
    record_id: str
    op: str  # "upsert" or "delete"
    at: str  # ISO 8601 UTC timestamp, second precision, ending in Z


@dataclass
class AddResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: AddResult) -> AddResult:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self

    @property
    def changed(self) -> int:
        return self.added + self.updated


@dataclass(frozen=True)
class RecordSummary:
    """What a list of records shows of one live record, read without decoding the whole record."""

    id: str
    title: str
    type: str | None
    number: str | None
    date_text: str | None
    earliest: str | None
    latest: str | None
    collections: tuple[str, ...]

    @classmethod
    def of(cls, record: Record) -> RecordSummary:
        return cls(record.id, record.title, record.type, record.number, record.date.text,
                   record.date.earliest, record.date.latest, tuple(record.collections))


@dataclass(frozen=True)
class StoredRecord:
    """A record with what the store knows about it: its last change and whether it is deleted."""

    id: str
    seq: int
    at: str
    is_deleted: bool
    record: Record | None


@dataclass(frozen=True)
class Stats:
    records: int
    persons: int
    collections: int
    changes: int


def canonical_json(data: Any) -> str:
    """JSON text with sorted keys and no spaces: the same content always gives the same text."""
    return _CANONICAL(data)


# What `json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))` does, without
# making a new encoder at each call (json.dumps makes one whenever an option is given).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def content_hash(data: Any) -> str:
    """A stable hash of JSON-able data: same content, same hash."""
    return _sha256(canonical_json(data))


def content_json(data: Any) -> tuple[str, str]:
    """(canonical JSON text, its content hash) from one serialization."""
    text = canonical_json(data)
    return text, _sha256(text)


_UNHASHED = ("origin", "warnings")


def record_hash(data: dict[str, Any]) -> str:
    """The content hash of Record JSON. `origin` (where it was read from) and `warnings` (which
    name that place) are not content: the same file ingested from another path changes nothing."""
    return content_hash({k: v for k, v in data.items() if k not in _UNHASHED})


def record_json(data: dict[str, Any]) -> tuple[str, str]:
    """(Record JSON text to store, `record_hash` of it) from one serialization.

    The text is the canonical JSON of everything but `origin` and `warnings`, with those put first."""
    text, digest = content_json({k: v for k, v in data.items() if k not in _UNHASHED})
    head = ",".join(
        json.dumps(key) + ":" + canonical_json(data[key])
        for key in _UNHASHED
        if key in data and (key == "origin" or data[key])
    )
    if head:
        text = "{" + head + ("}" if text == "{}" else "," + text[1:])
    return text, digest


class PreparedRecords(Sequence[Record]):
    """Records already through `prepare_records`, with its (record, JSON text, hash) triples:
    `Store.add` takes them as records and does not check and serialize them again. Ingest
    prepares each file's records in a worker process (fonds.ingest_workers) and passes them so."""

    def __init__(self, prepared: Sequence[tuple[Record, str, str]]) -> None:
        self.prepared = list(prepared)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        if isinstance(index, slice):
            return [record for record, _, _ in self.prepared[index]]
        return self.prepared[index][0]

    def __len__(self) -> int:
        return len(self.prepared)


def prepare_records(records: Sequence[Record]) -> list[tuple[Record, str, str]]:
    """(record, Record JSON text, hash) for each record, after the door's last check
    (records given as `PreparedRecords` were checked already: their triples are returned).

    Raises RecordError naming the record (its origin) and the field when an id breaks the
    identifier rule (fonds.identifiers) or a text holds a lone surrogate, which no store can
    keep as UTF-8."""
    if isinstance(records, PreparedRecords):
        return list(records.prepared)
    prepared = []
    for record in records:
        where = record.origin or f"record {record.id!r}"
        check_identifier(record.id, origin=where)
        for number, collection_id in enumerate(record.collections):
            check_identifier(collection_id, origin=where, what=f"collections[{number}]")
        for number, link in enumerate(record.persons):
            check_identifier(link.id, origin=where, what=f"persons[{number}].id")
        try:
            text, digest = record_json(record.to_dict())
        except UnicodeEncodeError as error:  # only a lone surrogate cannot be UTF-8
            raise RecordError(
                f"{where}: the record holds a lone surrogate (U+{ord(error.object[error.start]):04X}), "
                "which is not Unicode text; fix the encoding of the input"
            ) from None
        prepared.append((record, text, digest))
    return prepared


def check_collections_and_entities(collections: Sequence[Collection], entities: Sequence[Entity]) -> None:
    """RecordError when a collection or authority entry id breaks the identifier rule, or one of
    its names, titles or descriptions breaks the text rule (fonds.text_rule: a control character
    no export can carry, a bidirectional override...), naming the entry and the field."""
    for collection in collections:
        check_identifier(collection.id, origin=f"collection {collection.title[:60]!r}")
        if collection.parent is not None:
            check_identifier(collection.parent, origin=f"collection {collection.id!r}", what="parent")
        _check_texts(f"collection {collection.id!r}", {
            "title": collection.title, "unitid": collection.unitid, "summary": collection.summary,
            "extent": collection.extent, "creator": collection.creator, "repository": collection.repository})
    for entity in entities:
        check_identifier(entity.id, origin=f"authority entry {entity.preferred[:60]!r}")
        _check_texts(f"authority entry {entity.id!r}", {
            "preferred": entity.preferred, "description": entity.description, "dates": entity.dates,
            **{f"variants[{n}]": variant.name for n, variant in enumerate(entity.variants)},
            **{f"titles[{n}]": title for n, title in enumerate(entity.titles)}})


def _check_texts(origin: str, fields: dict[str, str | None]) -> None:
    for field, value in fields.items():
        problem = text_problem(value) if value else None
        if problem is not None:
            raise RecordError(f"{origin}: {field} {problem}; nothing was stored: fix the source and ingest it again")


def collection_details(collection: Collection) -> str | None:
    """The `details` column of a collection row: its description beyond id/title/parent/kind as
    canonical JSON, or None when it has none."""
    details = collection.details()
    return canonical_json(details) if details else None


def refuse_dangling(prepared: Sequence[tuple[Record, str, str]], known: set[str]) -> None:
    """RecordError when a record links to a person the store does not hold (`known`: the ids of
    linked entries the store holds, the batch's own included). Both stores call it inside the
    write transaction; their schema refuses the same (SQLite triggers, a PostgreSQL foreign key)."""
    for record, _, _ in prepared:
        for number, link in enumerate(record.persons):
            if link.id not in known:
                raise RecordError(
                    f"{record.origin or f'record {record.id!r}'}: persons[{number}] links to "
                    f"{link.id!r} ({link.name}), which is not in the authority; add the entry first"
                )


def mark_authority_changed(sql: Sql) -> None:
    """A new `Store.authority_version`, written in the caller's transaction (the one that writes or
    removes authority entries)."""
    sql.run("INSERT INTO staff_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (AUTHORITY_VERSION, uuid.uuid4().hex))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store(CurationStore):
    """What every backend (SQLite, PostgreSQL) provides. One shared test module checks both.

    The staff side (versions, withdrawals, users, sessions, audit log, corrections, link
    decisions) comes from `CurationStore`, in the same database."""

    url: str
    # Whether threads may call one store object at once (each backend keeps a connection per
    # thread or a pool); the web app then serves requests without a lock.
    thread_safe: bool = False

    @abstractmethod
    def add(
        self,
        records: Sequence[Record],
        *,
        collections: Sequence[Collection] = (),
        entities: Sequence[Entity] = (),
        agent: str = "fonds",
        note: str = "",
    ) -> AddResult:
        """Write records, collections and authority entries in one transaction.

        Each record whose content changed gets a new version naming `agent` (a user, or
        `ingest FILE`) and `note`, written in the same transaction."""

    @abstractmethod
    def get(self, record_id: str) -> Record:
        """The record with this id. Raises NotFound (also for a deleted record)."""

    @abstractmethod
    def get_stored(self, record_id: str) -> StoredRecord:
        """The record with its change-log position, deleted ones included. Raises NotFound."""

    @abstractmethod
    def fingerprints(self, record_ids: Sequence[str]) -> dict[str, str]:
        """Record id -> the fingerprint of the live record stored under it (ids without one are left out)."""

    @abstractmethod
    def delete(self, record_id: str, *, agent: str = "fonds", reason: str = "") -> bool:
        """Mark a record deleted (logged as a change), keeping it as a withdrawn version with
        `reason`. False if there was nothing to delete."""

    def authority_state(self) -> str:
        """A digest of every authority entry (its id and content hash), equal for equal authorities
        and different after any entry is added, changed or deleted: what a cache of something
        derived from the authority (fonds.naming_cache) is kept under. SQLite and PostgreSQL read
        the stored content hashes only; this default hashes each entry's Record JSON form."""
        digest = hashlib.sha256()
        for entity in self.iter_entities():
            digest.update(f"{entity.id}\t{content_hash(entity.to_dict())}\n".encode("utf-8"))
        return digest.hexdigest()

    def authority_version(self) -> str:
        """A mark that every transaction adding, changing or removing an authority entry replaces
        with a new one (`mark_authority_changed`): while it is the same, the authority is too. One
        indexed lookup, where `authority_state` reads every entry; "" for an archive whose entries
        were all written before the mark was kept (fonds 1 Dec 2026), until its next entry change."""
        rows = self._staff_read("SELECT value FROM staff_meta WHERE key = ?", (AUTHORITY_VERSION,))
        return str(rows[0][0]) if rows else ""

    @abstractmethod
    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        """Change-log rows with a sequence number above `seq`, oldest first."""

    def record_summaries(self, collection: str) -> list[RecordSummary]:
        """Every live record in a collection or in one below it (as `list_stored(collection=)`
        counts), as summaries, in id order. SQLite reads these fields with its JSON functions;
        this default (PostgreSQL's too: its JSON operators refuse a record holding an escaped NUL,
        which Record JSON may) decodes each record."""
        found: list[RecordSummary] = []
        after = ""
        while True:
            batch = self.list_stored(collection=collection, after_id=after, limit=500, include_deleted=False)
            if not batch:
                return found
            after = batch[-1].id
            found.extend(RecordSummary.of(s.record) for s in batch if s.record is not None)

    def volume_neighbours(
        self, volume_id: str, record_id: str
    ) -> tuple[print_order.Printed | None, print_order.Printed | None] | None:
        """The documents printed just before and after a record in a FRUS volume (store/print_order.py:
        indexed lookups, nothing read whole); None when the volume does not hold the record."""
        return print_order.neighbours(_Reads(self), volume_id, record_id)

    def print_keys(self, volume_id: str, *, after: bytes | None = None, limit: int = 1000) -> list[bytes]:
        """Up to `limit` print keys of a FRUS volume's live documents in printed order, after the key
        `after` (store/print_order.py: `id_of`, `number_of` read a key)."""
        return print_order.page(_Reads(self), volume_id, after=after, limit=limit)

    @abstractmethod
    def last_seq(self) -> int:
        """The highest sequence number in the change log (0 when empty)."""

    @abstractmethod
    def list_stored(
        self,
        *,
        after_seq: int = 0,
        after_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
        collection: str | None = None,
        limit: int = 100,
        include_deleted: bool = True,
        failures: Failures | None = None,
        unwanted: Callable[[int], bool] | None = None,
    ) -> list[StoredRecord]:
        """Records (latest state) ordered by their last change; or, with `after_id` (use "" to
        start), ordered by id after that id: an order that updates during a listing do not change.
        A row that cannot be decoded is left out and counted in `failures` (see `readable_page`).
        A live record whose last change `unwanted(seq)` is true comes with `record` None, not
        decoded (the caller passes over it: a relinking skips what the ingest linked already)."""

    @abstractmethod
    def count_stored(
        self, *, since: str | None = None, until: str | None = None, collection: str | None = None
    ) -> int:
        """How many records `list_stored` would give in all."""

    @abstractmethod
    def iter_records(self, batch: int = 500, *, failures: Failures | None = None) -> Iterator[Record]:
        """Every live record, ordered by id, read in batches: memory stays flat. A row that cannot
        be decoded is left out, logged and added to `failures` (see `readable`); the rest go on."""

    @abstractmethod
    def collections(self) -> list[Collection]:
        """Every collection, ordered by id."""

    @abstractmethod
    def collection_counts(self) -> dict[str, int]:
        """How many live records each collection holds."""

    @abstractmethod
    def get_entity(self, entity_id: str) -> Entity:
        """An authority entry. Raises NotFound."""

    @abstractmethod
    def iter_entities(self, kind: str | None = None) -> Iterator[Entity]:
        """Every authority entry, optionally of one kind, ordered by id."""

    @abstractmethod
    def put_entities(self, entities: Iterable[Entity]) -> int:
        """Add or replace authority entries in one transaction; returns how many changed."""

    @abstractmethod
    def delete_entities(self, entity_ids: Iterable[str]) -> int:
        """Remove authority entries (folded into others); returns how many were removed."""

    @abstractmethod
    def records_of_entity(self, entity_id: str, limit: int = 1000) -> list[Record]:
        """Records that link to an authority entry, oldest first."""

    @abstractmethod
    def records_linking(self, entity_ids: Sequence[str], *, after_id: str = "", limit: int = 500) -> list[Record]:
        """Live records linking to any of the entries, ordered by id, after `after_id` (a page of
        at most `limit`): page through every one of them, however many."""

    @abstractmethod
    def dangling_links(self, limit: int = 1000) -> list[tuple[str, str]]:
        """(record id, entry id) of person links to authority entries the store does not hold
        (none, unless the database was written by an older fonds)."""

    @abstractmethod
    def pending(self) -> dict[str, str]:
        """Post-ingest work started and not yet finished: task name -> its saved state."""

    @abstractmethod
    def set_pending(self, task: str, state: str = "") -> None:
        """Record (in its own transaction) that `task` must run to the end, with its state so far."""

    @abstractmethod
    def clear_pending(self, task: str) -> None:
        """Record that `task` has finished."""

    @abstractmethod
    def stats(self) -> Stats:
        """Counts of records, persons, collections and changes."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def reader(self) -> Store | None:
        """The same database opened again, read-only, for another process (ingest reads, links
        and checks files in worker processes: fonds.ingest_workers); None when this store
        cannot be opened again (the caller then does the work itself)."""
        return None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Reads:
    """The reading half of store/curation.py's `Sql` over a store's own reads (`_staff_read`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def run(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.store._staff_read(sql, args)

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise TypeError("a store's reads cannot write")
