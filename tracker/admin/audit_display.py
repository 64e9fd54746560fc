"""How the audit log shows an event's details: Thai names for the recorded keys, BE dates, labels for codes."""
from __future__ import annotations

import re
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..i18n import format_date
from ..labels import label
from ..reminders.forms import WEEKDAY_NAMES

FIELD_LABELS = {
    "percent": _l("Percent complete"),
    "status": _l("Status"),
    "work_date": _l("Date the work was done"),
    "files": _l("Evidence files"),
    "text": _l("Step"),
    "number": _l("Step number"),
    "position": _l("Step number"),
    "due_date": _l("Due date"),
    "divisions": _l("Divisions"),
    "heads": _l("Head of"),
    "title": _l("Project or activity"),
    "fiscal_year": _l("Fiscal year"),
    "indicator_number": _l("Indicator"),
    "start_date": _l("Period from"),
    "end_date": _l("Period to"),
    "steps": _l("Steps"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "locale": _l("Language"),
    "name": _l("Name"),
    "display_name": _l("Name"),
    "short_name": _l("Short name"),
    "slug": _l("Short web name"),
    "overall_score": _l("Overall score"),
    "level": _l("Level"),
    "iit_score": "IIT",
    "eit1_score": _l("EIT, part 1"),
    "eit2_score": _l("EIT, part 2"),
    "oit_score": "OIT",
    "enabled": _l("Send reminder e-mails"),
    "days_before": _l("Remind this many days before the due date"),
    "overdue_every": _l("Remind about an overdue step every (days)"),
    "escalate_from": _l("Tell the executives from this day late"),
    "digest_weekday": _l("Weekly summary to the executives"),
    "send_time": _l("Send at (organization time)"),
    "escalations_only": _l("Only steps reported to the executives"),
    "to": _l("To"),
    "scope": _l("Calendar"),
    "format": _l("File format"),
    "as_of": _l("Data as of"),
    "thai_digits": _l("Thai digits throughout (๑ ๒ ๓)"),
    "source": _l("Report file"),
    "replaced": _l("Replaced the earlier import"),
    "measures_created": _l("Measures added"),
    "measures_kept": _l("Measures kept"),
    "measures_removed": _l("Measures removed"),
    "steps_created": _l("Steps added"),
    "steps_kept": _l("Steps kept"),
    "steps_removed": _l("Steps removed"),
    "new_divisions": _l("New divisions"),
    "progress_updates": _l("Progress updates"),
}
CALENDAR_SCOPES = {
    "mine": _l("Deadlines of my divisions"),
    "organization": _l("Deadlines of the whole organization"),
}
# Internal ids that mean nothing to a reader (the target column links the
# record), and the reason of a step.delete, which its label already gives.
HIDDEN_FIELDS = {"update_id", "measure_id", "step_id", "reason"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INDICATOR_FIELD = re.compile(r"^indicator_(\d+)_(score|analysis)$")


def field_label(name: str) -> str:
    if match := _INDICATOR_FIELD.match(name):
        number, part = match.groups()
        what = _l("score") if part == "score" else _l("analysis")
        return str(_l("Indicator %(number)s, %(what)s", number=number, what=what))
    return str(FIELD_LABELS.get(name, name))


def field_value(name: str, value) -> str:
    """A recorded value as a reader expects it: BE dates, translated statuses and roles."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list):
        return ", ".join(field_value(name, v) for v in value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return format_date(date.fromisoformat(value))
    if name in ("status", "role"):
        from ..auth.models import Role
        from ..ita import StepStatus

        for kind in (StepStatus, Role):
            try:
                return label(kind(value))
            except ValueError:
                continue
    if name == "percent":
        return f"{value}%"
    if name == "digest_weekday" and isinstance(value, int) and 0 <= value <= 6:
        return str(WEEKDAY_NAMES[value])
    if name == "scope" and value in CALENDAR_SCOPES:
        return str(CALENDAR_SCOPES[value])
    return str(value)


# The pages an event's record has, and the actions after which it has none.
TARGET_PAGES = {"Step": ("measures.step_detail", "step_id"), "Measure": ("measures.measure_detail", "measure_id")}
REMOVALS = {"step.remove", "step.delete", "measure.remove"}


def target_url(event) -> str | None:
    """The page of the record an event concerns, if it has one and the event did not remove it."""
    page = TARGET_PAGES.get(event.target_type)
    if page is None or event.target_id is None or event.action in REMOVALS:
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: event.target_id})


def visible_details(details: dict | None) -> list[tuple[str, object]]:
    return [(k, v) for k, v in (details or {}).items() if k not in HIDDEN_FIELDS and k != "changes"]
