"""What a progress update must say: percent, status, note, work date (pure, no database)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..ita import StepStatus
from ..text import lazy_text as _l
from ..thai import ThaiDateError, format_date_numeric, parse_date, to_arabic_digits
from .status import consistent_status

MAX_NOTE_LENGTH = 5000
# Preparation may start before a measure's period, but not years before it.
WORK_DATE_LEAD = timedelta(days=366)

_PERCENT = re.compile(r"^\s*(\d{1,3})\s*%?\s*$")

FieldErrors = dict[str, list]


@dataclass(frozen=True)
class ProgressInput:
    """A progress update's values once they passed every rule."""

    percent: int
    status: StepStatus
    note: str
    blocked_reason: str | None
    work_date: date


def earliest_work_date(measure_start: date) -> date:
    return measure_start - WORK_DATE_LEAD


def parse_percent(value: object) -> tuple[int | None, object | None]:
    """`(percent, None)` or `(None, message)`; accepts `40`, `"40"`, `"40 %"`, `"๔๐"`."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        number = value
    else:
        text = to_arabic_digits(str(value if value is not None else "")).strip()
        if not text:
            return None, _l("Please give the percent complete (0 to 100).")
        match = _PERCENT.match(text)
        if not match:
            return None, _l("Write the percent complete as a whole number from 0 to 100, for example 60.")
        number = int(match.group(1))
    if not 0 <= number <= 100:
        return None, _l("The percent complete must be between 0 and 100.")
    return number, None


def parse_status(value: object) -> StepStatus | None:
    try:
        return StepStatus(str(value or "").strip())
    except ValueError:
        return None


def parse_work_date(value: object, *, today: date, earliest: date) -> tuple[date | None, object | None]:
    """The date the work was done, typed as Thai users type dates (30/09/2569)."""
    if isinstance(value, date):
        day = value
    else:
        text = str(value or "").strip()
        if not text:
            return None, _l("Please give the date the work was done.")
        try:
            day = parse_date(text)
        except ThaiDateError:
            return None, _l("Write the date as day/month/Buddhist Era year, for example %(example)s.",
                            example=format_date_numeric(today))
    if day > today:
        return None, _l("The work date cannot be in the future.")
    if day < earliest:
        return None, _l("This date is too long ago: the work date cannot be before %(date)s.",
                        date=format_date_numeric(earliest))
    return day, None


def check_progress_input(
    *,
    percent: object,
    status: object,
    note: object,
    work_date: object,
    blocked_reason: object = None,
    today: date,
    earliest: date,
) -> tuple[ProgressInput | None, FieldErrors]:
    """Check every field at once, so the form can show all its errors together.

    Returns the cleaned input, or None and the messages per form field.
    """
    errors: FieldErrors = {}

    def fail(field: str, message) -> None:
        errors.setdefault(field, []).append(message)

    number, message = parse_percent(percent)
    if message:
        fail("percent", message)

    chosen = parse_status(status)
    if chosen is None:
        fail("status", _l("Please choose a status."))

    text = str(note or "").strip()
    if not text:
        fail("note", _l("Please write what was done and any problems met."))
    elif len(text) > MAX_NOTE_LENGTH:
        fail("note", _l("The note is too long (at most %(count)d characters).", count=MAX_NOTE_LENGTH))

    reason = str(blocked_reason or "").strip() or None
    if chosen == StepStatus.BLOCKED and not reason:
        fail("blocked_reason", _l("Please say what is blocking the step."))
    elif reason and len(reason) > MAX_NOTE_LENGTH:
        fail("blocked_reason", _l("The reason is too long (at most %(count)d characters).", count=MAX_NOTE_LENGTH))
    if chosen != StepStatus.BLOCKED:
        reason = None  # a reason belongs only to a blocked step

    if number is not None and chosen is not None and not consistent_status(number, chosen):
        if number == 100:
            fail("status", _l("At 100 percent the step is done: choose “Done”, or give a lower percent."))
        else:
            fail("percent", _l("A done step is 100 percent complete: give 100, or choose another status."))
    elif number and chosen == StepStatus.NOT_STARTED:
        fail("status", _l("A step that has not started is at 0 percent: choose “In progress”, or give 0."))

    day, message = parse_work_date(work_date, today=today, earliest=earliest)
    if message:
        fail("work_date", message)

    if errors:
        return None, errors
    assert number is not None and chosen is not None and day is not None
    return ProgressInput(percent=number, status=chosen, note=text, blocked_reason=reason, work_date=day), {}
