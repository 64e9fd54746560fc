"""Translated labels for the enums shown in pages, e-mails and reports."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from .auth.models import Role
from .ita import MeasureState, StepStatus, WorkGroup
from .orgs.models import OrgKind

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.EXECUTIVE: _l("Executive"),
    Role.DIVISION_HEAD: _l("Division head"),
    Role.STAFF: _l("Staff"),
}

STEP_STATUS_LABELS = {
    StepStatus.NOT_STARTED: _l("Not started"),
    StepStatus.IN_PROGRESS: _l("In progress"),
    StepStatus.DONE: _l("Done"),
    StepStatus.BLOCKED: _l("Blocked"),
    StepStatus.CARRIED: _l("Carried over to the next year"),
}

WORK_GROUP_LABELS = {
    WorkGroup.OVERDUE: _l("Overdue"),
    WorkGroup.DUE_SOON: _l("Due within 14 days"),
    WorkGroup.IN_PROGRESS: _l("In progress"),
    WorkGroup.NOT_STARTED: _l("Not started"),
    WorkGroup.DONE: _l("Done"),
    WorkGroup.CARRIED: _l("Carried over to the next year"),
}

MEASURE_STATE_LABELS = {
    MeasureState.DONE: _l("Done"),
    MeasureState.OVERDUE: _l("Overdue"),
    MeasureState.AT_RISK: _l("At risk"),
    MeasureState.ON_TRACK: _l("On track"),
    MeasureState.CARRIED: _l("Carried over to the next year"),
}

# Bootstrap colour for each state, so that every page uses the same colours.
STATE_COLOURS = {
    StepStatus.NOT_STARTED: "secondary",
    StepStatus.IN_PROGRESS: "primary",
    StepStatus.DONE: "success",
    StepStatus.BLOCKED: "warning",
    StepStatus.CARRIED: "info",
    WorkGroup.OVERDUE: "danger",
    WorkGroup.DUE_SOON: "warning",
    WorkGroup.IN_PROGRESS: "primary",
    WorkGroup.NOT_STARTED: "secondary",
    WorkGroup.DONE: "success",
    WorkGroup.CARRIED: "info",
    MeasureState.DONE: "success",
    MeasureState.OVERDUE: "danger",
    MeasureState.AT_RISK: "warning",
    MeasureState.ON_TRACK: "primary",
    MeasureState.CARRIED: "info",
}

ORG_KIND_LABELS = {
    OrgKind.SAO: _l("Subdistrict Administrative Organization"),
    OrgKind.SUBDISTRICT_MUNICIPALITY: _l("Subdistrict Municipality"),
    OrgKind.TOWN_MUNICIPALITY: _l("Town Municipality"),
    OrgKind.CITY_MUNICIPALITY: _l("City Municipality"),
    OrgKind.PAO: _l("Provincial Administrative Organization"),
    OrgKind.OTHER: _l("Other agency"),
}

INDICATOR_NAMES = {
    1: _l("Performance of duties"),
    2: _l("Use of budget"),
    3: _l("Use of authority"),
    4: _l("Use of government property"),
    5: _l("Corruption problem solving"),
    6: _l("Quality of operations"),
    7: _l("Communication efficiency"),
    8: _l("Improvement of work systems"),
    9: _l("Information disclosure"),
    10: _l("Corruption prevention"),
}


# What each audited action means, for the audit log. Every action a service
# records needs a label here (a test checks), or the log shows its code.
AUDIT_ACTION_LABELS = {
    "organization.create": _l("Organization created"),
    "division.create": _l("Division added"),
    "division.update": _l("Division renamed"),
    "division.archive": _l("Division archived"),
    "division.restore": _l("Division brought back"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password": _l("Password changed"),
    "user.invite": _l("Invitation sent"),
    "user.invitation_accepted": _l("Invitation accepted, password chosen"),
    "user.password_reset_requested": _l("Password reset link sent"),
    "user.password_reset": _l("Password reset with an e-mailed link"),
    "user.two_factor_on": _l("Two-step sign-in turned on"),
    "user.two_factor_off": _l("Two-step sign-in turned off"),
    "user.two_factor_reset": _l("Two-step sign-in reset by an administrator"),
    "user.recovery_codes": _l("New recovery codes made"),
    "user.recovery_code_used": _l("Signed in with a recovery code"),
    "org.require_two_factor": _l("Two-step sign-in requirement changed"),
    "user.language": _l("Language changed"),
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.password_check_failed": _l("Wrong current password on the account page"),
    "auth.lockout": _l("Sign-in slowed down after repeated failures"),
    "auth.logout": _l("Signed out"),
    "auth.logout_everywhere": _l("Signed out everywhere"),
    "auth.session_ended": _l("Another session signed out"),
    "user.deactivate": _l("Account deactivated"),
    "user.activate": _l("Account reactivated"),
    "measure.create": _l("Measure added"),
    "measure.update": _l("Measure changed"),
    "measure.remove": _l("Measure removed"),
    "step.create": _l("Step added"),
    "step.update": _l("Step changed"),
    "step.move": _l("Step moved"),
    "step.remove": _l("Step removed"),
    "step.progress": _l("Progress recorded"),
    "step.progress_withdrawn": _l("Progress entry withdrawn"),
    "step.due_date": _l("Due date moved"),
    "measure.carry_over": _l("Measure carried over to the next fiscal year"),
    "assessment.create": _l("ITA scores entered"),
    "assessment.update": _l("ITA scores corrected"),
    "assessment.import": _l("ITA report imported"),
    "ita_draft.save": _l("ITA analysis report drafted"),
    "ita_draft.adopt": _l("Drafted measures made the next fiscal year's"),
    "step.delete": _l("Step deleted by a new import"),
    "reminders.settings": _l("Reminder rules changed"),
    "reminders.preferences": _l("Notification settings changed"),
    "reminders.test_email": _l("Test e-mail sent"),
    "reminders.retry_now": _l("Waiting e-mails sent again"),
    "report.export": _l("Progress report made"),
    "public_page.enable": _l("Public page switched on"),
    "public_page.disable": _l("Public page switched off"),
    "public_page.note_hidden": _l("Note hidden from the public page"),
    "public_page.note_shown": _l("Note shown on the public page again"),
    "public_page.note_approved": _l("Note approved for the public page"),
    "public_page.review_on": _l("Notes reviewed before the public page"),
    "public_page.review_off": _l("Notes published without review"),
    "evidence.public": _l("Evidence file made public"),
    "evidence.private": _l("Evidence file made private"),
    "calendar.create": _l("Calendar address made"),
    "calendar.regenerate": _l("Calendar address replaced"),
    "calendar.revoke": _l("Calendar address cancelled"),
    "instruction.write": _l("Instruction given"),
    "instruction.answer": _l("Instruction answered"),
}

TARGET_TYPE_LABELS = {
    "Organization": _l("Organization"),
    "Division": _l("Division"),
    "User": _l("User account"),
    "Measure": _l("Measure"),
    "Step": _l("Step"),
    "Assessment": _l("ITA scores"),
    "ProgressUpdate": _l("Progress update"),
    "Evidence": _l("Evidence file"),
    "Notification": _l("E-mail"),
    "CalendarFeed": _l("Calendar address"),
    "Instruction": _l("Instruction"),
}


_LABEL_TABLES = (ROLE_LABELS, STEP_STATUS_LABELS, WORK_GROUP_LABELS, MEASURE_STATE_LABELS, ORG_KIND_LABELS)
# The words of each label in each language, found once: a page of a thousand
# rows asks for the same few labels thousands of times.
_translated: dict[tuple[str, object], str] = {}


def _in_current_language(key: object, lazy) -> str:
    from .i18n import current_locale

    found = (current_locale(), key)
    try:
        return _translated[found]
    except KeyError:
        words = _translated[found] = str(lazy)
        return words


def label(value) -> str:
    for table in _LABEL_TABLES:
        if value in table:
            return _in_current_language(value, table[value])
    return str(value)


def indicator_name(number) -> str:
    lazy = INDICATOR_NAMES.get(number)
    return str(number) if lazy is None else _in_current_language(("indicator", number), lazy)


def colour(value) -> str:
    return STATE_COLOURS.get(value, "secondary")


def action_label(action: str) -> str:
    return str(AUDIT_ACTION_LABELS.get(action, action))


def target_label(kind: str) -> str:
    return str(TARGET_TYPE_LABELS.get(kind, kind))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda role: str(ROLE_LABELS.get(role, role)),
        label=label,
        colour=colour,
        indicator_name=indicator_name,
        action_label=action_label,
        target_label=target_label,
    )
