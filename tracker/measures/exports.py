"""The columns of the step, measure and division lists as files, the same as on screen."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from ..exports import Column
from ..i18n import format_date, format_datetime, format_fiscal_year
from ..labels import INDICATOR_NAMES, label


def days_words(days_left: int, done: bool) -> str:
    """The "Time" column: done, days late, due today, days left (as `days_text` in _lists.html)."""
    if done:
        return _("Done")
    if days_left < 0:
        return ngettext("%(num)d day late", "%(num)d days late", -days_left)
    if days_left == 0:
        return _("Due today")
    return ngettext("%(num)d day left", "%(num)d days left", days_left)


def step_columns(show_group: bool = True) -> list[Column]:
    columns = [
        Column(_("Fiscal year"), lambda line: format_fiscal_year(line.step.measure.fiscal_year), 10),
        Column(_("Indicator"), lambda line: line.step.measure.indicator_number, 9),
        Column(_("Measure"), lambda line: line.step.measure.title, 40),
        Column(_("Step"), lambda line: line.step.number, 7),
        Column(_("Step text"), lambda line: line.step.text, 50),
        Column(_("Divisions"), lambda line: ", ".join(d.name for d in line.step.divisions), 24),
        Column(_("Due"), lambda line: format_date(line.step.due_date, "short"), 14),
        Column(_("Time"), lambda line: days_words(line.days_left, line.step.is_done), 16),
    ]
    if show_group:
        columns.append(Column(_("Status"), lambda line: label(line.group), 16))
    columns += [
        Column(_("Progress (%)"), lambda line: line.step.percent, 11),
        Column(_("Last update"), lambda line: format_datetime(line.last_update_at) if line.last_update_at else "", 20),
    ]
    return columns


def measure_columns() -> list[Column]:
    return [
        Column(_("Fiscal year"), lambda line: format_fiscal_year(line.measure.fiscal_year), 10),
        Column(_("Indicator"), lambda line: f"{line.measure.indicator_number}. "
               f"{INDICATOR_NAMES.get(line.measure.indicator_number, '')}", 30),
        Column(_("Project or activity"), lambda line: line.measure.title, 60),
        Column(_("Period"), lambda line: f"{format_date(line.measure.start_date, 'short')} – "
               f"{format_date(line.measure.end_date, 'short')}", 24),
        Column(_("Status"), lambda line: label(line.state), 14),
        Column(_("Progress (%)"), lambda line: round(line.progress, 1), 11),
    ]


def division_columns() -> list[Column]:
    return [
        Column(_("Division"), lambda line: line.division.name, 30),
        Column(_("Steps"), lambda line: line.total, 8),
        Column(_("Done"), lambda line: line.done, 8),
        Column(_("Overdue"), lambda line: line.overdue, 8),
        Column(_("Mean progress (%)"), lambda line: round(line.progress, 1), 12),
        Column(_("Last update"), lambda line: format_datetime(line.last_update_at) if line.last_update_at else "", 20),
    ]

