"""How the audit log shows an event's details: Thai names for the recorded keys, BE dates, labels for codes."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from ..i18n import format_date
from ..labels import label

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
}
# Internal ids that mean nothing to a reader; the target column links the record.
HIDDEN_FIELDS = {"update_id", "measure_id"}
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
    if isinstance(value, list):
        return ", ".join(field_value(name, v) for v in value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return format_date(date.fromisoformat(value))
    if name in ("status", "role"):
        from ..auth.models import Role
        from ..measures.models import StepStatus

        for kind in (StepStatus, Role):
            try:
                return label(kind(value))
            except ValueError:
                continue
    if name == "percent":
        return f"{value}%"
    return str(value)


def visible_details(details: dict | None) -> list[tuple[str, object]]:
    return [(k, v) for k, v in (details or {}).items() if k not in HIDDEN_FIELDS and k != "changes"]
