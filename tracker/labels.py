"""Translated labels for the enums shown in pages, e-mails and reports."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from .auth.models import Role
from .measures.models import StepStatus
from .measures.status import MeasureState, WorkGroup
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
}

WORK_GROUP_LABELS = {
    WorkGroup.OVERDUE: _l("Overdue"),
    WorkGroup.DUE_SOON: _l("Due within 14 days"),
    WorkGroup.IN_PROGRESS: _l("In progress"),
    WorkGroup.NOT_STARTED: _l("Not started"),
    WorkGroup.DONE: _l("Done"),
}

MEASURE_STATE_LABELS = {
    MeasureState.DONE: _l("Done"),
    MeasureState.OVERDUE: _l("Overdue"),
    MeasureState.AT_RISK: _l("At risk"),
    MeasureState.ON_TRACK: _l("On track"),
}

# Bootstrap colour for each state, so that every page uses the same colours.
STATE_COLOURS = {
    StepStatus.NOT_STARTED: "secondary",
    StepStatus.IN_PROGRESS: "primary",
    StepStatus.DONE: "success",
    StepStatus.BLOCKED: "warning",
    WorkGroup.OVERDUE: "danger",
    WorkGroup.DUE_SOON: "warning",
    WorkGroup.IN_PROGRESS: "primary",
    WorkGroup.NOT_STARTED: "secondary",
    WorkGroup.DONE: "success",
    MeasureState.DONE: "success",
    MeasureState.OVERDUE: "danger",
    MeasureState.AT_RISK: "warning",
    MeasureState.ON_TRACK: "primary",
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


# What each audited action means, for the audit log; actions added later by
# other domains show their code until they add a label here.
AUDIT_ACTION_LABELS = {
    "organization.create": _l("Organization created"),
    "division.create": _l("Division added"),
    "division.update": _l("Division renamed"),
    "division.archive": _l("Division archived"),
    "division.restore": _l("Division brought back"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password": _l("Password changed"),
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
    "assessment.create": _l("ITA scores entered"),
    "assessment.update": _l("ITA scores corrected"),
}

TARGET_TYPE_LABELS = {
    "Organization": _l("Organization"),
    "Division": _l("Division"),
    "User": _l("User account"),
    "Measure": _l("Measure"),
    "Step": _l("Step"),
    "Assessment": _l("ITA scores"),
}


def label(value) -> str:
    for table in (ROLE_LABELS, STEP_STATUS_LABELS, WORK_GROUP_LABELS, MEASURE_STATE_LABELS, ORG_KIND_LABELS):
        if value in table:
            return str(table[value])
    return str(value)


def colour(value) -> str:
    return STATE_COLOURS.get(value, "secondary")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda role: str(ROLE_LABELS.get(role, role)),
        label=label,
        colour=colour,
        indicator_name=lambda number: str(INDICATOR_NAMES.get(number, number)),
        action_label=lambda action: str(AUDIT_ACTION_LABELS.get(action, action)),
        target_label=lambda kind: str(TARGET_TYPE_LABELS.get(kind, kind)),
    )
