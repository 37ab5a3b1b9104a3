"""Staff accounts: roles, argon2 password hashes, and logging in with throttling.

There is no open registration: an admin adds accounts with `fonds user add`. Roles, from
least to most trusted (each can do what the ones before it can):

- reader: the public site (everyone, without an account);
- contributor: sees the staff pages, proposes edits (shown to editors, not published);
- editor: edits, withdraws and restores records, reviews links, closes correction reports;
- admin: also manages accounts.

Passwords are hashed with argon2id (argon2-cffi, RFC 9106 parameters). After
`MAX_FAILURES` wrong passwords in a row an account is locked for `LOCK_SECONDS`, even
against the right password; every attempt costs the same hashing time whether or not the
account exists, so timing does not tell names apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fonds.errors import FondsError
from fonds.store.base import Store
from fonds.store.curation import ROLES, User, utc_after, utc_now

MAX_FAILURES = 10
LOCK_SECONDS = 15 * 60
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}\Z")  # \Z: `$` would let "ed\n" through

_hasher = PasswordHasher()  # argon2id, RFC 9106's low-memory profile (t=3, m=64 MiB, p=4)
_dummy: dict[PasswordHasher, str] = {}


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash with other argon2 parameters from now on (tests use cheap ones; hashes already made still verify)."""
    global _hasher
    _hasher = hasher


def _dummy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name costs as much as a wrong password."""
    if _hasher not in _dummy:
        _dummy[_hasher] = _hasher.hash("not a password anyone has")
    return _dummy[_hasher]


class AccountError(FondsError):
    """A bad account name, role or password given to `fonds user` or the login form."""

    status = 400


class LoginFailed(FondsError):
    status = 401


class LockedOut(FondsError):
    status = 429


class Forbidden(FondsError):
    status = 403


def rank(role: str) -> int:
    """0 for reader up to 3 for admin; -1 for an unknown role."""
    return ROLES.index(role) if role in ROLES else -1


def can(user: User | None, role: str) -> bool:
    """True if the user holds `role` or a higher one (an absent or disabled user is a reader)."""
    if user is None or user.is_disabled:
        return rank(role) <= 0
    return rank(user.role) >= rank(role)


def require(user: User | None, role: str) -> User:
    """The user, if they hold `role`; raises Forbidden (403) otherwise."""
    if user is None or not can(user, role):
        raise Forbidden(f"this page is for staff with the {role} role or above; log in at /staff/login with such an account")
    return user


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise AccountError(
            f"account name {name[:80]!r} is not allowed; use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_new_name(name: str, taken: Iterable[str]) -> str:
    """A new account's name, refused when it differs from an existing account's only in case
    (`Ed` beside `ed`): the two would sign versions, proposals and the audit log alike. Raises
    AccountError naming the existing account."""
    for other in taken:
        if other != name and other.casefold() == name.casefold():
            raise AccountError(f"account name {name!r} differs from the account {other!r} only in case, and the two "
                               f"would sign the history alike; choose another name, or `fonds user add {other}` to "
                               "change that account")
    return name


def check_role(role: str) -> str:
    if role not in ROLES or role == "reader":
        raise AccountError(f"role {role!r} is not a staff role; use one of: {', '.join(ROLES[1:])}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short; use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password is too long; use at most {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    """An argon2id hash of the password, with its own salt and parameters."""
    return _hasher.hash(check_password(password))


def password_matches(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_user(name: str, role: str, password: str) -> User:
    """A User to store: name and role checked, password hashed."""
    return User(check_name(name), check_role(role), hash_password(password), False, utc_now())


def authenticate(store: Store, name: str, password: str) -> User:
    """The user, if the name and password are right and the account is neither disabled nor locked.

    Raises LockedOut (429) while the account is locked, LoginFailed (401) otherwise; a wrong
    password counts towards the lock.
    """
    user = store.get_user(name) if NAME.match(name) and len(password) <= MAX_PASSWORD else None
    if user is None:
        password_matches(_dummy_hash(), password)
        raise LoginFailed("that name and password do not match an account; check both and try again")
    if user.locked_until and user.locked_until > utc_now():
        raise LockedOut(
            f"too many wrong passwords: this account is locked until {user.locked_until}; "
            "wait, or ask an admin to set a new password"
        )
    if not password_matches(user.hash, password) or user.is_disabled:
        failed = store.note_login(name, ok=False, lock_after=MAX_FAILURES, lock_until=utc_after(LOCK_SECONDS))
        if failed >= MAX_FAILURES:  # this attempt locked it
            raise LockedOut(
                f"too many wrong passwords: this account is locked for {LOCK_SECONDS // 60} minutes"
            )
        raise LoginFailed("that name and password do not match an account; check both and try again")
    store.note_login(name, ok=True, lock_after=MAX_FAILURES, lock_until="")
    if _hasher.check_needs_rehash(user.hash):
        store.put_user(replace(user, hash=_hasher.hash(password), failed=0, locked_until=""))
    return user
