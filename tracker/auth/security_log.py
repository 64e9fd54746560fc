"""Sign-in events in the audit trail: who signed in or out, failed, was slowed down, from where and with what browser."""
from __future__ import annotations

from typing import Any

from ..audit import services as audit
from ..audit.models import AuditEvent
from .clients import UNKNOWN, Client
from .models import User


def record_security_event(
    user: User, action: str, *, actor: User | None, client: Client = UNKNOWN, **details: Any
) -> AuditEvent:
    """Record an event about `user`'s sign-in or credentials in their organization's trail.

    `actor` is who did it: the user themself, an administrator, or None (a
    failed or refused attempt proves nothing about who made it). Each action
    needs a label in tracker.labels.AUDIT_ACTION_LABELS. Actions starting with
    "auth." appear under the audit log's sign-in filter by their prefix; the
    changes of passwords and two-step sign-in (tracker.auth.totp,
    tracker.auth.invitations) keep their "user." names and are listed in
    tracker.audit.queries.SIGN_IN_ACTIONS.
    """
    return audit.record(
        user.organization_id, actor, action, user, ip=client.ip, user_agent=client.user_agent, **details
    )

