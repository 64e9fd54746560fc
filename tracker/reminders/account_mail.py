"""Account e-mails through the outbox: invitations, reset links and security notices (password changed, account locked)."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, Response, current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..reminders.messages import Links, RenderedEmail, _common_context, _render, email_locale
from ..reminders.models import Notification, NotificationKind
from ..reminders.transport import new_message_id
from ..timeutil import utcnow
from .models import User

log = logging.getLogger("tracker.auth")

# Seconds one delivery may take after an answer was sent (the person is no longer waiting).
AFTER_RESPONSE_SMTP_TIMEOUT = 20


def queue_email(user: User, kind: NotificationKind, template: str, subject, now: datetime | None = None,
                **context) -> Notification:
    """Render `email/<template>` in the user's language and put it in the outbox; the caller commits.

    `subject` is a lazy (untranslated) string, translated here in the user's language.
    """
    now = now or utcnow()
    locale = email_locale(user)
    links = Links()
    with force_locale(locale):
        translated = str(subject)
        values = _common_context(user.organization, user, locale, links) | context
        text, html = _render(template, subject=translated, **values)
    email = RenderedEmail(translated, text, html, locale)
    notification = Notification(
        organization_id=user.organization_id,
        recipient_id=user.id,
        recipient_email=user.email,
        recipient_name=user.display_name,
        kind=kind,
        run_date=None,  # not once a day: NULL never collides in the outbox's unique key
        locale=email.locale,
        subject=email.subject[:300],
        body_text=email.text,
        body_html=email.html,
        message_id=new_message_id(current_app.config),
        created_at=now,
    )
    db.session.add(notification)
    db.session.flush()
    if has_request_context():  # delivered once the answer has gone (account_views)
        g.setdefault("account_email_ids", []).append(notification.id)
    return notification


def notify_password_changed(user: User, now: datetime | None = None) -> Notification:
    """Tell the owner that their password changed (if it was not them, they should act)."""
    return queue_email(user, NotificationKind.SECURITY, "security_notice", _l("Your ITA Tracker password was changed"),
                       now, notice="password_changed", when=now or utcnow())


def notify_account_locked(user: User, now: datetime | None = None) -> Notification:
    """Tell the owner that sign-in to their account was locked after repeated failures.

    For the lockout code to call; the caller commits."""
    return queue_email(user, NotificationKind.SECURITY, "security_notice", _l("Sign-in to your ITA Tracker account was locked"),
                       now, notice="account_locked", when=now or utcnow())


def notify_two_factor_changed(user: User, notice: str, now: datetime | None = None) -> Notification:
    """`notice`: "two_factor_on", "two_factor_off" or "two_factor_reset"."""
    return queue_email(user, NotificationKind.SECURITY, "security_notice",
                       _l("Two-step sign-in of your ITA Tracker account changed"), now, notice=notice, when=now or utcnow())


def deliver_after_response(response: Response, notification_ids: list[int]) -> Response:
    """Send these outbox messages once the answer has gone out, so that the
    page's timing tells nothing (a reset link for an unknown address sends
    nothing) and the person does not wait for the mail server. What cannot be
    delivered now stays in the outbox for the scheduler's sender."""
    if not notification_ids:
        return response
    app: Flask = current_app._get_current_object()
    ids = list(notification_ids)

    def deliver() -> None:
        from ..reminders.delivery import deliver_pending

        with app.app_context():
            try:
                deliver_pending(ids=ids, timeout=AFTER_RESPONSE_SMTP_TIMEOUT)
            except Exception:  # the sender retries; never break the closing of a response
                log.exception("Could not deliver account e-mails %s", ids)

    response.call_on_close(deliver)
    return response
