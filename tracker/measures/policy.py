"""Who may read and update measures and steps."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..auth.models import Role, User
from ..auth.permissions import ensure_same_org
from ..errors import PermissionDenied
from .models import Step, StepStatus


def can_update_step(user: User, step: Step) -> bool:
    """Admins, and members of a division the step is assigned to.

    Executives read everything but record progress only if they are also
    members of the step's division; other members of the organization read.
    """
    if not user.is_active or user.organization_id != step.organization_id:
        return False
    if step.status == StepStatus.CARRIED:
        return False  # the work goes on in the step it was carried over to
    if user.role == Role.ADMIN:
        return True
    return bool(user.division_ids & {d.id for d in step.divisions})


def ensure_can_update_step(user: User, step: Step) -> None:
    ensure_same_org(user, step.organization_id)
    if step.status == StepStatus.CARRIED:
        from ..errors import ValidationFailed

        raise ValidationFailed(_l("This step was carried over to the next fiscal year; record progress on the step there."))
    if not can_update_step(user, step):
        raise PermissionDenied(
            _l("Only members of the divisions responsible for this step (or an administrator) can record its progress.")
        )
