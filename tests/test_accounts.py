"""Accounts: roles, argon2 hashes, the login lock (fonds.accounts)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from argon2 import PasswordHasher

from fonds import accounts
from fonds.store.sqlite import SQLiteStore

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    before = accounts._hasher
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    opened = SQLiteStore(tmp_path / "fonds.db")
    yield opened
    opened.close()
    accounts.use_hasher(before)


def test_the_production_hash_is_argon2id_and_never_the_password() -> None:
    digest = PasswordHasher().hash(PASSWORD)  # the parameters fonds uses by default
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in digest
    assert accounts.password_matches(digest, PASSWORD) and not accounts.password_matches(digest, PASSWORD + "!")
    assert not accounts.password_matches("not a hash", PASSWORD)


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("ana", "editor", "short", "too short"),
    ("ana", "reader", PASSWORD, "not a staff role"),
    ("ana", "owner", PASSWORD, "not a staff role"),
    ("<ana>", "editor", PASSWORD, "is not allowed"),
    ("", "editor", PASSWORD, "is not allowed"),
])
def test_bad_names_roles_and_passwords_are_refused(name: str, role: str, password: str, message: str) -> None:
    with pytest.raises(accounts.AccountError, match=message):
        accounts.new_user(name, role, password)


def test_roles_are_ordered() -> None:
    editor = accounts.new_user("ana", "editor", PASSWORD)
    assert accounts.can(editor, "contributor") and accounts.can(editor, "editor") and not accounts.can(editor, "admin")
    assert accounts.can(None, "reader") and not accounts.can(None, "contributor")
    with pytest.raises(accounts.Forbidden):
        accounts.require(None, "contributor")


def test_ten_failures_lock_the_account_and_success_clears_the_count(store: SQLiteStore) -> None:
    store.put_user(accounts.new_user("ana", "editor", PASSWORD))
    for _ in range(3):
        with pytest.raises(accounts.LoginFailed):
            accounts.authenticate(store, "ana", "wrong password")
    assert accounts.authenticate(store, "ana", PASSWORD).name == "ana"
    user = store.get_user("ana")
    assert user is not None and user.failed == 0
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(accounts.LoginFailed):
            accounts.authenticate(store, "ana", "wrong password")
    with pytest.raises(accounts.LockedOut):
        accounts.authenticate(store, "ana", "wrong password")
    with pytest.raises(accounts.LockedOut, match="locked until"):
        accounts.authenticate(store, "ana", PASSWORD)


def test_an_unknown_name_fails_like_a_wrong_password(store: SQLiteStore) -> None:
    with pytest.raises(accounts.LoginFailed) as unknown:
        accounts.authenticate(store, "nobody", PASSWORD)
    store.put_user(accounts.new_user("ana", "editor", PASSWORD))
    with pytest.raises(accounts.LoginFailed) as wrong:
        accounts.authenticate(store, "ana", "wrong password")
    assert str(unknown.value) == str(wrong.value)
