"""The audit log as a CSV file: UTF-8 with a byte-order mark, so that Excel reads Thai correctly."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from ..audit.models import AuditEvent
from ..labels import action_label, target_label
from ..timeutil import to_local
from .audit_display import field_label, field_value, visible_details

BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def describe_details(details: dict | None) -> str:
    """An event's details in words, one "name: value" after another."""
    details = details or {}
    parts = [f"{field_label(name)}: {field_value(name, old)} → {field_value(name, new)}"
             for name, (old, new) in (details.get("changes") or {}).items()]
    parts += [f"{field_label(name)}: {field_value(name, value)}" for name, value in visible_details(details)
              if name not in ("ip", "user_agent")]
    return "; ".join(parts)


def events_csv(events: Iterable[AuditEvent], *, tz_name: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("When (organization time)"), _("Who"), _("E-mail"), _("What"), _("Action code"),
                     _("Record"), _("Record number"), _("Address"), _("Browser"), _("Details")])
    for event in events:
        details = event.details or {}
        writer.writerow([safe_cell(value) for value in (
            to_local(event.created_at, tz_name).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor.display_name if event.actor else _("The system"),
            event.actor.email if event.actor else "",
            action_label(event.action),
            event.action,
            target_label(event.target_type) if event.target_type else "",
            event.target_id if event.target_id is not None else "",
            details.get("ip", ""),
            details.get("user_agent", ""),
            describe_details(details),
        )])
    return BOM + out.getvalue()
