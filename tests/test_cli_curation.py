"""`fonds user`, `fonds history`, `fonds show --version`, `fonds withdraw` and `fonds restore`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result

from fonds import accounts
from fonds.cli import main

WCDA = "wcda-110485"


@pytest.fixture(autouse=True)
def cheap_hashes() -> Iterator[None]:
    before = accounts._hasher
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    accounts.use_hasher(before)


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., Result]:
    db = str(tmp_path / "fonds.db")

    def invoke(*args: str, **kwargs: Any) -> Result:
        return CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False, **kwargs)

    return invoke


def test_user_add_list_set_role_and_disable(run: Callable[..., Result], tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    added = run("user", "add", "ana", "--role", "editor", "--password-file", str(secret))
    assert added.exit_code == 0 and "added ana (editor)" in added.output
    prompted = run("user", "add", "bob", "--role", "contributor", input="another good one\nanother good one\n")
    assert prompted.exit_code == 0, prompted.output
    assert run("user", "set-role", "bob", "admin").exit_code == 0
    assert run("user", "disable", "ana").exit_code == 0
    listed = json.loads(run("user", "list", "--json").output)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("ana", "editor", True), ("bob", "admin", False)]
    assert "hash" not in json.dumps(listed) and "argon2" not in run("user", "list").output


def test_user_errors_are_one_line(run: Callable[..., Result], tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("short\n", encoding="utf-8")
    result = run("user", "add", "ana", "--password-file", str(secret))
    assert result.exit_code == 1 and result.output.strip() == "fonds: the password is too short; use at least 10 characters"
    missing = run("user", "set-role", "nobody", "editor")
    assert missing.exit_code == 1 and "there is no account 'nobody'" in missing.output


@pytest.mark.parametrize("look_alike", ["Ana", "ANA", "anA"])
def test_a_new_account_differing_from_another_only_in_case_is_refused(run: Callable[..., Result], tmp_path: Path,
                                                                        look_alike: str) -> None:
    secret = tmp_path / "pw"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    assert run("user", "add", "ana", "--role", "contributor", "--password-file", str(secret)).exit_code == 0
    result = run("user", "add", look_alike, "--role", "admin", "--password-file", str(secret))
    assert result.exit_code == 1
    assert result.output.strip().startswith(f"fonds: account name {look_alike!r} differs from the account 'ana' only in case")
    listed = json.loads(run("user", "list", "--json").output)
    assert [(u["name"], u["role"]) for u in listed] == [("ana", "contributor")]
    again = run("user", "add", "ana", "--role", "editor", "--password-file", str(secret))  # the account itself: updated
    assert again.exit_code == 0 and "updated ana (editor)" in again.output


def test_history_show_version_withdraw_and_restore(run: Callable[..., Result], corpus: Path) -> None:
    assert run("ingest", str(corpus / "wilson-center")).exit_code == 0
    withdrawn = run("withdraw", WCDA, "--reason", "rights not cleared")
    assert withdrawn.exit_code == 0 and withdrawn.output.startswith(f"withdrew {WCDA}")
    assert run("show", WCDA).exit_code == 1
    again = run("withdraw", WCDA, "--reason", "twice")
    assert again.exit_code == 1 and "is withdrawn already (rights not cleared)" in again.output
    assert run("restore", WCDA, "--note", "cleared").output.startswith(f"restored {WCDA} as version 3")
    versions = json.loads(run("history", WCDA, "--json").output)
    assert [(v["number"], v["kind"]) for v in versions] == [(1, "change"), (2, "withdrawn"), (3, "change")]
    assert versions[0]["by"] == "ingest 110485.txt" and versions[1]["note"] == "rights not cleared"
    shown = json.loads(run("show", WCDA, "--version", "1", "--json").output)
    assert shown["id"] == WCDA
    missing = run("show", WCDA, "--version", "9")
    assert missing.exit_code == 1 and "has no version 9" in missing.output
    assert "no field a reader sees differs" in run("history", WCDA, "--diff", "1", "3").output


@pytest.mark.parametrize("name", ["ana\n", "ana\u202e", "an\u200ba"])
def test_an_account_name_with_a_line_feed_or_an_invisible_character_is_refused(run: Callable[..., Result],
                                                                              tmp_path: Path, name: str) -> None:
    """`$` in the name rule let "ana\\n" through: the account list broke across lines."""
    secret = tmp_path / "pw"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    result = run("user", "add", name, "--role", "editor", "--password-file", str(secret))
    assert result.exit_code == 1 and "is not allowed" in result.output
    assert json.loads(run("user", "list", "--json").output) == []


@pytest.mark.parametrize("reason", ["duplicate\x1b]0;pwned\x07", "duplicate \u202eetacilpud", "dup\u200blicate"])
def test_a_withdrawal_reason_that_would_show_deceptively_is_refused_and_nothing_changes(
    run: Callable[..., Result], corpus: Path, reason: str
) -> None:
    """An ESC in a note is a terminal escape when `fonds history` prints it."""
    assert run("ingest", str(corpus / "wilson-center")).exit_code == 0
    result = run("withdraw", WCDA, "--reason", reason)
    assert result.exit_code == 1 and "remove it" in result.output
    assert run("show", WCDA).exit_code == 0
