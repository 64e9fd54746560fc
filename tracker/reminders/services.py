"""Reminder settings of an organization and each user's notification preference."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..auth.models import User
from ..auth.permissions import ensure_admin, ensure_admin_of
from ..errors import PermissionDenied
from ..extensions import db
from ..orgs.models import Organization
from .messages import test_email
from .kinds import DeliveryStatus
from .models import Notification, NotificationItem, NotificationKind, NotificationPreference, ReminderSettings
from .rules import (
    ReminderRules,
    check_rules,
    format_days_before,
    format_send_time,
    normalize_days_before,
    parse_days_before,
    parse_send_time,
)
from .mail_settings import describe_delivery, new_message_id, outbox_directory


def default_rules() -> ReminderRules:
    return ReminderRules.from_config(current_app.config)


def rules_from_row(row: ReminderSettings | None) -> ReminderRules:
    if row is None:
        return default_rules()
    return ReminderRules(
        enabled=row.enabled,
        days_before=normalize_days_before(int(d) for d in row.days_before.split(",") if d.strip()),
        overdue_every=row.overdue_every,
        escalate_from=row.escalate_from,
        digest_weekday=row.digest_weekday,
        send_time=parse_send_time(row.send_time),
    )


def rules_for(organization_id: int) -> ReminderRules:
    """The organization's reminder rules: its own settings, else the defaults."""
    return rules_from_row(db.session.get(ReminderSettings, organization_id))


def rules_by_organization(organization_ids: Iterable[int]) -> dict[int, ReminderRules]:
    """Rules of several organizations in one query (the scheduler checks them all)."""
    ids = list(organization_ids)
    rows = {
        row.organization_id: row
        for row in db.session.scalars(sa.select(ReminderSettings).where(ReminderSettings.organization_id.in_(ids)))
    } if ids else {}
    return {org_id: rules_from_row(rows.get(org_id)) for org_id in ids}


def update_settings(
    org: Organization,
    actor: User,
    *,
    enabled: bool,
    days_before: str,
    overdue_every: int,
    escalate_from: int,
    digest_weekday: int | None,
    send_time: str,
) -> ReminderRules:
    """Save an organization's reminder rules as an administrator typed them."""
    ensure_admin_of(actor, org.id)
    rules = ReminderRules(
        enabled=bool(enabled),
        days_before=parse_days_before(days_before),
        overdue_every=int(overdue_every),
        escalate_from=int(escalate_from),
        digest_weekday=digest_weekday,
        send_time=parse_send_time(send_time),
    )
    check_rules(rules)
    row = db.session.get(ReminderSettings, org.id)
    if row is None:
        row = ReminderSettings(organization_id=org.id)
        db.session.add(row)
    row.enabled = rules.enabled
    row.days_before = ",".join(str(d) for d in rules.days_before)
    row.overdue_every = rules.overdue_every
    row.escalate_from = rules.escalate_from
    row.digest_weekday = rules.digest_weekday
    row.send_time = format_send_time(rules.send_time)
    row.updated_by_id = actor.id
    db.session.flush()
    record(
        org.id,
        actor,
        "reminders.settings",
        org,
        enabled=rules.enabled,
        days_before=format_days_before(rules.days_before),
        overdue_every=rules.overdue_every,
        escalate_from=rules.escalate_from,
        digest_weekday=rules.digest_weekday,
        send_time=row.send_time,
    )
    return rules


# --- a user's own choice ---------------------------------------------------------------


def escalations_only(user: User) -> bool:
    row = db.session.get(NotificationPreference, user.id)
    return bool(row and row.escalations_only)


def escalations_only_by_user(user_ids: Iterable[int]) -> set[int]:
    """Ids of the users who asked for escalations only."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(NotificationPreference.user_id).where(
                NotificationPreference.user_id.in_(ids), NotificationPreference.escalations_only.is_(True)
            )
        )
    )


def update_preferences(user: User, actor: User, *, escalations_only: bool) -> None:
    """A user chooses which reminder e-mails they receive (only for themselves)."""
    if actor.id != user.id:
        raise PermissionDenied(_l("You can change only your own notification settings."))
    row = db.session.get(NotificationPreference, user.id)
    if row is None:
        row = NotificationPreference(user_id=user.id)
        db.session.add(row)
    row.escalations_only = bool(escalations_only)
    db.session.flush()
    record(user.organization_id, actor, "reminders.preferences", user, escalations_only=row.escalations_only)


# --- what the step page can show -----------------------------------------------------


def escalated_steps(organization_id: int, step_ids: Iterable[int]) -> dict[int, date]:
    """For each of `step_ids` that was escalated to the executives, the last day it was.

    One query, for the step page and lists ("แจ้งผู้บริหารแล้ว").
    """
    ids = list(step_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(NotificationItem.step_id, sa.func.max(Notification.run_date))
        .join(Notification, Notification.id == NotificationItem.notification_id)
        .where(
            Notification.organization_id == organization_id,
            NotificationItem.step_id.in_(ids),
            NotificationItem.escalated.is_(True),
        )
        .group_by(NotificationItem.step_id)
    )
    return {step_id: run_date for step_id, run_date in rows}


# --- the administrator's buttons -------------------------------------------------------


def queue_test_email(actor: User, now: datetime) -> Notification:
    """Put a test e-mail to the administrator in the outbox; the caller commits, then delivers it."""
    ensure_admin(actor)
    config = current_app.config
    delivery = describe_delivery(config, outbox_directory(config, current_app.instance_path))
    email = test_email(actor.organization, actor, now, delivery)
    notification = Notification(
        organization_id=actor.organization_id,
        recipient_id=actor.id,
        recipient_email=actor.email,
        recipient_name=actor.display_name,
        kind=NotificationKind.TEST,
        run_date=None,  # test e-mails are not once a day: NULL never collides in the unique key
        locale=email.locale,
        subject=email.subject,
        body_text=email.text,
        body_html=email.html,
        message_id=new_message_id(config),
        created_at=now,
    )
    db.session.add(notification)
    db.session.flush()
    record(actor.organization_id, actor, "reminders.test_email", notification, to=actor.email)
    return notification


def queue_retry(actor: User) -> int:
    """An administrator asks to deliver the organization's waiting and failed e-mails now.

    They become due at once, and the sender is woken (`lease.wake_sender`);
    the number of e-mails queued."""
    ensure_admin(actor)
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.organization_id == actor.organization_id,
               Notification.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]))
        .values(status=DeliveryStatus.PENDING, next_attempt_at=None),
        execution_options={"synchronize_session": False},
    )
    record(actor.organization_id, actor, "reminders.retry_now", actor.organization, queued=result.rowcount)
    db.session.flush()
    return result.rowcount
