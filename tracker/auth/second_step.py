"""The second step of signing in: remember, for a few minutes, who typed a right password and ask for the code."""
from __future__ import annotations

import time

from flask import redirect, session, url_for

from . import totp
from .models import User

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300


def needs_second_factor(user: User) -> bool:
    return totp.is_enabled(user)


def ask_for_second_factor(user: User, *, remember: bool, next_url: str | None):
    """The password was right: remember who is signing in and ask for the code.

    `next_url` must already be a safe, same-site path."""
    session[PENDING_KEY] = {
        "user": user.id, "token": user.session_token, "remember": bool(remember),
        "next": next_url, "at": int(time.time()), "base": totp.failed_attempts(user),
    }
    return redirect(url_for("account.second_factor"))
