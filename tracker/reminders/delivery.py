"""The sender: deliver what the outbox holds, once, and keep what could not be delivered.

A job, not a service: it commits as it goes, because each claim must be
visible to other senders at once, and each batch's deliveries recorded as
soon as the mail server accepted them. The steps:

1. claims left by a sender that stopped (a crash, a power cut) are released
   after MAIL_CLAIM_TIMEOUT_SECONDS, and at once when that sender was a
   process of this machine that no longer runs (killed mid-run, restarted);
2. the due messages (their ids, read once) are claimed a batch (BATCH_SIZE)
   at a time with one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP
   LOCKED) AND status = 'pending' RETURNING what sending them needs, and the
   claim is committed: two senders never get the same message;
3. the batch is delivered over one connection to the mail server, then the
   outcomes are recorded with one statement each (sent; failed tries) and one
   commit. A failure keeps the message pending with the error and a later
   `next_attempt_at` (5, 10, 20 ... minutes), until MAIL_MAX_ATTEMPTS, then it
   is failed (an admin retries). A sender that dies during a batch leaves its
   messages claimed: they are handed back (step 1) and sent again with the
   same Message-ID, which mail clients show once;
4. once the mail server answers again (a message was delivered, or some
   had given up, nothing else was due and a connection succeeds), messages that gave up or wait
   because of the outage are tried at once (not those a recipient's server
   refused); those that gave up get a few more tries at most;
5. administrators of an organization whose messages have been failing for
   more than MAIL_ALERT_AFTER_SECONDS get one e-mail about it (`health`).
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
    revived: int = 0  # messages that gave up during an outage, tried again once the server answered
    unreachable: bool = False  # the mail server could not be reached in this pass
    problems: list[DeliveryProblem] = field(default_factory=list)

    @property
    def first_problem(self) -> DeliveryProblem | None:
        return self.problems[0] if self.problems else None


def process_is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def stopped_local_senders() -> list[str]:
    """Senders of this machine holding claims whose process no longer runs."""
    prefix = f"{socket.gethostname()}:"
    holders = db.session.scalars(
        sa.select(Notification.claimed_by)
        .where(Notification.status == DeliveryStatus.SENDING, Notification.claimed_by.startswith(prefix, autoescape=True))
        .distinct()
    ).all()
    stopped = []
    for holder in holders:
        pid = holder[len(prefix):].partition(":")[0]
        if pid.isascii() and pid.isdigit() and int(pid) != os.getpid() and not process_is_running(int(pid)):
            stopped.append(holder)
    return stopped


def release_stale_claims(now: datetime) -> int:
    """Hand back messages claimed by a sender that has not finished them in time,
    or by a process of this machine that has stopped (at once)."""
    timeout = timedelta(seconds=current_app.config.get("MAIL_CLAIM_TIMEOUT_SECONDS", 900))
    stale = Notification.claimed_at < now - timeout
    stopped = stopped_local_senders()
    if stopped:
        stale = sa.or_(stale, Notification.claimed_by.in_(stopped))
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.status == DeliveryStatus.SENDING, stale)
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


@dataclass(frozen=True)
class Claimed:
    """A claimed message: what sending it and recording the outcome need."""

    id: int
    attempts: int
    email: OutgoingEmail


def due_ids(now: datetime, *, retry_now: bool, organization_id: int | None, ids: Iterable[int] | None) -> list[int]:
    """The messages to try in this pass, taken once: a message that fails in
    the pass (due again at once with `retry_now`) waits for the next one."""
    query = sa.select(Notification.id).where(*_due(now, retry_now=retry_now)).order_by(Notification.id)
    if organization_id is not None:
        query = query.where(Notification.organization_id == organization_id)
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return list(db.session.scalars(query))


def _due(now: datetime, *, retry_now: bool) -> list:
    if retry_now:
        return [Notification.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED])]
    return [
        Notification.status == DeliveryStatus.PENDING,
        sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
    ]


def claim_batch(candidate_ids: list[int], sender: str, now: datetime, *, retry_now: bool) -> list[Claimed]:
    """Claim those of the candidates that are still due, in one statement, and commit; what sending them needs.

    Rows another sender is claiming are skipped (FOR UPDATE SKIP LOCKED on
    PostgreSQL; SQLite lets one writer at a time), and the status is checked
    again on every row at update time, so a message another sender claimed a
    moment ago is left to it.
    """
    if not candidate_ids:
        return []
    claimable = [DeliveryStatus.PENDING, DeliveryStatus.FAILED] if retry_now else [DeliveryStatus.PENDING]
    chosen = (
        sa.select(Notification.id)
        .where(Notification.id.in_(candidate_ids), *_due(now, retry_now=retry_now))
        .with_for_update(skip_locked=True)
    )
    rows = db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(chosen), Notification.status.in_(claimable))
        .values(status=DeliveryStatus.SENDING, claimed_by=sender, claimed_at=now)
        .returning(
            Notification.id, Notification.attempts, Notification.created_at, Notification.kind,
            Notification.message_id, Notification.recipient_email, Notification.recipient_name,
            Notification.subject, Notification.body_text, Notification.body_html,
        ),
        execution_options={"synchronize_session": False},
    ).all()
    db.session.commit()
    return sorted((_claimed(row) for row in rows), key=lambda claimed: claimed.id)


def claim(candidate_ids: list[int], sender: str, now: datetime, *, retry_now: bool) -> list[int]:
    """Claim those of the candidates that are still due; the ids we got."""
    return [claimed.id for claimed in claim_batch(candidate_ids, sender, now, retry_now=retry_now)]


def _claimed(row) -> Claimed:
    stem = f"{row.created_at:%Y%m%d}-{row.id:06d}-{row.kind}"
    email = OutgoingEmail(
        message_id=row.message_id,
        to_email=row.recipient_email,
        to_name=row.recipient_name,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        file_stem=stem,
    )
    return Claimed(id=row.id, attempts=row.attempts, email=email)


def record_outcomes(
    sent: list[int], failures: list[tuple[Claimed, DeliveryProblem]], sender: str, now: datetime,
    report: DeliveryReport,
) -> None:
    """Record a batch's deliveries and failed tries (a statement each), and commit once.

    Only messages still claimed by this sender are written: one handed back
    meanwhile (a batch that took longer than the claim timeout) belongs to
    another sender now.
    """
    if sent:
        recorded = db.session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(sent), Notification.claimed_by == sender)
            .values(
                status=DeliveryStatus.SENT,
                sent_at=now,
                first_failed_at=None,
                last_attempt_at=now,
                attempts=Notification.attempts + 1,
                claimed_by=None,
                claimed_at=None,
                next_attempt_at=None,
            )
            .returning(Notification.id),
            execution_options={"synchronize_session": False},
        ).scalars().all()
        for notification_id in sorted(set(sent) - set(recorded)):
            log.warning("E-mail %s was delivered after its claim had been handed back", notification_id)
        report.sent += len(sent)
    if failures:
        config = current_app.config
        max_attempts = config.get("MAIL_MAX_ATTEMPTS", 10)
        rows = []
        for claimed, problem in failures:
            attempts = claimed.attempts + 1
            give_up = problem.permanent or attempts >= max_attempts
            delay = retry_delay(attempts, config.get("MAIL_RETRY_BASE_SECONDS", 300),
                                config.get("MAIL_RETRY_MAX_SECONDS", 21600))
            rows.append({
                "failed_id": claimed.id,
                "new_status": DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
                "new_attempts": attempts,
                "retry_at": None if give_up else now + delay,
                "error": problem.detail[:2000],
                "error_kind": problem.kind,
            })
            report.failed += 1
            report.problems.append(problem)
            report.gave_up += give_up
        table = Notification.__table__
        # Core, with a list of parameters: one executemany.
        db.session.connection().execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("failed_id"), table.c.claimed_by == sender)
            .values(
                status=sa.bindparam("new_status"),
                attempts=sa.bindparam("new_attempts"),
                last_attempt_at=now,
                next_attempt_at=sa.bindparam("retry_at"),
                last_error=sa.bindparam("error"),
                last_error_kind=sa.bindparam("error_kind"),
                first_failed_at=sa.func.coalesce(table.c.first_failed_at, now),
                claimed_by=None,
                claimed_at=None,
            ),
            rows,
        )
    db.session.commit()


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
    _deliver(candidates, sender, now, config, report, timeout, retry_now=retry_now)
    if not retry_now and ids is None:
        held_back = held_back_by_outage(organization_id)
        gave_up = [id_ for id_, status in held_back if status == DeliveryStatus.FAILED]
        # Only what gave up makes the sender ask the server; what merely waits keeps its backoff.
        if gave_up and not report.sent and not candidates:
            report.unreachable = not server_answers(config, timeout)
        if held_back and (report.sent or (gave_up and not candidates and not report.unreachable)):
            revived = revive([id_ for id_, _status in held_back])
            report.revived = len(revived)
            log.info("The mail server answers again: trying %d e-mails held back by the outage", len(revived))
            _deliver(revived, sender, now, config, report, timeout, retry_now=False)
        from .health import alert_on_long_failures  # health queues e-mails through this module's outbox

        alerts = alert_on_long_failures(now, organization_id)
        if alerts and not report.unreachable:  # otherwise they wait in the outbox like the others
            _deliver(alerts, sender, now, config, report, timeout, retry_now=False)
    if report.sent or report.failed:
        log.info("E-mail delivery: %d sent, %d failed", report.sent, report.failed)
    return report


def _deliver(
    candidates: list[int], sender: str, now: datetime, config, report: DeliveryReport, timeout: float | None,
    *, retry_now: bool,
) -> None:
    for start in range(0, len(candidates), BATCH_SIZE):
        batch = claim_batch(candidates[start:start + BATCH_SIZE], sender, now, retry_now=retry_now)
        if batch and not _deliver_batch(batch, sender, now, config, report, timeout):
            report.unreachable = True
            break  # the server cannot be reached: the rest stay pending for the next pass


# A refused recipient is that recipient's problem, not an outage: it waits for an admin.
NOT_REVIVED_KINDS = ("recipient",)


def _revivable(organization_id: int | None):
    """Messages held back by an outage: given up (a few more tries at most), or waiting for a later try."""
    config = current_app.config
    limit = config.get("MAIL_MAX_ATTEMPTS", 10) + config.get("MAIL_ATTEMPTS_AFTER_OUTAGE", 3)
    conditions = [
        sa.or_(
            sa.and_(Notification.status == DeliveryStatus.FAILED, Notification.attempts < limit),
            sa.and_(Notification.status == DeliveryStatus.PENDING, Notification.next_attempt_at.is_not(None)),
        ),
        sa.or_(Notification.last_error_kind.is_(None), Notification.last_error_kind.not_in(NOT_REVIVED_KINDS)),
    ]
    if organization_id is not None:
        conditions.append(Notification.organization_id == organization_id)
    return conditions


def held_back_by_outage(organization_id: int | None) -> list[tuple[int, DeliveryStatus]]:
    """(id, status) of the messages that gave up, or wait, because the server could not be reached."""
    rows = db.session.execute(
        sa.select(Notification.id, Notification.status).where(*_revivable(organization_id)).order_by(Notification.id)
    )
    return [(id_, DeliveryStatus(status)) for id_, status in rows]


def revive(candidate_ids: list[int]) -> list[int]:
    """Put those messages back in the queue, due now; the ids that were still held back."""
    rows = db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(candidate_ids), *_revivable(None))
        .values(status=DeliveryStatus.PENDING, next_attempt_at=None)
        .returning(Notification.id),
        execution_options={"synchronize_session": False},
    )
    revived = sorted(row[0] for row in rows)
    db.session.commit()
    return revived


def server_answers(config, timeout: float | None) -> bool:
    """Whether a connection to the mail server (with its login) succeeds now."""
    try:
        with channel_opener("email")(config, current_app.instance_path, timeout):
            return True
    except Exception:
        return False


# A failure of this kind means the channel itself is down (the transport has
# already tried to connect again): the rest of the batch would fail the same way.
CHANNEL_DOWN_KINDS = ("settings", "connect", "tls", "auth")


def _deliver_batch(
    batch: list[Claimed], sender: str, now: datetime, config, report: DeliveryReport, timeout: float | None,
) -> bool:
    """Deliver one claimed batch and record the outcomes; False when the server could not be reached."""
    sent: list[int] = []
    failures: list[tuple[Claimed, DeliveryProblem]] = []
    try:
        return _send_batch(batch, config, now, timeout, sent, failures)
    finally:
        # Also when the sender is stopped mid-batch: what has gone out is recorded; the rest is handed back later.
        record_outcomes(sent, failures, sender, now, report)


def _send_batch(
    batch: list[Claimed], config, now: datetime, timeout: float | None,
    sent: list[int], failures: list[tuple[Claimed, DeliveryProblem]],
) -> bool:
    """Send over one connection, noting each outcome as it comes; False when the server could not be reached."""
    with ExitStack() as stack:
        try:
            connection = stack.enter_context(channel_opener("email")(config, current_app.instance_path, timeout))
        except Exception as error:  # settings, connection, TLS or login: the whole batch waits
            problem = classify_error(error, config)
            log.error("Cannot send e-mail: %s", problem.detail)
            failures.extend((claimed, problem) for claimed in batch)
            return False
        for position, claimed in enumerate(batch):
            try:
                connection.send(build_message(claimed.email, config, now), claimed.email)
            except Exception as error:
                problem = classify_error(error, config)
                log.error("Cannot send e-mail %s to %s: %s", claimed.id, claimed.email.to_email, problem.detail)
                failures.append((claimed, problem))
                if problem.kind in CHANNEL_DOWN_KINDS:
                    failures.extend((rest, problem) for rest in batch[position + 1:])
                    return False
            else:
                sent.append(claimed.id)
    return True
