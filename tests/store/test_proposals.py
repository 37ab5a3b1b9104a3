"""Contributors' proposals in the store and their rules (fonds/proposals.py), on SQLite and
PostgreSQL: kept apart from the record, accepted as a version naming both people, a later change
never undone, two editors accepting at once make one version, the schema upgrade of older files."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Callable

import psycopg
import pytest

from fonds import proposals
from fonds.editing import EditError, EditForm
from fonds.errors import NotFound
from fonds.record import Record
from fonds.store import open_store
from fonds.store.base import Store


@pytest.fixture
def make_record(make_record: Callable[..., Record]) -> Callable[..., Record]:
    """The shared test record without its NUL-holding note (an edit refuses what XML cannot carry)."""
    def build(record_id: str, generation: int = 0) -> Record:
        record = make_record(record_id, generation)
        return replace(record, renditions=(replace(record.renditions[0], notes=()), *record.renditions[1:]))
    return build


def form(record: Record, **values: str) -> EditForm:
    start = EditForm.of(record)
    return EditForm({**start.values, **values}, start.texts)


def test_a_proposal_is_kept_apart_and_accepted_as_a_version_naming_both(
    store: Store, make_record: Callable[..., Record]
) -> None:
    record = make_record("r1")
    store.add([record], agent="ingest a.txt")
    number = proposals.propose(store, "r1", form(record, title="A better title"), note="the title was wrong",
                               proposer="con")
    assert store.get("r1") == record and len(store.versions("r1")) == 1
    kept = store.get_proposal(number)
    assert (kept.base, kept.status, kept.proposer, kept.record.title) == (1, "open", "con", "A better title")
    assert [p.id for p in store.proposals(proposer="con")] == [number] and store.proposals(proposer="ed") == []
    assert store.proposals()[0].data == {}  # a list carries no proposed records (a queue of long documents stays small)
    version = proposals.accept(store, number, by="user ed", reason="checked against the scan")
    assert version == 2 and store.get("r1").title == "A better title"
    made = store.versions("r1")[-1]
    assert made.agent == "user con, accepted by user ed" and "the title was wrong" in made.note
    decided = store.get_proposal(number)
    assert (decided.status, decided.version, decided.reason) == ("accepted", 2, "checked against the scan")
    assert store.proposals(status="open") == [] and store.proposals(status="accepted")[0].id == number
    with pytest.raises(proposals.ProposalError, match="was accepted"):
        proposals.accept(store, number, by="user ed")
    actions = [a.action for a in store.audit_log()]
    assert "propose" in actions and "accept proposal" in actions


def test_accepting_a_stale_proposal_keeps_the_other_change_and_refuses_a_conflict(
    store: Store, make_record: Callable[..., Record]
) -> None:
    record = make_record("r1")
    store.add([record])
    title_fix = proposals.propose(store, "r1", form(record, title="Title fixed"), note="", proposer="con")
    type_fix = proposals.propose(store, "r1", form(record, type="Letter"), note="", proposer="con")
    store.add([replace(record, type="Telegram", summary="Written later")], agent="user ed")
    seen = proposals.preview(store, store.get_proposal(title_fix))
    assert seen.is_stale and seen.current_number == 2 and [c.field for c in seen.against_current] == ["Title"]
    proposals.accept(store, title_fix, by="user ed")
    now = store.get("r1")
    assert (now.title, now.type, now.summary) == ("Title fixed", "Telegram", "Written later")
    conflict = proposals.preview(store, store.get_proposal(type_fix))
    assert conflict.result is None and conflict.conflicts == ("type",)
    with pytest.raises(proposals.ProposalError, match=r"same fields as the proposal \(type\)"):
        proposals.accept(store, type_fix, by="user ed")
    assert store.get("r1").type == "Telegram" and store.get_proposal(type_fix).status == "open"
    proposals.reject(store, type_fix, by="user ed", reason="the type was settled")
    assert store.get_proposal(type_fix).status == "rejected"


def test_a_text_change_in_a_proposal_merges_with_a_later_title_change(
    store: Store, make_record: Callable[..., Record]
) -> None:
    record = make_record("r1")
    store.add([record])
    start = EditForm.of(record)
    text = start.texts[0].replace("paid a visit", "paid a short visit")
    number = proposals.propose(store, "r1", EditForm(start.values, (text, *start.texts[1:])), note="", proposer="con")
    store.add([replace(record, title="Retitled by an editor")])
    proposals.accept(store, number, by="user ed")
    now = store.get("r1")
    assert now.title == "Retitled by an editor" and "paid a short visit" in now.renditions[0].text


def test_proposals_are_checked_as_edits_and_bad_ones_keep_nothing(store: Store, make_record: Callable[..., Record]) -> None:
    record = make_record("r1")
    store.add([record])
    with pytest.raises(EditError, match="title: a record needs a title"):
        proposals.propose(store, "r1", form(record, title=""), note="", proposer="con")
    with pytest.raises(EditError, match="changes nothing"):
        proposals.propose(store, "r1", form(record), note="", proposer="con")
    with pytest.raises(EditError, match="note: holds a NUL"):
        proposals.propose(store, "r1", form(record, title="x"), note="a\x00b", proposer="con")
    with pytest.raises(EditError, match="shorten it"):
        proposals.propose(store, "r1", form(record, title="x"), note="n" * 2001, proposer="con")
    store.withdraw("r1", "rights", agent="user ed")
    with pytest.raises(NotFound):
        proposals.propose(store, "r1", form(record, title="x"), note="", proposer="con")
    assert store.proposals(status=None) == []


def test_two_editors_accepting_at_once_make_one_version(store: Store, make_record: Callable[..., Record]) -> None:
    record = make_record("r1")
    store.add([record])
    number = proposals.propose(store, "r1", form(record, title="Once"), note="", proposer="con")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def accept(editor: str) -> None:
        barrier.wait()
        try:
            proposals.accept(store, number, by=f"user {editor}")
            outcomes.append("accepted")
        except proposals.ProposalError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("ed", "ann")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "accepted" and outcomes.count("accepted") == 1, outcomes
    assert [v.number for v in store.versions("r1")] == [1, 2]


def test_a_claim_lets_only_one_agent_decide(store: Store, make_record: Callable[..., Record]) -> None:
    record = make_record("r1")
    store.add([record])
    number = proposals.propose(store, "r1", form(record, title="Claimed"), note="", proposer="con")
    assert store.claim_proposal(number, "user ed") and not store.claim_proposal(number, "user ann")
    assert not store.decide_proposal(number, status="rejected", agent="user ann", reason="no")
    assert not store.decide_proposal(number, status="accepted", agent="user ann", version=2)
    store.release_proposal(number, "user ed")
    assert store.get_proposal(number).status == "open" and store.claim_proposal(number, "user ann")


@pytest.mark.postgres
def test_a_version_5_postgres_database_gains_the_proposals_table(postgres_url: str) -> None:
    from fonds.store import migrations

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        migrations.upgrade(conn, where="test", target=5)
        assert migrations.schema_version(conn) == 5
    store = open_store(postgres_url)
    try:
        assert store.proposals(status=None) == []
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            assert migrations.schema_version(conn) == migrations.LATEST  # 6 and later
    finally:
        store.close()


def test_an_sqlite_file_from_before_proposals_gains_the_table(tmp_path: object, make_record: Callable[..., Record]) -> None:
    import sqlite3
    from pathlib import Path

    path = Path(str(tmp_path)) / "old.db"
    store = open_store(str(path))
    store.add([make_record("r1")])
    store.close()
    with sqlite3.connect(path) as db:  # as a fonds from before proposals left it
        db.execute("DROP TABLE proposals")
    reopened = open_store(str(path))
    try:
        record = reopened.get("r1")
        number = proposals.propose(reopened, "r1", form(record, title="After the upgrade"), note="", proposer="con")
        assert reopened.get_proposal(number).record.title == "After the upgrade"
    finally:
        reopened.close()


def test_a_write_expecting_another_version_stores_nothing(store: Store, make_record: Callable[..., Record]) -> None:
    from fonds.store.curation import VersionConflict

    record = make_record("r1")
    store.add([record, make_record("r2")])
    store.add([replace(record, title="Changed meanwhile")], agent="user ann")
    with pytest.raises(VersionConflict, match="version 2 now, you started from version 1"):
        with store.expecting_versions({"r1": 1}):
            store.add([replace(record, title="Mine"), replace(make_record("r2"), title="Also mine")], agent="user ed")
    assert store.get("r1").title == "Changed meanwhile" and store.get("r2") == make_record("r2")  # one transaction
    with store.expecting_versions({"r1": 2}):
        store.add([replace(record, title="Mine")], agent="user ed")
    assert store.get("r1").title == "Mine"
    store.add([replace(record, title="Outside the block")])  # no expectation outside it
