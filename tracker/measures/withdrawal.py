"""Withdrawing a mistaken progress entry: it stays in the history, marked, and stops counting."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..auth.models import Role, User
from ..auth.permissions import ensure_same_org
from ..errors import Conflict, InvalidFields, PermissionDenied
from ..extensions import db
from ..timeutil import utcnow
from .queries import not_withdrawn
from .models import ProgressUpdate, ProgressWithdrawal, Step, StepStatus

# An author may take back their own entry for this long; an administrator at any time.
AUTHOR_WINDOW = timedelta(days=7)
MAX_REASON = 1000


class AlreadyWithdrawn(Conflict):
    """Someone withdrew this entry first."""


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def can_withdraw(user: User, update: ProgressUpdate, now: datetime) -> bool:
    """The entry's author within seven days of writing it, or an administrator."""
    if not user.is_active or user.organization_id != update.step.organization_id or update.is_withdrawn:
        return False
    if user.role == Role.ADMIN:
        return True
    return update.author_id == user.id and _as_utc(now) - _as_utc(update.created_at) <= AUTHOR_WINDOW


def withdraw_progress(user: User, update: ProgressUpdate, *, reason: object, now: datetime | None = None
                      ) -> ProgressWithdrawal:
    """Withdraw `update` as `user`, with a reason; the step's percent and status
    return to what its newest remaining entry says (0 and not started if none).

    Two withdrawals of one entry at once: the unique key lets one win; the
    other gets `AlreadyWithdrawn` and nothing of it is saved.
    """
    now = now or utcnow()
    step: Step = update.step
    ensure_same_org(user, step.organization_id)
    text = str(reason or "").strip()
    if not text:
        raise InvalidFields({"reason": [_l("Please say why this entry is withdrawn.")]})
    if len(text) > MAX_REASON:
        raise InvalidFields({"reason": [_l("The text is too long (at most %(count)d characters).", count=MAX_REASON)]})
    if update.is_withdrawn:
        raise AlreadyWithdrawn(_l("This entry has already been withdrawn."))
    if not can_withdraw(user, update, now):
        raise PermissionDenied(_l("Only the author of an entry (within 7 days) or an administrator can withdraw it."))

    withdrawal = ProgressWithdrawal(update_id=update.id, withdrawn_by_id=user.id, withdrawn_at=now, reason=text)
    try:
        with db.session.begin_nested():
            db.session.add(withdrawal)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AlreadyWithdrawn(_l("This entry has just been withdrawn by someone else.")) from None

    remaining = db.session.scalars(
        sa.select(ProgressUpdate)
        .where(ProgressUpdate.step_id == step.id, ProgressUpdate.id != update.id, not_withdrawn())
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
    ).first()
    percent = remaining.percent if remaining else 0
    status = remaining.status if remaining else StepStatus.NOT_STARTED
    if step.status == StepStatus.CARRIED:
        status = StepStatus.CARRIED  # the carry-over stands; only the figure changes
    # Compare-and-set on the version: progress recorded meanwhile would make the
    # figures computed above wrong, so the withdrawal is refused instead.
    changed = db.session.execute(
        sa.update(Step)
        .where(Step.id == step.id, Step.version == step.version)
        .values(percent=percent, status=status, version=step.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session="evaluate")
    )
    if changed.rowcount != 1:
        raise Conflict(_l("Someone recorded progress on this step meanwhile; reload the page and try again."))
    record(step.organization_id, user, "step.progress_withdrawn", step, update_id=update.id,
           author=update.author.display_name, percent=update.percent, status=update.status.value, reason=text,
           step_percent=percent, step_status=status.value)
    db.session.flush()
    db.session.refresh(update)
    return withdrawal
