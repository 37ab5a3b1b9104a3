"""Staff sessions on the web: signed cookies, CSRF tokens and rate limits.

- A login makes a random session token; the store keeps only its SHA-256, with the user and
  an expiry, so logging out, disabling the account or a new secret ends it. The cookie
  (`fonds_staff`) carries the token signed with itsdangerous (HMAC-SHA1 over the store's
  session secret, or the `session_secret` setting), is `HttpOnly`, `SameSite=Lax`, and
  `Secure` when the archive is served over HTTPS.
- Every form carries a CSRF token. With a session it is an HMAC of the session token; the
  login and correction forms (no session) use a signed random value that must also come
  back in a short-lived cookie (`fonds_form`, the double-submit pattern, OWASP CSRF Cheat
  Sheet). A POST without the right token is refused with 403.
- Rate limits (login attempts per address, correction reports per address) are kept in
  memory per process; the per-account login lock is kept in the store (accounts.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from typing import Any, Callable, Mapping

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from fonds.accounts import Forbidden
from fonds.config import Settings
from fonds.errors import FondsError
from fonds.store.base import Store
from fonds.store.curation import User, utc_after

SESSION_COOKIE = "fonds_staff"
FORM_COOKIE = "fonds_form"
SESSION_SECONDS = 12 * 3600
FORM_SECONDS = 2 * 3600
MAX_FORM_BYTES = 8 * 1024 * 1024


class TooMany(FondsError):
    status = 429


class RateLimit:
    """At most `limit` events per `seconds` for each key (a client address), in memory."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False when it is over the limit."""
        now = time.monotonic()
        with self._lock:
            if len(self._events) > 10_000:
                self._events.clear()
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True


class Sessions:
    """What the staff side of one app needs: the signer, the store and the limits."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._secret: str | None = getattr(settings, "session_secret", "") or None
        self.logins = RateLimit(30, 15 * 60)  # attempts per address, whatever the name
        self.reports = RateLimit(5, 10 * 60)  # correction reports per address

    @property
    def secret(self) -> str:
        if self._secret is None:
            self._secret = self.store.site_secret()
        return self._secret

    def _signer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=salt)

    # -- sessions ----------------------------------------------------------------------------

    def user(self, request: Request) -> User | None:
        """The logged-in user of a request, or None (no cookie, a bad signature, an ended session)."""
        token = self._token(request)
        return self.store.session_user(_digest(token)) if token else None

    def _token(self, request: Request) -> str | None:
        cached: Any = getattr(request.state, "session_token", "unset")
        if cached != "unset":
            return str(cached) if cached else None
        raw = request.cookies.get(SESSION_COOKIE)
        token = None
        if raw and len(raw) < 512:
            try:
                token = str(self._signer("session").loads(raw, max_age=SESSION_SECONDS))
            except BadSignature:
                token = None
        request.state.session_token = token
        return token

    def start(self, request: Request, response: Response, user: User) -> None:
        """Log the user in: a new session in the store, its signed token in the cookie."""
        token = secrets.token_urlsafe(32)
        self.store.add_session(_digest(token), user.name, utc_after(SESSION_SECONDS))
        response.set_cookie(
            SESSION_COOKIE, self._signer("session").dumps(token), max_age=SESSION_SECONDS, path="/",
            httponly=True, samesite="lax", secure=self.is_https(request),
        )

    def end(self, request: Request, response: Response) -> None:
        token = self._token(request)
        if token:
            self.store.end_session(_digest(token))
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=self.is_https(request))

    def is_https(self, request: Request) -> bool:
        return request.url.scheme == "https" or self.settings.base_url.startswith("https://")

    # -- CSRF --------------------------------------------------------------------------------

    def csrf_token(self, request: Request) -> str:
        """The token a form of this request's page must send back."""
        token = self._token(request)
        if token:
            return hmac.new(self.secret.encode(), b"csrf:" + token.encode(), hashlib.sha256).hexdigest()
        value: str | None = getattr(request.state, "form_value", None)
        if value is None:
            value = self._form_value(request) or secrets.token_urlsafe(24)
            request.state.form_value = value
        return str(self._signer("form").dumps(value))

    def _form_value(self, request: Request) -> str | None:
        raw = request.cookies.get(FORM_COOKIE)
        if not raw or len(raw) > 512:
            return None
        try:
            return str(self._signer("form-cookie").loads(raw, max_age=FORM_SECONDS))
        except BadSignature:
            return None

    def remember_form(self, request: Request, response: Response) -> None:
        """Set the double-submit cookie for a page with a form and no session."""
        value = getattr(request.state, "form_value", None)
        if value and not self._token(request):
            response.set_cookie(FORM_COOKIE, self._signer("form-cookie").dumps(value), max_age=FORM_SECONDS,
                                path="/", httponly=True, samesite="lax", secure=self.is_https(request))

    def check_csrf(self, request: Request, form: Mapping[str, str]) -> None:
        """Raise Forbidden unless the form carries this request's CSRF token."""
        sent = form.get("csrf", "")
        token = self._token(request)
        if token:
            if hmac.compare_digest(sent, self.csrf_token(request)):
                return
        else:
            cookie = self._form_value(request)
            try:
                value = self._signer("form").loads(sent, max_age=FORM_SECONDS) if sent else None
            except BadSignature:
                value = None
            if cookie and value and hmac.compare_digest(str(value), cookie):
                return
        raise Forbidden("the form's security token is missing or out of date; reload the page and send it again")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def form_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that also answers POST (its form is read before the view runs)."""
    setattr(view, "methods", ("GET", "HEAD", "POST"))
    return view


def post_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that answers POST only."""
    setattr(view, "methods", ("POST",))
    return view
