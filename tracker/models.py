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
from .reminders.models import (
    MailAlert,
    Notification,
    NotificationItem,
    NotificationPreference,
    ReminderRun,
    ReminderSettings,
    SchedulerLease,
)
from .reports.models import ApprovedNote, CalendarFeed, FeedScope, HiddenNote, PublicPage

__all__ = [
    "ApprovedNote",
    "Assessment",
    "AuditEvent",
    "CalendarFeed",
    "Division",
    "Evidence",
    "FeedScope",
    "HiddenNote",
    "IndicatorScore",
    "LoginAttempt",
    "MailAlert",
    "Measure",
    "Membership",
    "Notification",
    "NotificationItem",
    "NotificationPreference",
    "Organization",
    "OrgKind",
    "ProgressUpdate",
    "ReminderRun",
    "ReminderSettings",
    "PublicPage",
    "Role",
    "SchedulerLease",
    "Step",
    "StepStatus",
    "Tool",
    "User",
    "step_divisions",
]
