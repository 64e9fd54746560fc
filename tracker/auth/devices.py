"""Device cookies: a signed note, given at a successful sign-in, that this browser signed in to an account before.

The cookie holds up to `MAX_ACCOUNTS` entries (a shared office computer),
each an account's e-mail and a random nonce; sign-in failures are counted
against the nonce (tracker.auth.throttle), and a new nonce replaces the old
one at every successful sign-in.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "tracker.device-cookie"
MAX_ACCOUNTS = 5
LIFETIME = timedelta(days=365)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def entries(cookie: str | None, secret_key: str) -> list[list[str]]:
    """The [e-mail, nonce] pairs of a valid cookie; [] for a missing, forged or expired one."""
    if not cookie:
        return []
    try:
        data = _serializer(secret_key).loads(cookie, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:
        return []
    if not isinstance(data, list):
        return []
    return [e for e in data if isinstance(e, list) and len(e) == 2 and all(isinstance(v, str) for v in e)]


def nonce_for(cookie: str | None, email: str, secret_key: str) -> str | None:
    """The nonce this browser holds for `email` (lower-cased), if its cookie is valid."""
    for entry_email, nonce in entries(cookie, secret_key):
        if entry_email == email:
            return nonce
    return None


def issue(cookie: str | None, email: str, secret_key: str) -> str:
    """The cookie after a successful sign-in to `email`: a fresh nonce for it, others kept (most recent first)."""
    kept = [e for e in entries(cookie, secret_key) if e[0] != email]
    data = [[email, secrets.token_urlsafe(24)], *kept][:MAX_ACCOUNTS]
    return _serializer(secret_key).dumps(data)
