"""Every model, imported in one place so that the metadata is complete."""
from .audit.models import AuditEvent
from .auth.account_models import AccountToken, RecoveryCode, TwoFactor
from .auth.models import LoginAttempt, Membership, Role, User, UserSession
from .drafting.models import DocumentText, MeasureDraft
from .inbox.models import Notice, NoticeKind
from .instructions.models import Instruction, InstructionFile, InstructionReply, instruction_divisions
from .ita import StepStatus, Tool
from .measures.models import (
    Assessment,
    Evidence,
    IndicatorScore,
    Measure,
    ProgressUpdate,
    Step,
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
    "AccountToken",
    "RecoveryCode",
    "TwoFactor",
    "ApprovedNote",
    "Assessment",
    "AuditEvent",
    "CalendarFeed",
    "Division",
    "DocumentText",
    "Evidence",
    "FeedScope",
    "HiddenNote",
    "IndicatorScore",
    "Instruction",
    "InstructionFile",
    "InstructionReply",
    "LoginAttempt",
    "MailAlert",
    "Measure",
    "MeasureDraft",
    "Membership",
    "Notice",
    "NoticeKind",
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
    "instruction_divisions",
    "UserSession",
    "step_divisions",
]
