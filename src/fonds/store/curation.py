"""What the staff side keeps, in both stores: record versions, withdrawals, users, sessions,
the audit log, readers' correction reports and link-review decisions.

One SQL text serves SQLite and PostgreSQL: statements are written with `?` placeholders and
the PostgreSQL store turns them into `%s`. Each backend gives two hooks, `_staff_read` (rows
of one query) and `_staff_write` (a transaction holding the store's write lock), and writes a
version for every record it adds or deletes inside the transaction that changes the record
(`_log_versions`, `_log_deletion`), so no change to a record is ever without its version.

Times are ISO 8601 UTC strings ending in Z, like the change log's.
"""

from __future__ import annotations

import json
import secrets
import threading
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence

from fonds.errors import FondsError, NotFound
from fonds.identifiers import numbered
from fonds.record import Record
from fonds.store.proposals import ProposalStore

ROLES = ("reader", "contributor", "editor", "admin")
DECISIONS = ("accepted", "rejected")


def _tables(auto: str, key: str) -> str:
    """The DDL of the staff tables; `auto` is the backend's auto-numbered key, `key` its id text type."""
    return f"""
CREATE TABLE IF NOT EXISTS staff_meta (key {key} PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    name {key} PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0, locked_until TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sessions (
    token {key} PRIMARY KEY, user_name TEXT NOT NULL, created TEXT NOT NULL, expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    seq {auto}, at TEXT NOT NULL, agent TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS record_versions (
    record_id {key} NOT NULL, number INTEGER NOT NULL, at TEXT NOT NULL, agent TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT 'change', data TEXT,
    PRIMARY KEY (record_id, number)
);
CREATE TABLE IF NOT EXISTS withdrawals (
    record_id {key} PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL, agent TEXT NOT NULL,
    number INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS corrections (
    id {auto}, record_id {key} NOT NULL, message TEXT NOT NULL, contact TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', closed_at TEXT NOT NULL DEFAULT '',
    closed_by TEXT NOT NULL DEFAULT '', version INTEGER, note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS corrections_status ON corrections (status, id);
CREATE TABLE IF NOT EXISTS link_decisions (
    record_id {key} NOT NULL, entity_id {key} NOT NULL, mention {key} NOT NULL,
    decision TEXT NOT NULL, agent TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (record_id, entity_id, mention)
);
"""


SQLITE_TABLES = _tables("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT")
POSTGRES_TABLES = _tables("BIGSERIAL PRIMARY KEY", 'TEXT COLLATE "C"')
# Records stored before versions existed get version 1: what they are now.
BACKFILL_VERSIONS = (
    "INSERT INTO record_versions (record_id, number, at, agent, note, kind, data) "
    "SELECT id, 1, at, 'before versions', '', 'change', data FROM records WHERE data IS NOT NULL"
)


def utc_now() -> str:
    """Now, as the store writes times: `2026-11-30T20:15:00Z`."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_after(seconds: float) -> str:
    """The time `seconds` from now, written as `utc_now` writes it."""
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Sql(Protocol):
    """One transaction's statements: `run` gives a query's rows, `many` runs one statement per row."""

    def run(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


@dataclass(frozen=True)
class User:
    name: str
    role: str
    hash: str
    is_disabled: bool
    created: str
    failed: int = 0
    locked_until: str = ""


@dataclass(frozen=True)
class Version:
    """One numbered state of a record. `kind` is `change`, or `withdrawn` for a withdrawal."""

    record_id: str
    number: int
    at: str
    agent: str
    note: str
    kind: str
    data: dict[str, Any] | None = None

    @property
    def record(self) -> Record:
        if self.data is None:
            raise NotFound(f"version {self.number} of record {self.record_id!r} holds no record")
        return Record.from_dict(self.data)


@dataclass(frozen=True)
class Withdrawal:
    record_id: str
    reason: str
    at: str
    agent: str
    number: int  # the version that withdrew it


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    agent: str
    action: str
    target: str
    detail: str


@dataclass(frozen=True)
class Correction:
    id: int
    record_id: str
    message: str
    contact: str
    at: str
    status: str  # open or closed
    closed_at: str
    closed_by: str
    version: int | None
    note: str


@dataclass(frozen=True)
class LinkDecision:
    """An editor's word on one automatic person link: `mention` is `rendition:start:end` or `participant`."""

    record_id: str
    entity_id: str
    mention: str
    decision: str
    agent: str
    at: str


class VersionConflict(FondsError):
    """A record changed between reading it and writing it (`CurationStore.expecting_versions`)."""

    status = 409


_expected = threading.local()  # {record id: the version a write in this thread expects to follow}


def _in(count: int) -> str:
    return ", ".join("?" * count)


class CurationStore(ProposalStore, ABC):
    """The staff side of a store. Backends provide `_staff_read` and `_staff_write`; contributors'
    proposals come from `ProposalStore` (store/proposals.py)."""

    @abstractmethod
    def _staff_read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one query (`?` placeholders)."""

    @abstractmethod
    def _staff_write(self) -> AbstractContextManager[Sql]:
        """A transaction holding the store's write lock."""

    @abstractmethod
    def delete(self, record_id: str, *, agent: str = "fonds", reason: str = "") -> bool:
        """Mark a record deleted, writing its withdrawal version."""

    @abstractmethod
    def add(
        self,
        records: Sequence[Record],
        *,
        collections: Sequence[Any] = (),
        entities: Sequence[Any] = (),
        agent: str = "fonds",
        note: str = "",
    ) -> Any:
        """Write records (see Store.add); each changed record gets a version by `agent`, with `note`."""

    # -- versions, written by the backends inside their own transactions -------------------

    @contextmanager
    def expecting_versions(self, numbers: Mapping[str, int]) -> Iterator[None]:
        """Within this block (this thread), `add` refuses with VersionConflict, storing nothing, to
        write a record whose newest version is not the one given ({record id: number}): an
        optimistic lock, checked inside the write transaction, so a change made meanwhile by
        someone else is never silently overwritten."""
        before = getattr(_expected, "numbers", {})
        _expected.numbers = {**before, **numbers}
        try:
            yield
        finally:
            _expected.numbers = before

    def _log_versions(self, sql: Sql, rows: Sequence[tuple[str, str]], at: str, agent: str, note: str) -> None:
        """A new version for each (record id, stored Record JSON text); a record may come twice."""
        ids = list(dict.fromkeys(record_id for record_id, _ in rows))
        last: dict[str, int] = {}
        for first in range(0, len(ids), 500):
            part = ids[first:first + 500]
            last.update(
                (row[0], int(row[1])) for row in sql.run(
                    f"SELECT record_id, MAX(number) FROM record_versions WHERE record_id IN ({_in(len(part))}) "
                    "GROUP BY record_id", part)
            )
        expected: Mapping[str, int] = getattr(_expected, "numbers", {})
        for record_id, number in expected.items():
            if record_id in ids and last.get(record_id, 0) != number:
                raise VersionConflict(
                    f"record {record_id}: it changed while you worked on it (version {last.get(record_id, 0)} "
                    f"now, you started from version {number}); nothing was saved: reload it and make the change again"
                )
        out = []
        for record_id, text in rows:
            last[record_id] = last.get(record_id, 0) + 1
            out.append((record_id, last[record_id], at, agent, note, "change", text))
        sql.many("INSERT INTO record_versions (record_id, number, at, agent, note, kind, data) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", out)
        sql.many("DELETE FROM withdrawals WHERE record_id = ?", [(i,) for i in ids])

    def _log_deletion(self, sql: Sql, record_id: str, data: str | None, at: str, agent: str, reason: str) -> None:
        """The withdrawal version of a record being deleted (it keeps the record for the tombstone)."""
        row = sql.run("SELECT MAX(number) FROM record_versions WHERE record_id = ?", (record_id,))
        number = int(row[0][0] or 0) + 1 if row else 1
        sql.run("INSERT INTO record_versions (record_id, number, at, agent, note, kind, data) "
                "VALUES (?, ?, ?, ?, ?, 'withdrawn', ?)", (record_id, number, at, agent, reason, data))
        sql.run("DELETE FROM withdrawals WHERE record_id = ?", (record_id,))
        sql.run("INSERT INTO withdrawals (record_id, reason, at, agent, number) VALUES (?, ?, ?, ?, ?)",
                (record_id, reason, at, agent, number))

    # -- versions, read --------------------------------------------------------------------

    def versions(self, record_id: str) -> list[Version]:
        """Every version of a record, oldest first, without their data. Empty for an unknown id."""
        rows = self._staff_read(
            "SELECT record_id, number, at, agent, note, kind FROM record_versions WHERE record_id = ? ORDER BY number",
            (record_id,),
        )
        return [Version(*row) for row in rows]

    def get_version(self, record_id: str, number: int) -> Version:
        """Version `number` of a record, with its Record JSON. Raises NotFound."""
        if not numbered(number):
            raise NotFound(f"record {record_id[:80]!r} has no version {number}; its history lists the versions it has")
        rows = self._staff_read(
            "SELECT record_id, number, at, agent, note, kind, data FROM record_versions "
            "WHERE record_id = ? AND number = ?", (record_id, number))
        if not rows:
            raise NotFound(f"record {record_id!r} has no version {number}; its history lists the versions it has")
        record, number_, at, who, note, kind, data = rows[0]
        return Version(record, int(number_), at, who, note, kind, json.loads(data) if data else None)

    def iter_version_texts(self, batch: int = 500) -> Iterator[str]:
        """The Record JSON text of every version of every record (withdrawn ones too), in
        (record id, number) order, `batch` rows per query; `fonds files gc` reads the files
        they name so a file an old version needs is never collected."""
        after: tuple[str, int] = ("", 0)
        while True:
            rows = self._staff_read(
                "SELECT record_id, number, data FROM record_versions WHERE (record_id > ? OR (record_id = ? AND number > ?)) "
                "AND data IS NOT NULL ORDER BY record_id, number LIMIT ?", (after[0], after[0], after[1], batch))
            for _record_id, _number, data in rows:
                yield str(data)
            if len(rows) < batch:
                return
            after = (str(rows[-1][0]), int(rows[-1][1]))

    def last_version(self, record_id: str) -> Version | None:
        """The newest version of a record, with its data; None if it has none."""
        rows = self._staff_read("SELECT MAX(number) FROM record_versions WHERE record_id = ?", (record_id,))
        if not rows or rows[0][0] is None:
            return None
        return self.get_version(record_id, int(rows[0][0]))

    def withdrawal(self, record_id: str) -> Withdrawal | None:
        """Why and when a record was withdrawn, or None if it is not withdrawn."""
        rows = self._staff_read(
            "SELECT record_id, reason, at, agent, number FROM withdrawals WHERE record_id = ?", (record_id,))
        return Withdrawal(*rows[0]) if rows else None

    def withdrawn_ids(self, record_ids: Sequence[str]) -> set[str]:
        """Those of the ids that name withdrawn records."""
        found: set[str] = set()
        ids = list(record_ids)
        for first in range(0, len(ids), 500):
            part = ids[first:first + 500]
            found.update(row[0] for row in self._staff_read(
                f"SELECT record_id FROM withdrawals WHERE record_id IN ({_in(len(part))})", part))
        return found

    def withdraw(self, record_id: str, reason: str, *, agent: str) -> bool:
        """Take a record out of the public archive, keeping its versions. False if it was not live."""
        return self.delete(record_id, agent=agent, reason=reason)

    def restore(self, record_id: str, *, agent: str, note: str = "") -> Version:
        """Bring a withdrawn record back as a new version equal to the one withdrawn. Raises NotFound."""
        if self.withdrawal(record_id) is None:
            raise NotFound(f"record {record_id!r} is not withdrawn; nothing to restore")
        last = self.last_version(record_id)
        if last is None or last.data is None:
            raise NotFound(f"record {record_id!r} has no stored version to restore")
        self.add([last.record], agent=agent, note=note or "restored")
        restored = self.last_version(record_id)
        assert restored is not None
        return restored

    # -- users and sessions ----------------------------------------------------------------

    def put_user(self, user: User) -> None:
        """Add or replace a user."""
        with self._staff_write() as sql:
            sql.run("DELETE FROM users WHERE name = ?", (user.name,))
            sql.run(
                "INSERT INTO users (name, role, hash, disabled, created, failed, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (user.name, user.role, user.hash, int(user.is_disabled), user.created, user.failed, user.locked_until),
            )
            if user.is_disabled:
                sql.run("DELETE FROM sessions WHERE user_name = ?", (user.name,))

    def get_user(self, name: str) -> User | None:
        rows = self._staff_read(
            "SELECT name, role, hash, disabled, created, failed, locked_until FROM users WHERE name = ?", (name,))
        return _user(rows[0]) if rows else None

    def list_users(self) -> list[User]:
        rows = self._staff_read(
            "SELECT name, role, hash, disabled, created, failed, locked_until FROM users ORDER BY name")
        return [_user(row) for row in rows]

    def note_login(self, name: str, *, ok: bool, lock_after: int, lock_until: str) -> int:
        """Count a failed login (locking at `lock_after` failures in a row) or clear the count; returns it."""
        with self._staff_write() as sql:
            if ok:
                sql.run("UPDATE users SET failed = 0, locked_until = '' WHERE name = ?", (name,))
                return 0
            sql.run("UPDATE users SET failed = failed + 1 WHERE name = ?", (name,))
            rows = sql.run("SELECT failed FROM users WHERE name = ?", (name,))
            failed = int(rows[0][0]) if rows else 0
            if failed >= lock_after:
                sql.run("UPDATE users SET failed = 0, locked_until = ? WHERE name = ?", (lock_until, name))
            return failed

    def add_session(self, token_hash: str, user_name: str, expires: str) -> None:
        with self._staff_write() as sql:
            sql.run("DELETE FROM sessions WHERE expires < ?", (utc_now(),))
            sql.run("INSERT INTO sessions (token, user_name, created, expires) VALUES (?, ?, ?, ?)",
                    (token_hash, user_name, utc_now(), expires))

    def session_user(self, token_hash: str) -> User | None:
        """The live, enabled user of an unexpired session."""
        rows = self._staff_read(
            "SELECT u.name, u.role, u.hash, u.disabled, u.created, u.failed, u.locked_until "
            "FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token = ? AND s.expires > ? "
            "AND u.disabled = 0", (token_hash, utc_now()))
        return _user(rows[0]) if rows else None

    def end_session(self, token_hash: str) -> None:
        with self._staff_write() as sql:
            sql.run("DELETE FROM sessions WHERE token = ?", (token_hash,))

    def site_secret(self) -> str:
        """The secret that signs session cookies, made once and kept in the store (shared by every node)."""
        rows = self._staff_read("SELECT value FROM staff_meta WHERE key = 'session_secret'")
        if rows:
            return str(rows[0][0])
        with self._staff_write() as sql:
            rows = sql.run("SELECT value FROM staff_meta WHERE key = 'session_secret'")
            if rows:
                return str(rows[0][0])
            value = secrets.token_urlsafe(48)
            sql.run("INSERT INTO staff_meta (key, value) VALUES ('session_secret', ?)", (value,))
            return value

    # -- audit log -------------------------------------------------------------------------

    def audit(self, agent: str, action: str, target: str, detail: str = "") -> None:
        """Append one line to the audit log: who did what to which thing."""
        with self._staff_write() as sql:
            sql.run("INSERT INTO audit_log (at, agent, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                    (utc_now(), agent, action, target, detail))

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The newest lines of the audit log, newest first."""
        rows = self._staff_read(
            "SELECT seq, at, agent, action, target, detail FROM audit_log ORDER BY seq DESC LIMIT ?", (limit,))
        return [AuditEntry(*row) for row in rows]

    # -- corrections -----------------------------------------------------------------------

    def add_correction(self, record_id: str, message: str, contact: str = "") -> int:
        """Store a reader's report; returns its number."""
        with self._staff_write() as sql:
            rows = sql.run("INSERT INTO corrections (record_id, message, contact, at) VALUES (?, ?, ?, ?) RETURNING id",
                           (record_id, message, contact, utc_now()))
            return int(rows[0][0])

    def corrections(self, status: str | None = "open", limit: int = 200) -> list[Correction]:
        """Reports, oldest first; `status` None gives every one."""
        where = "WHERE status = ?" if status else ""
        rows = self._staff_read(
            "SELECT id, record_id, message, contact, at, status, closed_at, closed_by, version, note "
            f"FROM corrections {where} ORDER BY id LIMIT ?", ((status, limit) if status else (limit,)))
        return [Correction(*row) for row in rows]

    def get_correction(self, number: int) -> Correction:
        if not numbered(number):
            raise NotFound(f"there is no correction report {number}")
        rows = self._staff_read(
            "SELECT id, record_id, message, contact, at, status, closed_at, closed_by, version, note "
            "FROM corrections WHERE id = ?", (number,))
        if not rows:
            raise NotFound(f"there is no correction report {number}")
        return Correction(*rows[0])

    def close_correction(self, number: int, *, agent: str, version: int | None, note: str = "") -> None:
        """Close a report, naming the version that fixed it (None: closed without a change)."""
        self.get_correction(number)
        with self._staff_write() as sql:
            sql.run("UPDATE corrections SET status = 'closed', closed_at = ?, closed_by = ?, version = ?, note = ? "
                    "WHERE id = ?", (utc_now(), agent, version, note, number))

    # -- link review -----------------------------------------------------------------------

    def put_link_decision(self, decision: LinkDecision) -> None:
        if decision.decision not in DECISIONS:
            raise ValueError(f"a link decision is one of {DECISIONS}, not {decision.decision!r}")
        with self._staff_write() as sql:
            sql.run("DELETE FROM link_decisions WHERE record_id = ? AND entity_id = ? AND mention = ?",
                    (decision.record_id, decision.entity_id, decision.mention))
            sql.run("INSERT INTO link_decisions (record_id, entity_id, mention, decision, agent, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (decision.record_id, decision.entity_id, decision.mention,
                                                  decision.decision, decision.agent, decision.at))

    def link_decisions(self, record_ids: Iterable[str] | None = None) -> list[LinkDecision]:
        """Every decision, or those on some records."""
        columns = "SELECT record_id, entity_id, mention, decision, agent, at FROM link_decisions"
        if record_ids is None:
            return [LinkDecision(*row) for row in self._staff_read(columns + " ORDER BY record_id, mention")]
        ids = list(dict.fromkeys(record_ids))
        found: list[LinkDecision] = []
        for first in range(0, len(ids), 500):
            part = ids[first:first + 500]
            found.extend(LinkDecision(*row) for row in self._staff_read(
                f"{columns} WHERE record_id IN ({_in(len(part))})", part))
        return found

    def move_link_decisions(self, moves: Mapping[str, str]) -> None:
        """Decisions on links to persons merged into others follow them ({old id: new id})."""
        if not moves or not self._staff_read("SELECT 1 FROM link_decisions LIMIT 1"):
            return
        with self._staff_write() as sql:
            for old, new in moves.items():
                sql.run("DELETE FROM link_decisions WHERE entity_id = ? AND EXISTS (SELECT 1 FROM link_decisions d "
                        "WHERE d.entity_id = ? AND d.record_id = link_decisions.record_id "
                        "AND d.mention = link_decisions.mention)", (old, new))
                sql.run("UPDATE link_decisions SET entity_id = ? WHERE entity_id = ?", (new, old))


def _user(row: Sequence[Any]) -> User:
    name, role, digest, disabled, created, failed, locked_until = row
    return User(name, role, digest, bool(disabled), created, int(failed), locked_until or "")
