"""Editing and merging repositories (fonds/repository_edits.py) on SQLite and PostgreSQL: records
re-pointed with a version each, old names and codes still resolve, merges refuse loops, an
interrupted re-pointing resumes."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Callable

import pytest

from fonds.errors import NotFound
from fonds.record import Record, Source
from fonds.repositories import Repositories
from fonds.repository_edits import REPOINT, RepositoryEditError, edit_repository, merge_repositories
from fonds.store.base import Store

GARF = "State Archive of the Russian Federation"
RGANI = "Russian State Archive of Contemporary History"


@pytest.fixture
def held(make_record: Callable[..., Record]) -> Callable[..., Record]:
    """A record held by a repository as ingest leaves it (the authority's name, the code as printed)."""
    def build(record_id: str, name: str, code: str | None) -> Record:
        return replace(make_record(record_id), source=Source(citation=f"{code or name}, f. 5", repository=name,
                                                              repository_code=code, reference={"fond": "5"}))
    return build


def test_merging_repoints_every_record_with_a_version_and_keeps_old_forms(
    store: Store, held: Callable[..., Record]
) -> None:
    store.add([held("g1", GARF, "GARF"), held("r1", RGANI, "RGANI"), held("r2", RGANI, None),
               held("x1", "Some Other Archive", None)], agent="ingest a.txt")
    changed = merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")
    assert changed == 2
    for record_id in ("r1", "r2"):
        record = store.get(record_id)
        assert record.source.repository == GARF and record.source.repository_printed == RGANI
        last = store.versions(record_id)[-1]
        assert (last.number, last.agent, last.note) == (2, "user ed", "merge repository repo:RGANI into repo:GARF")
    assert store.get("r1").source.repository_code == "GARF"  # the merged one's code is retired
    assert len(store.versions("g1")) == 1 and len(store.versions("x1")) == 1
    authority = Repositories.of(store)
    assert "repo:RGANI" not in authority.entries and authority.current_id("repo:RGANI") == "repo:GARF"
    for form in ("RGANI", "РГАНИ", RGANI):
        assert authority.resolve(form).id == "repo:GARF"  # type: ignore[union-attr]
    assert authority.retired(RGANI).id == "repo:GARF"  # type: ignore[union-attr]
    assert authority.retired(GARF) is None
    again = merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")  # finishing a merge changes nothing
    assert again == 0 and len(store.versions("r1")) == 2


def test_merges_that_make_no_sense_are_refused(store: Store, held: Callable[..., Record]) -> None:
    store.add([held("r1", RGANI, "RGANI")])
    with pytest.raises(RepositoryEditError, match="cannot be merged into itself"):
        merge_repositories(store, "repo:GARF", "repo:GARF", agent="user ed")
    with pytest.raises(NotFound, match="no repository 'repo:NOPE'"):
        merge_repositories(store, "repo:RGANI", "repo:NOPE", agent="user ed")
    merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")
    with pytest.raises(RepositoryEditError, match="repo:RGANI was merged into repo:GARF already; merge into that one"):
        merge_repositories(store, "repo:AVPRF", "repo:RGANI", agent="user ed")
    with pytest.raises(RepositoryEditError, match="was merged into repo:GARF already"):
        merge_repositories(store, "repo:RGANI", "repo:AVPRF", agent="user ed")
    with pytest.raises(RepositoryEditError, match="repo:RGANI was merged into repo:GARF already: they are one repository"):
        merge_repositories(store, "repo:GARF", "repo:RGANI", agent="user ed")
    with pytest.raises(RepositoryEditError, match="edit that one"):
        edit_repository(store, "repo:RGANI", name="x", code="", place="", forms="", agent="user ed")
    merge_repositories(store, "GARF", "АВП РФ", agent="user ed")  # by code or name; a chain: RGANI -> GARF -> AVPRF
    authority = Repositories.of(store)
    assert authority.current_id("repo:RGANI") == "repo:AVPRF"
    assert store.get("r1").source.repository == "Archive of the Foreign Policy of the Russian Federation"


def test_editing_renames_every_record_and_the_old_name_and_code_still_resolve(
    store: Store, held: Callable[..., Record]
) -> None:
    store.add([held("g1", GARF, "GARF"), held("g2", GARF, None)])
    changed = edit_repository(store, "repo:GARF", name="State Archive of the Russian Federation (GARF)", code="GA RF",
                              place="Moscow, Bolshaya Pirogovskaya 17", forms="ГАРФ\nGosudarstvennyi arkhiv RF",
                              agent="user ed")
    assert changed == 2
    g1 = store.get("g1")
    assert g1.source.repository == "State Archive of the Russian Federation (GARF)" and g1.source.repository_code == "GA RF"
    assert store.versions("g1")[-1].note == "repository repo:GARF edited"
    authority = Repositories.of(store)
    entry = authority.entries["repo:GARF"]
    assert entry.description == "Moscow, Bolshaya Pirogovskaya 17"
    for form in (GARF, "GARF", "ГАРФ", "Gosudarstvennyi arkhiv RF"):
        assert authority.resolve(form).id == "repo:GARF"  # type: ignore[union-attr]
    with pytest.raises(RepositoryEditError, match="needs a name"):
        edit_repository(store, "repo:GARF", name="  ", code="", place="", forms="", agent="user ed")
    with pytest.raises(RepositoryEditError, match="already a form of repo:RGANI"):
        edit_repository(store, "repo:GARF", name="РГАНИ", code="", place="", forms="", agent="user ed")
    with pytest.raises(RepositoryEditError, match="NUL"):
        edit_repository(store, "repo:GARF", name="A\x00B", code="", place="", forms="", agent="user ed")
    with pytest.raises(RepositoryEditError, match="more than a repository has"):
        edit_repository(store, "repo:GARF", name="GARF", code="", place="", forms="\n".join(f"f{n}" for n in range(101)),
                        agent="user ed")
    with pytest.raises(RepositoryEditError, match="control character \\(U\\+0001\\)"):
        edit_repository(store, "repo:GARF", name="A\x01B", code="", place="", forms="", agent="user ed")
    with pytest.raises(RepositoryEditError, match="other forms: hold a NUL"):
        edit_repository(store, "repo:GARF", name="GARF", code="", place="", forms="ok\nbad\x00", agent="user ed")
    with pytest.raises(RepositoryEditError, match="too long"):
        edit_repository(store, "repo:GARF", name="A" * 301, code="", place="", forms="", agent="user ed")


def test_an_interrupted_repointing_goes_on_from_where_it_stopped(store: Store, held: Callable[..., Record]) -> None:
    store.add([held(f"r{n:02}", RGANI, "RGANI") for n in range(7)])
    calls = {"n": 0}
    real_add = store.add

    def failing_add(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real_add(*args, **kwargs)  # type: ignore[arg-type]

    store.add = failing_add  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        _merge_in_batches(store)
    store.add = real_add  # type: ignore[method-assign]
    state = json.loads(store.pending()[REPOINT])
    assert state["after"] == "r03" and state["note"] == "merge repository repo:RGANI into repo:GARF"
    done = {r.id for r in store.iter_records() if r.source.repository == GARF}
    assert done == {"r00", "r01", "r02", "r03"}
    assert merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ann") == 3
    assert REPOINT not in store.pending()
    assert {r.source.repository for r in store.iter_records()} == {GARF}
    assert store.versions("r06")[-1].agent == "user ed"  # the interrupted run's agent and note


def _merge_in_batches(store: Store) -> None:
    import fonds.repository_edits as edits

    before = edits.BATCH
    edits.BATCH = 2
    try:
        merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")
    finally:
        edits.BATCH = before


def test_a_record_withdrawn_during_a_merge_follows_it_when_restored(store: Store, held: Callable[..., Record]) -> None:
    from fonds.repository_edits import follow_repositories

    store.add([held("r1", RGANI, "RGANI"), held("r2", RGANI, "RGANI")])
    store.withdraw("r2", "rights", agent="user ed")
    assert merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed") == 1  # the live one only
    store.restore("r2", agent="user ed")
    assert store.get("r2").source.repository == RGANI  # as it was withdrawn
    assert follow_repositories(store, ["r2", "r1"], agent="user ed") == 1
    assert store.get("r2").source.repository == GARF and store.get("r2").source.repository_code == "GARF"


def test_splitting_undoes_a_merge_and_repoints_the_records_back(store: Store, held: Callable[..., Record]) -> None:
    from fonds.repository_edits import merged_into, split_repository

    store.add([held("g1", GARF, "GARF"), held("r1", RGANI, "RGANI"), held("r2", "РГАНИ", None)], agent="ingest a.txt")
    merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")
    assert store.get("r2").source.repository == GARF
    assert merged_into(Repositories.of(store), "repo:GARF") == [("repo:RGANI", RGANI)]
    changed = split_repository(store, "repo:GARF", "repo:RGANI", agent="user ann")
    assert changed == 2
    r1, r2 = store.get("r1"), store.get("r2")
    assert (r1.source.repository, r1.source.repository_printed, r1.source.repository_code) == (RGANI, None, "RGANI")
    assert (r2.source.repository, r2.source.repository_printed) == (RGANI, "РГАНИ")
    last = store.versions("r1")[-1]
    assert (last.number, last.agent, last.note) == (3, "user ann", "split repository repo:RGANI out of repo:GARF")
    assert len(store.versions("g1")) == 1 and store.get("g1").source.repository == GARF
    authority = Repositories.of(store)
    assert "repo:RGANI" in authority.entries and "repo:RGANI" not in authority.aliases  # no redirect any more
    assert authority.current_id("repo:RGANI") == "repo:RGANI"
    for form in ("RGANI", "РГАНИ", RGANI):
        assert authority.resolve(form).id == "repo:RGANI"  # type: ignore[union-attr]
    assert authority.retired(RGANI) is None and authority.retired("RGANI") is None
    garf = authority.entries["repo:GARF"]
    assert not [v for v in garf.variants if v.source == "repo:RGANI"]  # its retired forms moved back
    assert authority.entries["repo:RGANI"].description == "Moscow"  # a shipped one gets its place back
    assert merged_into(authority, "repo:GARF") == []
    merge_repositories(store, "RGANI", "GARF", agent="user ed")  # it can be merged again
    assert store.get("r1").source.repository == GARF


def test_an_archives_own_repository_splits_out_by_its_old_name_or_code(store: Store, held: Callable[..., Record]) -> None:
    from fonds.repository_edits import add_repository, split_repository

    add_repository(store, code="GAKO", name="State Archive of the Kyiv Oblast", place="Kyiv", forms="ДАКО",
                   agent="user ed")
    store.add([held("k1", "ДАКО", "GAKO")])
    merge_repositories(store, "repo:GAKO", "repo:GARF", agent="user ed")
    assert store.get("k1").source.repository_code == "GARF"
    assert split_repository(store, "GARF", "GAKO", agent="user ed") == 1  # by code; kept by code too
    k1 = store.get("k1")
    assert (k1.source.repository, k1.source.repository_printed, k1.source.repository_code) == (
        "State Archive of the Kyiv Oblast", "ДАКО", "GAKO")
    assert Repositories.of(store).resolve("ДАКО").id == "repo:GAKO"  # type: ignore[union-attr]


def test_splits_that_make_no_sense_are_refused(store: Store, held: Callable[..., Record]) -> None:
    from fonds.repository_edits import split_repository

    store.add([held("r1", RGANI, "RGANI")])
    with pytest.raises(RepositoryEditError, match="repo:RGANI was never merged into repo:GARF"):
        split_repository(store, "repo:GARF", "repo:RGANI", agent="user ed")
    with pytest.raises(NotFound, match="no repository 'repo:NOPE'"):
        split_repository(store, "repo:NOPE", "repo:RGANI", agent="user ed")
    with pytest.raises(NotFound, match="no repository 'repo:NOPE' merged into repo:GARF"):
        split_repository(store, "repo:GARF", "repo:NOPE", agent="user ed")
    merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")
    with pytest.raises(RepositoryEditError, match="merged into repo:GARF, not into repo:AVPRF"):
        split_repository(store, "repo:AVPRF", "repo:RGANI", agent="user ed")
    merge_repositories(store, "repo:GARF", "repo:AVPRF", agent="user ed")
    with pytest.raises(RepositoryEditError, match="repo:GARF was itself merged into repo:AVPRF"):
        split_repository(store, "repo:GARF", "repo:RGANI", agent="user ed")
    assert store.get("r1").source.repository == "Archive of the Foreign Policy of the Russian Federation"
    assert len(store.versions("r1")) == 3  # nothing stored by the refusals


def test_an_interrupted_split_goes_on_from_where_it_stopped(store: Store, held: Callable[..., Record]) -> None:
    import fonds.repository_edits as edits

    store.add([held(f"r{n:02}", RGANI, "RGANI") for n in range(5)])
    merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")
    real_add = store.add
    calls = {"n": 0}

    def failing_add(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed")
        return real_add(*args, **kwargs)  # type: ignore[arg-type]

    store.add = failing_add  # type: ignore[method-assign]
    before, edits.BATCH = edits.BATCH, 2
    try:
        with pytest.raises(KeyboardInterrupt):
            edits.split_repository(store, "repo:GARF", "repo:RGANI", agent="user ed")
    finally:
        edits.BATCH = before
        store.add = real_add  # type: ignore[method-assign]
    assert json.loads(store.pending()[REPOINT])["note"] == "split repository repo:RGANI out of repo:GARF"
    assert edits.split_repository(store, "repo:GARF", "repo:RGANI", agent="user ann") == 3
    assert REPOINT not in store.pending()
    assert {(r.source.repository, r.source.repository_code) for r in store.iter_records()} == {(RGANI, "RGANI")}
    assert store.versions("r04")[-1].note == "split repository repo:RGANI out of repo:GARF"
