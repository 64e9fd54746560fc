"""The request side of signing in and out: client address, device cookie, session records and Flask-Login."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, after_this_request, current_app, request, session
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..timeutil import utcnow
from . import devices, services, sessions
from .clients import Client
from .models import User


def client_info() -> Client:
    """The signing-in browser: its address (right behind a proxy only with PROXY_FIX_X_FOR) and user agent."""
    return Client.of(request.remote_addr, request.headers.get("User-Agent"))


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def device_nonce(email: str) -> str | None:
    """The nonce of this browser's device cookie for `email`, if it holds a valid one."""
    cookie = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    return devices.nonce_for(cookie, (email or "").strip().lower(), current_app.secret_key)


def complete_sign_in(user: User, *, remember: bool) -> None:
    """After the password (and any second factor) passed: record the sign-in, open a
    server-side session, give the browser a device cookie for this account and a new
    CSRF token. The caller commits."""
    config = current_app.config
    client, now = client_info(), utcnow()
    services.record_sign_in(user, client=client, trusted_device=device_nonce(user.email) is not None, now=now)
    lifetime = timedelta(days=config["REMEMBER_DAYS"]) if remember else timedelta(
        hours=config["SESSION_ABSOLUTE_HOURS"])
    sessions.start_session(user, remember=remember, client=client, now=now, lifetime=lifetime)
    # A token seen before sign-in (by a script on a shared computer, say) must not work after it.
    session.pop("csrf_token", None)
    session.pop("locale", None)
    login_user(user, remember=remember, duration=timedelta(days=config["REMEMBER_DAYS"]))
    cookie = devices.issue(request.cookies.get(config["DEVICE_COOKIE_NAME"]), user.email, current_app.secret_key)

    @after_this_request
    def set_device_cookie(response):
        response.set_cookie(
            config["DEVICE_COOKIE_NAME"], cookie, max_age=int(devices.LIFETIME.total_seconds()), path="/",
            secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
        )
        return response


def current_session_id() -> int | None:
    return getattr(current_user, "current_session_id", None)


def finish_sign_out() -> None:
    """Forget the signed-in user in this browser (the record is already gone)."""
    logout_user()
    session.pop("csrf_token", None)


def sign_out_here() -> None:
    """End this browser's session, if it has one (a password set with a link ends them all anyway)."""
    if current_user.is_authenticated:
        sessions.end_sessions(current_user, only_id=current_session_id())
    finish_sign_out()


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the live session's user; writes last-seen (and drops an expired record) at once."""
    user, changed = sessions.load_session(
        token, now=utcnow(), idle=idle_timeout(),
        touch_every=timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"]))
    if changed:
        db.session.commit()
    return user


def init_app(app: Flask) -> None:
    from .clients import describe_browser

    app.jinja_env.filters["browser"] = describe_browser

    @app.before_request
    def load_signed_in_user():
        # Load the user at the start of the request, so that the loader's
        # commit (last seen) never commits a view's unfinished work.
        if request.endpoint != "static":
            current_user._get_current_object()
