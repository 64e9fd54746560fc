"""The sender: deliver what the outbox holds, once, and keep what could not be delivered.

A job, not a service: it commits as it goes, because each claim must be
visible to other senders at once, and each delivery recorded as soon as the
mail server accepted it. The steps:

1. claims left by a sender that stopped (a crash, a power cut) are released
   after MAIL_CLAIM_TIMEOUT_SECONDS;
2. the due messages are claimed with one UPDATE ... WHERE status = 'pending'
   RETURNING id: two senders never get the same message;
3. each claimed message is delivered and marked sent; a failure keeps it
   pending with the error and a later `next_attempt_at` (5, 10, 20 ...
   minutes), until MAIL_MAX_ATTEMPTS, then it is failed (an admin retries).
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..timeutil import utcnow
from .models import DeliveryStatus, Notification
from .channels import OutgoingEmail, channel_opener
from .email_channel import build_message, classify_error
from .mail_settings import DeliveryProblem, retry_delay

log = logging.getLogger("tracker.reminders.mail")

BATCH_SIZE = 50


def sender_identity() -> str:
    """Names this sender in `claimed_by`: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # tries that failed in this pass (kept for a retry, or given up)
    gave_up: int = 0  # of those, messages now marked failed
    released: int = 0  # claims of a stopped sender handed back
    problems: list[DeliveryProblem] = field(default_factory=list)

    @property
    def first_problem(self) -> DeliveryProblem | None:
        return self.problems[0] if self.problems else None


def release_stale_claims(now: datetime) -> int:
    """Hand back messages claimed by a sender that has not finished them in time."""
    timeout = timedelta(seconds=current_app.config.get("MAIL_CLAIM_TIMEOUT_SECONDS", 900))
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.status == DeliveryStatus.SENDING, Notification.claimed_at < now - timeout)
        .values(
            status=DeliveryStatus.PENDING,
            claimed_by=None,
            claimed_at=None,
            next_attempt_at=None,
            last_error_kind="interrupted",
            last_error="The sender stopped while delivering this message.",
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if result.rowcount:
        log.warning("Handed back %d e-mails claimed by a sender that stopped", result.rowcount)
    return result.rowcount


def due_ids(now: datetime, *, retry_now: bool, organization_id: int | None, ids: Iterable[int] | None) -> list[int]:
    query = sa.select(Notification.id).order_by(Notification.id)
    if retry_now:
        query = query.where(Notification.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]))
    else:
        query = query.where(
            Notification.status == DeliveryStatus.PENDING,
            sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
        )
    if organization_id is not None:
        query = query.where(Notification.organization_id == organization_id)
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return list(db.session.scalars(query))


def claim(candidate_ids: list[int], sender: str, now: datetime, *, retry_now: bool) -> list[int]:
    """Mark the candidates that are still claimable as ours; the ids we got.

    The WHERE is checked again on every row at update time, so a message
    another sender claimed a moment ago is left to it.
    """
    if not candidate_ids:
        return []
    claimable = [DeliveryStatus.PENDING, DeliveryStatus.FAILED] if retry_now else [DeliveryStatus.PENDING]
    rows = db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(candidate_ids), Notification.status.in_(claimable))
        .values(status=DeliveryStatus.SENDING, claimed_by=sender, claimed_at=now)
        .returning(Notification.id),
        execution_options={"synchronize_session": False},
    )
    claimed = sorted(row[0] for row in rows)
    db.session.commit()
    return claimed


def _outgoing(notification: Notification) -> OutgoingEmail:
    stem = f"{notification.created_at:%Y%m%d}-{notification.id:06d}-{notification.kind}"
    return OutgoingEmail(
        message_id=notification.message_id,
        to_email=notification.recipient_email,
        to_name=notification.recipient_name,
        subject=notification.subject,
        text=notification.body_text,
        html=notification.body_html,
        file_stem=stem,
    )


def mark_sent(notification_id: int, sender: str, now: datetime) -> None:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.claimed_by == sender)
        .values(
            status=DeliveryStatus.SENT,
            sent_at=now,
            last_attempt_at=now,
            attempts=Notification.attempts + 1,
            claimed_by=None,
            claimed_at=None,
            next_attempt_at=None,
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("E-mail %s was delivered after its claim had been handed back", notification_id)


def mark_failed_attempt(notification_id: int, sender: str, problem: DeliveryProblem, now: datetime) -> bool:
    """Record a failed try; True when the message is given up (failed)."""
    config = current_app.config
    attempts = db.session.scalar(sa.select(Notification.attempts).where(Notification.id == notification_id)) + 1
    give_up = problem.permanent or attempts >= config.get("MAIL_MAX_ATTEMPTS", 10)
    delay = retry_delay(attempts, config.get("MAIL_RETRY_BASE_SECONDS", 300), config.get("MAIL_RETRY_MAX_SECONDS", 21600))
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.claimed_by == sender)
        .values(
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            attempts=attempts,
            last_attempt_at=now,
            next_attempt_at=None if give_up else now + delay,
            last_error=problem.detail[:2000],
            last_error_kind=problem.kind,
            claimed_by=None,
            claimed_at=None,
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return give_up


def deliver_pending(
    *,
    now: datetime | None = None,
    sender: str | None = None,
    retry_now: bool = False,
    organization_id: int | None = None,
    ids: Iterable[int] | None = None,
    timeout: float | None = None,
) -> DeliveryReport:
    """Deliver the due messages (all organizations unless one is given).

    `retry_now` also takes failed messages and ignores the wait between
    tries, as an administrator does after fixing the mail settings.
    `timeout` replaces MAIL_TIMEOUT (a web request must answer sooner).
    """
    now = now or utcnow()
    sender = sender or sender_identity()
    config = current_app.config
    report = DeliveryReport(released=release_stale_claims(now))
    candidates = due_ids(now, retry_now=retry_now, organization_id=organization_id, ids=ids)
    for start in range(0, len(candidates), BATCH_SIZE):
        claimed = claim(candidates[start:start + BATCH_SIZE], sender, now, retry_now=retry_now)
        if not claimed:
            continue
        notifications = db.session.scalars(
            sa.select(Notification).where(Notification.id.in_(claimed)).order_by(Notification.id)
        ).all()
        emails = [(n.id, _outgoing(n)) for n in notifications]
        db.session.rollback()  # end the read; every write below commits on its own
        if not _deliver_batch(emails, sender, now, config, report, timeout):
            break  # the server cannot be reached: the rest stay pending for the next pass
    if report.sent or report.failed:
        log.info("E-mail delivery: %d sent, %d failed", report.sent, report.failed)
    return report


def _deliver_batch(
    emails: list[tuple[int, OutgoingEmail]], sender: str, now: datetime, config, report: DeliveryReport,
    timeout: float | None,
) -> bool:
    """Deliver one claimed batch over one connection; False when none could be tried."""
    with ExitStack() as stack:
        try:
            connection = stack.enter_context(channel_opener("email")(config, current_app.instance_path, timeout))
        except Exception as error:  # settings, connection, TLS or login: the whole batch waits
            problem = classify_error(error, config)
            log.error("Cannot send e-mail: %s", problem.detail)
            for notification_id, _email in emails:
                _record_failure(notification_id, sender, problem, now, report)
            return False
        for notification_id, email in emails:
            try:
                connection.send(build_message(email, config, now), email)
            except Exception as error:
                problem = classify_error(error, config)
                log.error("Cannot send e-mail %s to %s: %s", notification_id, email.to_email, problem.detail)
                _record_failure(notification_id, sender, problem, now, report)
            else:
                mark_sent(notification_id, sender, now)
                report.sent += 1
    return True


def _record_failure(notification_id: int, sender: str, problem: DeliveryProblem, now: datetime, report: DeliveryReport) -> None:
    report.failed += 1
    report.problems.append(problem)
    if mark_failed_attempt(notification_id, sender, problem, now):
        report.gave_up += 1
