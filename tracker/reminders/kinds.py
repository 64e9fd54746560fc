"""The kinds of e-mail and of reminder item, and the delivery states (pure)."""
from __future__ import annotations

import enum


class NotificationKind(enum.StrEnum):
    REMINDER = "reminder"  # the daily e-mail: due soon, overdue, escalations
    DIGEST = "digest"  # the weekly summary to executives (with that day's escalations)
    TEST = "test"  # an administrator's test e-mail
    INVITATION = "invitation"  # a link to set the first password of a new account
    PASSWORD_RESET = "password_reset"  # a link to choose a new password
    SECURITY = "security"  # the password or second factor changed, the account was locked
    THREAD = "thread"  # new instructions and answers, at most one an hour per person
    MAIL_ALERT = "mail_alert"  # to the administrators: e-mails have been failing for a while


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the sender (first try or a retry)
    SENDING = "sending"  # claimed by one sender, which is delivering it now
    SENT = "sent"
    FAILED = "failed"  # gave up after MAIL_MAX_ATTEMPTS; an admin can retry


class ItemKind(enum.StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATION = "escalation"  # a long-overdue step, told to an executive
