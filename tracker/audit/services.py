"""Writing audit events; every service that changes data calls `record`."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..extensions import db
from .models import AuditEvent

if TYPE_CHECKING:
    from ..auth.models import User


def record(
    organization_id: int,
    actor: User | None,
    action: str,
    target: Any = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    if target is not None and getattr(target, "id", 0) is None:
        db.session.flush()  # a new row needs its id before it can be named
    event = AuditEvent(
        organization_id=organization_id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        details={key: _jsonable(value) for key, value in details.items()},
    )
    db.session.add(event)
    db.session.info.setdefault(_RECORDED, []).append(event)
    return event


_RECORDED = "tracker.audit.recorded"


def take_recorded_events(session) -> list[AuditEvent]:
    """The events recorded in `session` since it was last asked (the web
    transaction owner writes those of a GET, which otherwise writes nothing)."""
    return session.info.pop(_RECORDED, [])


def apply_changes(obj: Any, values: Mapping[str, Any]) -> dict[str, list]:
    """Set the attributes of `obj` that differ from `values`; returns
    {name: [old, new]} for the `changes` of an audit event."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [old, new]
            setattr(obj, name, new)
    return changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_recorded(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RECORDED, None)
