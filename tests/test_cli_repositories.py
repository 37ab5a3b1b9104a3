"""`fonds repository list|show|add|edit|merge|split`: the repository authority at the shell; `fonds repair`
finishes a re-pointing cut short."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result

from fonds.cli import main
from fonds.record import Source
from fonds.repository_edits import REPOINT
from fonds.store import open_store

WCDA = "wcda-110485"
RGANI = "Russian State Archive of Contemporary History"


@pytest.fixture
def db(tmp_path: Path, corpus: Path) -> str:
    """The Wilson Center record, held by RGANI."""
    path = str(tmp_path / "fonds.db")
    assert CliRunner().invoke(main, ["--db", path, "ingest", str(corpus / "wilson-center")]).exit_code == 0
    with open_store(path) as store:
        record = store.get(WCDA)
        store.add([replace(record, source=Source(citation="РГАНИ, ф. 5", repository=RGANI, repository_code="РГАНИ",
                                                 repository_printed="РГАНИ", reference={"fond": "5"}))])
    return path


@pytest.fixture
def run(db: str) -> Callable[..., Result]:
    def invoke(*args: str, **kwargs: Any) -> Result:
        return CliRunner().invoke(main, ["--db", db, *args], **kwargs)

    return invoke


def test_list_show_edit_and_merge(run: Callable[..., Result], db: str) -> None:
    listed = run("repository", "list")
    assert listed.exit_code == 0 and "repo:GARF" in listed.output and RGANI in listed.output
    shown = run("repository", "show", "repo:RGANI")
    assert shown.exit_code == 0 and "form:  РГАНИ" in shown.output
    edited = run("repository", "edit", "repo:RGANI", "--place", "Moscow, Ilyinka 12")
    assert edited.exit_code == 0 and "0 records re-pointed" in edited.output  # the name did not change
    assert "Moscow, Ilyinka 12" in run("repository", "show", "repo:RGANI").output
    merged = run("repository", "merge", "repo:RGANI", "repo:GARF")
    assert merged.exit_code == 0 and "1 records re-pointed" in merged.output, merged.output
    data = json.loads(run("repository", "list", "--json").output)
    assert data["merged"] == {"repo:RGANI": "repo:GARF"}
    history = json.loads(run("history", WCDA, "--json").output)
    assert history[-1]["note"] == "merge repository repo:RGANI into repo:GARF" and history[-1]["by"].startswith("cli ")
    shown = run("show", WCDA).output
    assert "State Archive of the Russian Federation" in shown
    twice = run("repository", "merge", "repo:GARF", "repo:GARF")
    assert twice.exit_code == 1 and twice.output.strip() == "fonds: repository repo:GARF: a repository cannot be merged into itself"
    into_merged = run("repository", "merge", "repo:AVPRF", "repo:RGANI")
    assert into_merged.exit_code == 1 and "merge into that one" in into_merged.output
    unknown = run("repository", "show", "repo:NOPE")
    assert unknown.exit_code == 1 and "there is no repository 'repo:NOPE'" in unknown.output


def test_repair_finishes_a_repointing_cut_short(run: Callable[..., Result], db: str) -> None:
    with open_store(db) as store:  # as a merge killed after storing the authority entries leaves it
        from fonds.repository_edits import merge_repositories

        merge_repositories(store, "repo:RGANI", "repo:GARF", agent="user ed")
        store.add([replace(store.get(WCDA), source=Source(citation="RGANI", repository=RGANI, repository_code="RGANI"))])
        store.set_pending(REPOINT, json.dumps({"after": "", "agent": "user ed", "note": "merge repository repo:RGANI into repo:GARF"}))
    check = run("check")
    assert "repoint repositories" in check.output
    repaired = run("repair")
    assert repaired.exit_code == 0, repaired.output
    with open_store(db) as store:
        assert store.get(WCDA).source.repository == "State Archive of the Russian Federation"
        assert REPOINT not in store.pending()


def test_add_one_of_the_archives_own_repositories(run: Callable[..., Result], db: str) -> None:
    with open_store(db) as store:
        record = store.get(WCDA)
        store.add([replace(record, source=Source(citation="ДАКО, ф. 1", repository="ДАКО", reference={"fond": "1"}))])
    added = run("repository", "add", "GAKO", "State Archive of the Kyiv Oblast", "--place", "Kyiv", "--form", "ДАКО")
    assert added.exit_code == 0 and "added repo:GAKO: 1 records re-pointed" in added.output, added.output
    with open_store(db) as store:
        source = store.get(WCDA).source
        assert (source.repository, source.repository_printed) == ("State Archive of the Kyiv Oblast", "ДАКО")
    again = run("repository", "add", "GARF", "Another")
    assert again.exit_code == 1 and "is already repository repo:GARF" in again.output
    named = run("repository", "add", "XYZ", "State Archive of the Russian Federation")
    assert named.exit_code == 1 and "already repository repo:GARF" in named.output
    assert run("repository", "add", "", "Nameless").exit_code == 1


def test_split_undoes_a_merge_and_refuses_what_was_never_merged(run: Callable[..., Result], db: str) -> None:
    assert run("repository", "merge", "repo:RGANI", "repo:GARF").exit_code == 0
    shown = run("repository", "show", "repo:GARF")
    assert "merged into it: repo:RGANI" in shown.output, shown.output
    split = run("repository", "split", "GARF", "repo:RGANI")
    assert split.exit_code == 0 and "split repo:RGANI out of repo:GARF: 1 records re-pointed" in split.output, split.output
    with open_store(db) as store:
        source = store.get(WCDA).source
        # the merge wrote GARF over the printed code; the split gives back the repository's own code
        assert (source.repository, source.repository_printed, source.repository_code) == (RGANI, "РГАНИ", "RGANI")
        assert store.versions(WCDA)[-1].note == "split repository repo:RGANI out of repo:GARF"
        assert any(a.action == "split repository" for a in store.audit_log())
    assert "merged into it" not in run("repository", "show", "repo:GARF").output
    assert run("repository", "show", "repo:RGANI").exit_code == 0  # its own page again, no redirect
    never = run("repository", "split", "repo:GARF", "repo:RGANI")
    assert never.exit_code == 1 and "was never merged into repo:GARF" in never.output and "Traceback" not in never.output
    unknown = run("repository", "split", "repo:NOPE", "repo:RGANI")
    assert unknown.exit_code == 1 and "no repository 'repo:NOPE'" in unknown.output


@pytest.mark.parametrize("code", ["''", "<b>", "X-", "GA KO!", "_X"])
def test_a_code_that_is_not_one_is_refused_as_the_message_says(run: Callable[..., Result], code: str) -> None:
    """The rule said "letters, digits, spaces" and took `''` and `<b>` as a code."""
    added = run("repository", "add", "--", code, "State Archive of Somewhere")
    assert added.exit_code == 1 and "letters, digits, spaces and . - / & ( )" in added.output, added.output
    edited = run("repository", "edit", "repo:AVPRF", f"--code={code}")
    assert edited.exit_code == 1 and f"code {code[:40]!r} is not a code" in edited.output, edited.output
    assert "repo:AVPRF" in run("repository", "show", "repo:AVPRF").output


@pytest.mark.parametrize("code", ["GAKO", "SAPMO-BArch", "RG 59", "NARA (RG 59)", "F. 5"])
def test_codes_as_citations_print_them_are_taken(run: Callable[..., Result], code: str) -> None:
    edited = run("repository", "edit", "repo:AVPRF", "--code", code)
    assert edited.exit_code == 0, edited.output


@pytest.mark.parametrize("name", ["State\u202eevihcrA", "State\u200bArchive", "State Archive\x1b[31m"])
def test_a_name_that_shows_deceptively_is_refused_in_every_field(run: Callable[..., Result], name: str) -> None:
    """A bidi override in a repository name showed reversed in the Repository facet and lists."""
    added = run("repository", "add", "GAXX", name)
    assert added.exit_code == 1 and "name: holds" in added.output and "remove it" in added.output, added.output
    for option in ("--name", "--place", "--form"):
        edited = run("repository", "edit", "repo:AVPRF", f"{option}={name}")
        assert edited.exit_code == 1 and "remove it" in edited.output, (option, edited.output)
    assert "repo:GAXX" not in run("repository", "list").output
    shown = run("repository", "show", "repo:AVPRF").output
    assert "\u202e" not in shown and "\u200b" not in shown and "\x1b" not in shown
