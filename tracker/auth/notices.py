"""Account e-mails (invitations, reset links, security notices) handed to the outbox that tracker.reminders connects.

Auth must not import reminders (reminders builds on auth), so the outbox is
reached through the functions reminders registers here at start-up
(`tracker.reminders.account_mail`). Kinds are the outbox's `NotificationKind`
values, given as strings.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..timeutil import utcnow
from .models import User

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"
SECURITY = "security"


@dataclass(frozen=True)
class Outbox:
    """What auth asks of the outbox."""

    # (user, kind, template, lazy subject, now, **context) -> the queued e-mail (a Notification)
    queue: Callable[..., object]
    # Deliver what this application context queued (after its commit).
    deliver_queued: Callable[[], None]
    # How many e-mails of `kind` the user was sent since a moment.
    count_since: Callable[[User, str, datetime], int]


def connect(app, outbox: Outbox) -> None:
    app.extensions["account_outbox"] = outbox


def _outbox() -> Outbox:
    return current_app.extensions["account_outbox"]


def queue_email(user: User, kind: str, template: str, subject, now: datetime | None = None, **context):
    """Render `email/<template>` in the user's language and put it in the outbox; the caller commits.

    `subject` is a lazy (untranslated) string, translated in the user's language.
    Queued during a web request, it is delivered once the request committed and answered."""
    return _outbox().queue(user, kind, template, subject, now or utcnow(), **context)


def deliver_queued() -> None:
    """Deliver the account e-mails queued in this application context (outside a web request)."""
    _outbox().deliver_queued()


def sent_since(user: User, kind: str, since: datetime) -> int:
    return _outbox().count_since(user, kind, since)


def notify_password_changed(user: User, now: datetime | None = None):
    """Tell the owner that their password changed (if it was not them, they should act)."""
    return queue_email(user, SECURITY, "security_notice", _l("Your ITA Tracker password was changed"),
                       now, notice="password_changed", when=now or utcnow())


def notify_account_locked(user: User, now: datetime | None = None):
    """Tell the owner that sign-in to their account was locked after repeated failures.

    For the lockout code to call; the caller commits."""
    return queue_email(user, SECURITY, "security_notice", _l("Sign-in to your ITA Tracker account was locked"),
                       now, notice="account_locked", when=now or utcnow())


def notify_two_factor_changed(user: User, notice: str, now: datetime | None = None):
    """`notice`: "two_factor_on", "two_factor_off" or "two_factor_reset"."""
    return queue_email(user, SECURITY, "security_notice",
                       _l("Two-step sign-in of your ITA Tracker account changed"), now, notice=notice,
                       when=now or utcnow())
