"""The outbox side of account e-mails: render them, queue them, deliver them once committed (see tracker.auth.notices)."""
from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

import sqlalchemy as sa
from flask import Flask, g, has_app_context, has_request_context
from flask_babel import force_locale

from ..auth import notices
from ..auth.models import User
from ..extensions import db
from ..web.transaction import after_commit
from .kinds import NotificationKind
from .outbox import add_to_outbox
from .messages import Links, RenderedEmail, _common_context, _render, email_locale
from .models import Notification

log = logging.getLogger("tracker.auth")

# Seconds one delivery may take after an answer was sent (the person is no longer waiting).
AFTER_RESPONSE_SMTP_TIMEOUT = 20


def queue_email(user: User, kind: str, template: str, subject, now: datetime, **context) -> Notification:
    locale = email_locale(user)
    with force_locale(locale):
        translated = str(subject)
        values = _common_context(user.organization, user, locale, Links()) | context
        text, html = _render(template, subject=translated, **values)
    email = RenderedEmail(translated, text, html, locale)
    notification = add_to_outbox(user, kind, email, now)
    if has_request_context():
        # Sent once the request committed and its answer has gone: the person
        # does not wait for the mail server, and the page's timing tells
        # nothing. What cannot be delivered now stays for the scheduler's sender.
        after_commit(partial(_deliver, [notification.id]), once_answered=True)
    elif has_app_context():  # a job outside a request delivers with deliver_queued() after its commit
        g.setdefault("account_email_ids", []).append(notification.id)
    return notification


def deliver_queued() -> None:
    _deliver(g.pop("account_email_ids", []))


def _deliver(ids: list[int]) -> None:
    from .delivery import deliver_pending

    if not ids:
        return
    try:
        deliver_pending(ids=list(ids), timeout=AFTER_RESPONSE_SMTP_TIMEOUT)
    except Exception:  # the scheduler's sender retries
        log.exception("Could not deliver account e-mails %s", ids)


def count_since(user: User, kind: str, since: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(
            Notification.recipient_id == user.id, Notification.kind == NotificationKind(kind),
            Notification.created_at > since)
    ) or 0


def init_app(app: Flask) -> None:
    notices.connect(app, notices.Outbox(queue=queue_email, deliver_queued=deliver_queued, count_since=count_since))
