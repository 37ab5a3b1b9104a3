"""The staff side of the store, on SQLite and PostgreSQL: versions, withdrawals, users and sessions,
the audit log, correction reports and link decisions."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import psycopg
import pytest

from fonds.errors import NotFound
from fonds.record import Record, Rendition
from fonds.store import open_store
from fonds.store.base import Store
from fonds.store.curation import LinkDecision, User, utc_after, utc_now


def test_every_change_makes_a_numbered_version_with_its_agent(store: Store, make_record: Callable[..., Record]) -> None:
    store.add([make_record("r1")], agent="ingest a.txt")
    store.add([make_record("r1")], agent="ingest a.txt")  # unchanged: no version
    store.add([make_record("r1", 1)], agent="user ana", note="typo")
    versions = store.versions("r1")
    assert [(v.number, v.agent, v.note, v.kind) for v in versions] == [
        (1, "ingest a.txt", "", "change"), (2, "user ana", "typo", "change")]
    assert store.get_version("r1", 1).record == make_record("r1")
    assert store.get_version("r1", 2).record == make_record("r1", 1)
    with pytest.raises(NotFound, match="has no version 3"):
        store.get_version("r1", 3)
    assert store.versions("unknown") == []


def test_a_record_twice_in_one_batch_gets_two_versions(store: Store, make_record: Callable[..., Record]) -> None:
    store.add([make_record("r1"), make_record("r1", 1)])
    assert [v.number for v in store.versions("r1")] == [1, 2]
    assert store.get_version("r1", 2).record == store.get("r1")


def test_withdrawal_keeps_the_record_for_its_tombstone_and_restore_brings_it_back(
    store: Store, make_record: Callable[..., Record]
) -> None:
    record = make_record("r1")
    store.add([record, make_record("r2")])
    assert store.withdraw("r1", "rights not cleared", agent="user ana")
    assert not store.withdraw("r1", "again", agent="user ana")
    with pytest.raises(NotFound):
        store.get("r1")
    withdrawal = store.withdrawal("r1")
    assert withdrawal is not None and withdrawal.reason == "rights not cleared" and withdrawal.number == 2
    assert store.get_version("r1", 2).record == record and store.get_version("r1", 2).kind == "withdrawn"
    assert store.withdrawn_ids(["r1", "r2", "r3"]) == {"r1"}
    assert store.get_stored("r1").is_deleted and store.changes_since(0)[-1].op == "delete"
    restored = store.restore("r1", agent="user ana")
    assert restored.number == 3 and store.get("r1") == record
    assert store.withdrawal("r1") is None
    with pytest.raises(NotFound, match="not withdrawn"):
        store.restore("r2", agent="user ana")


def test_users_sessions_and_the_login_lock(store: Store) -> None:
    user = User("ana", "editor", "$argon2id$fake", False, utc_now())
    store.put_user(user)
    assert store.get_user("ana") == user and store.get_user("bob") is None
    store.add_session("h1", "ana", utc_after(60))
    store.add_session("h-old", "ana", utc_after(-60))
    assert store.session_user("h1") == user
    assert store.session_user("h-old") is None  # expired
    assert [store.note_login("ana", ok=False, lock_after=3, lock_until="2999-01-01T00:00:00Z") for _ in range(3)] == [1, 2, 3]
    locked = store.get_user("ana")
    assert locked is not None and locked.locked_until == "2999-01-01T00:00:00Z" and locked.failed == 0
    store.end_session("h1")
    assert store.session_user("h1") is None
    store.add_session("h2", "ana", utc_after(60))
    store.put_user(replace(user, is_disabled=True))
    assert store.session_user("h2") is None
    assert [u.name for u in store.list_users()] == ["ana"]


def test_the_session_secret_is_made_once(store: Store) -> None:
    secret = store.site_secret()
    assert len(secret) > 40 and store.site_secret() == secret


def test_audit_log_corrections_and_link_decisions(store: Store) -> None:
    store.audit("user ana", "edit", "r1", "typo")
    assert [(a.agent, a.action, a.target, a.detail) for a in store.audit_log()] == [("user ana", "edit", "r1", "typo")]
    first = store.add_correction("r1", "wrong date", "h@example.org")
    second = store.add_correction("r2", "typo")
    assert [c.id for c in store.corrections("open")] == [first, second]
    store.close_correction(first, agent="user ana", version=2, note="fixed")
    closed = store.get_correction(first)
    assert (closed.status, closed.version, closed.closed_by) == ("closed", 2, "user ana")
    assert [c.id for c in store.corrections("open")] == [second]
    decision = LinkDecision("r1", "p-old", "0:4:9", "rejected", "user ana", utc_now())
    store.put_link_decision(decision)
    store.put_link_decision(replace(decision, decision="accepted"))
    assert [d.decision for d in store.link_decisions(["r1"])] == ["accepted"]
    store.move_link_decisions({"p-old": "p-new"})
    assert [d.entity_id for d in store.link_decisions()] == ["p-new"]


@pytest.mark.postgres
def test_a_version_2_postgres_database_migrates_and_its_records_get_version_1(
    postgres_url: str, make_record: Callable[..., Record]
) -> None:
    from fonds.store import migrations

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        migrations.upgrade(conn, where="test", target=2)
        conn.execute("INSERT INTO records (id, data, hash, seq, at) VALUES ('old', %s, 'h', 1, '2020-01-01T00:00:00Z')",
                     ('{"id": "old", "title": "Old"}',))
    store = open_store(postgres_url)
    try:
        assert [(v.number, v.agent, v.at) for v in store.versions("old")] == [(1, "before versions", "2020-01-01T00:00:00Z")]
        assert store.get_version("old", 1).record.title == "Old"
    finally:
        store.close()


def test_an_older_sqlite_file_gets_version_1_for_its_records(tmp_path: object, make_record: Callable[..., Record]) -> None:
    import sqlite3
    from pathlib import Path

    path = Path(str(tmp_path)) / "old.db"
    store = open_store(str(path))
    store.add([make_record("r1")])
    store.close()
    with sqlite3.connect(path) as db:  # as a fonds from before versions left it
        db.execute("DROP TABLE record_versions")
    reopened = open_store(str(path))
    try:
        assert [v.number for v in reopened.versions("r1")] == [1]
        assert reopened.get_version("r1", 1).record == make_record("r1")
    finally:
        reopened.close()


def test_the_staff_pages_work_on_each_store(store: Store, store_url: str, tmp_path: object,
                                            make_record: Callable[..., Record]) -> None:
    """Log in, edit a title, see the diff, withdraw (410): over HTTP, on SQLite and on PostgreSQL."""
    import asyncio
    import re
    from pathlib import Path

    import httpx
    from argon2 import PasswordHasher

    from fonds import accounts
    from fonds.config import Settings
    from fonds.index import Index
    from fonds.web.app import create_app

    before = accounts._hasher
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    try:
        record = Record(id="r1", title="The old title", renditions=(Rendition("translation", "en", "Some text."),))
        store.add([record], agent="ingest r1.json")
        store.put_user(accounts.new_user("ana", "editor", "correct horse battery"))
        settings = Settings(db=store_url, index=str(Path(str(tmp_path)) / "index"))
        app = create_app(store, settings, Index(settings.index_path))

        async def journey() -> list[int]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                def token(html: str) -> str:
                    found = re.search(r'name="csrf" value="([^"]*)"', html)
                    assert found
                    return found.group(1)

                login = await client.get("/staff/login")
                statuses = [(await client.post("/staff/login", data={
                    "name": "ana", "password": "correct horse battery", "csrf": token(login.text)})).status_code]
                form = await client.get("/staff/records/r1/edit")
                fields = dict(re.findall(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', form.text))
                fields.update(re.findall(r'name="(text-\d+|summary|citation|credits)" rows="\d+" cols="\d+"[^>]*>(.*?)</textarea>',
                                         form.text, re.S))
                import html as html_module

                fields = {k: html_module.unescape(v) for k, v in fields.items()}
                fields.update(title="The corrected title", csrf=token(form.text))
                statuses.append((await client.post("/staff/records/r1/edit", data=fields)).status_code)
                history = await client.get("/records/r1/history")
                assert "<del>old</del><ins>corrected</ins>" in history.text
                statuses.append(history.status_code)
                withdraw = {"reason": "duplicate", "csrf": token(form.text)}
                statuses.append((await client.post("/staff/records/r1/withdraw", data=withdraw)).status_code)
                statuses.append((await client.get("/records/r1")).status_code)
                return statuses

        assert asyncio.run(journey()) == [303, 303, 200, 303, 410]
        assert [v.agent for v in store.versions("r1")] == ["ingest r1.json", "user ana", "user ana"]
        assert store.get_version("r1", 2).record.title == "The corrected title"
    finally:
        accounts.use_hasher(before)
