"""What the store keeps of contributors' proposed edits, in both stores (PostgreSQL migration 6;
SQLite creates the table when it opens a file, as it does the other staff tables).

A proposal keeps the whole proposed record (Record JSON, as an edit would store it), the version
of the record it was based on, the contributor's note and, once decided, who decided, when, why
and (for an accepted one) the version it made. Its status goes `open` -> `accepting` ->
`accepted`, or `open` -> `rejected`. `accepting` is a claim: only one editor can hold it (the
conditional UPDATE ... RETURNING is the lock), so two editors accepting at once make one version,
not two. A claim left by a process that died is taken over after CLAIM_SECONDS.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from fonds.errors import NotFound
from fonds.identifiers import INT64_MAX, numbered
from fonds.record import Record

STATUSES = ("open", "accepting", "accepted", "rejected")
CLAIM_SECONDS = 300


def proposal_tables(auto: str, key: str) -> str:
    """The DDL of the proposals table; `auto` is the backend's auto-numbered key, `key` its id text type."""
    return f"""
CREATE TABLE IF NOT EXISTS proposals (
    id {auto}, record_id {key} NOT NULL, base INTEGER NOT NULL, data TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '', proposer TEXT NOT NULL, at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open', decided_at TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', version INTEGER
);
CREATE INDEX IF NOT EXISTS proposals_status ON proposals (status, id);
CREATE INDEX IF NOT EXISTS proposals_proposer ON proposals (proposer, id);
CREATE INDEX IF NOT EXISTS proposals_record ON proposals (record_id, id);
"""


SQLITE_PROPOSALS = proposal_tables("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT")
POSTGRES_PROPOSALS = proposal_tables("BIGSERIAL PRIMARY KEY", 'TEXT COLLATE "C"')

_COLUMNS = "id, record_id, base, data, note, proposer, at, status, decided_at, decided_by, reason, version"


@dataclass(frozen=True)
class Proposal:
    """One proposed edit. `proposer` is an account name; `base` the version number it was made on."""

    id: int
    record_id: str
    base: int
    data: dict[str, Any]
    note: str
    proposer: str
    at: str
    status: str
    decided_at: str
    decided_by: str
    reason: str
    version: int | None

    @property
    def record(self) -> Record:
        """The record as the contributor proposed it."""
        return Record.from_dict(self.data)

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "accepting")


def _proposal(row: Sequence[Any]) -> Proposal:
    number, record_id, base, data, note, proposer, at, status, decided_at, decided_by, reason, version = row
    return Proposal(int(number), record_id, int(base), json.loads(data), note, proposer, at, status,
                    decided_at or "", decided_by or "", reason or "", None if version is None else int(version))


def _utc(seconds_ago: float = 0) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


class ProposalStore(ABC):
    """The proposals of a store. Backends provide `_staff_read` and `_staff_write` (store/curation.py)."""

    @abstractmethod
    def _staff_read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one query (`?` placeholders)."""

    @abstractmethod
    def _staff_write(self) -> AbstractContextManager[Any]:
        """A transaction holding the store's write lock."""

    def add_proposal(self, record_id: str, base: int, record_json: str, *, note: str, proposer: str) -> int:
        """Keep a proposed record (its Record JSON text) made on version `base`; returns its number."""
        with self._staff_write() as sql:
            rows = sql.run("INSERT INTO proposals (record_id, base, data, note, proposer, at) VALUES (?, ?, ?, ?, ?, ?) "
                           "RETURNING id", (record_id, base, record_json, note, proposer, _utc()))
            return int(rows[0][0])

    def proposals(self, *, status: str | None = "open", proposer: str | None = None,
                  record_id: str | None = None, limit: int = 200, after: int = 0) -> list[Proposal]:
        """Proposals, oldest first for open ones and newest first otherwise, without their proposed
        records (`data` is {}: a list of long documents' proposals stays small; `get_proposal`
        gives the record). `status` "open" also gives those being accepted; None every status.
        `after` pages the open queue: only proposals numbered above it (the last one shown)."""
        where: list[str] = []
        args: list[Any] = []
        if after:
            where.append("id > ?")
            args.append(min(after, INT64_MAX))
        if status == "open":
            where.append("status IN ('open', 'accepting')")
        elif status is not None:
            where.append("status = ?")
            args.append(status)
        if proposer is not None:
            where.append("proposer = ?")
            args.append(proposer)
        if record_id is not None:
            where.append("record_id = ?")
            args.append(record_id)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        order = "id" if status == "open" else "id DESC"
        columns = _COLUMNS.replace("data", "'{}'")
        rows = self._staff_read(f"SELECT {columns} FROM proposals {clause} ORDER BY {order} LIMIT ?", (*args, limit))
        return [_proposal(row) for row in rows]

    def get_proposal(self, number: int) -> Proposal:
        """Proposal `number`. Raises NotFound."""
        rows = self._staff_read(f"SELECT {_COLUMNS} FROM proposals WHERE id = ?", (number,)) if numbered(number) else []
        if not rows:
            raise NotFound(f"there is no proposal {number}; `fonds proposals list` or /staff/proposals lists them")
        return _proposal(rows[0])

    def claim_proposal(self, number: int, agent: str) -> bool:
        """Mark an open proposal as being accepted by `agent`. False if another took it first (or it
        was decided); a claim older than CLAIM_SECONDS (its process died) may be taken over."""
        with self._staff_write() as sql:
            rows = sql.run("UPDATE proposals SET status = 'accepting', decided_by = ?, decided_at = ? WHERE id = ? "
                           "AND (status = 'open' OR (status = 'accepting' AND decided_at < ?)) RETURNING id",
                           (agent, _utc(), number, _utc(CLAIM_SECONDS)))
            return bool(rows)

    def release_proposal(self, number: int, agent: str) -> None:
        """Give back a claim that did not end in a version (the accept was refused or failed)."""
        with self._staff_write() as sql:
            sql.run("UPDATE proposals SET status = 'open', decided_by = '', decided_at = '' "
                    "WHERE id = ? AND status = 'accepting' AND decided_by = ?", (number, agent))

    def decide_proposal(self, number: int, *, status: str, agent: str, reason: str = "",
                        version: int | None = None) -> bool:
        """Close a proposal as `accepted` (by the agent holding its claim, naming the version made)
        or `rejected` (an open one). False if it was no longer open to this agent."""
        if status not in ("accepted", "rejected"):
            raise ValueError(f"a proposal is decided as accepted or rejected, not {status!r}")
        condition = "status = 'accepting' AND decided_by = ?" if status == "accepted" else "status = 'open'"
        args: tuple[Any, ...] = (agent,) if status == "accepted" else ()
        with self._staff_write() as sql:
            rows = sql.run(f"UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, reason = ?, version = ? "
                           f"WHERE id = ? AND {condition} RETURNING id",
                           (status, agent, _utc(), reason, version, number, *args))
            return bool(rows)
