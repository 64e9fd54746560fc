"""Every model, imported in one place so that the metadata is complete."""
from .audit.models import AuditEvent
from .auth.models import LoginAttempt, Membership, Role, User
from .measures.models import (
    Assessment,
    Evidence,
    IndicatorScore,
    Measure,
    ProgressUpdate,
    Step,
    StepStatus,
    Tool,
    step_divisions,
)
from .orgs.models import Division, Organization, OrgKind

__all__ = [
    "Assessment",
    "AuditEvent",
    "Division",
    "Evidence",
    "IndicatorScore",
    "LoginAttempt",
    "Measure",
    "Membership",
    "Organization",
    "OrgKind",
    "ProgressUpdate",
    "Role",
    "Step",
    "StepStatus",
    "Tool",
    "User",
    "step_divisions",
]
