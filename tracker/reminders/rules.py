"""Reminder rules: who hears about which step on a given day. Pure: plain data in, a plan out.

The rules, with the defaults (each editable per organization):

- due soon: a step that is not done is reminded 14, 7 and 1 days before its
  due date (`days_before`);
- overdue: on the first day late, then every 7 days (`overdue_every`): day 1,
  7, 14, 21 ...;
- escalation: from day 14 late (`escalate_from`) the overdue reminders fall on
  day 14, 21, 28 ... (every `overdue_every` days counted from that day) and
  also go to the organization's executives; the division's own e-mail then
  says that the executives were told;
- the weekly summary goes to the executives on Monday (`digest_weekday`);
- one e-mail per person per day, gathering all of that person's items;
  inactive people hear nothing; people who asked for escalations only hear
  only about escalated steps; nobody gets an e-mail with nothing in it.

Days are counted on the calendar of the organization's time zone: the caller
passes that date (`tracker.timeutil.org_today`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time

from ..errors import FieldErrors, ValidationFailed
from ..ita import StepStatus
from ..measures.status import days_until
from ..text import lazy_text as _l
from ..thai import to_arabic_digits
from .kinds import ItemKind, NotificationKind

MAX_DAYS_BEFORE = 365
MAX_DAYS_BEFORE_COUNT = 10
MAX_OVERDUE_EVERY = 60
MAX_ESCALATE_FROM = 365


@dataclass(frozen=True)
class ReminderRules:
    enabled: bool = True
    days_before: tuple[int, ...] = (14, 7, 1)
    overdue_every: int = 7
    escalate_from: int = 14
    digest_weekday: int | None = 0  # 0 = Monday; None = no weekly summary
    send_time: time = time(8, 0)

    @classmethod
    def from_config(cls, config: Mapping) -> ReminderRules:
        """The defaults of `config.py` (or the environment)."""
        digest = config.get("REMINDER_DIGEST_WEEKDAY", 0)
        return cls(
            days_before=normalize_days_before(config.get("REMINDER_DAYS_BEFORE", (14, 7, 1))),
            overdue_every=int(config.get("REMINDER_OVERDUE_EVERY", 7)),
            escalate_from=int(config.get("REMINDER_ESCALATE_FROM", 14)),
            digest_weekday=None if digest is None else int(digest),
            send_time=parse_send_time(str(config.get("REMINDER_SEND_TIME", "08:00"))),
        )

    def is_digest_day(self, day: date) -> bool:
        return self.digest_weekday is not None and day.weekday() == self.digest_weekday


@dataclass(frozen=True)
class OpenStep:
    """What the rules need to know of a step."""

    step_id: int
    due: date
    status: StepStatus
    division_ids: frozenset[int]


@dataclass(frozen=True)
class Person:
    """A possible recipient: a user of the organization."""

    user_id: int
    memberships: Mapping[int, bool] = field(default_factory=dict)  # division id -> heads it
    is_executive: bool = False
    active: bool = True
    escalations_only: bool = False


@dataclass(frozen=True)
class StepNotice:
    """What a step calls for today, whoever hears it."""

    kind: ItemKind  # DUE_SOON or OVERDUE
    days: int  # days left, or days late
    escalation_day: bool = False


@dataclass(frozen=True)
class PlannedItem:
    step_id: int
    kind: ItemKind
    days: int
    escalated: bool = False


@dataclass
class RecipientPlan:
    """One person's e-mail of the day."""

    user_id: int
    items: list[PlannedItem]
    digest: bool = False
    heads_a_division_concerned: bool = False

    @property
    def kind(self) -> NotificationKind:
        # The digest carries that day's escalations too: one e-mail per person per day.
        return NotificationKind.DIGEST if self.digest else NotificationKind.REMINDER

    def items_of(self, kind: ItemKind) -> list[PlannedItem]:
        return [item for item in self.items if item.kind == kind]


def overdue_reminder_day(days_late: int, rules: ReminderRules) -> tuple[bool, bool]:
    """(is a reminder day, is an escalation day) for a step `days_late` days late."""
    if days_late < 1:
        return False, False
    if days_late >= rules.escalate_from:
        escalation = (days_late - rules.escalate_from) % rules.overdue_every == 0
        return escalation, escalation
    return days_late == 1 or days_late % rules.overdue_every == 0, False


def step_notice(status: StepStatus, due: date, today: date, rules: ReminderRules) -> StepNotice | None:
    """The reminder a step calls for on `today`, or None."""
    if status in (StepStatus.DONE, StepStatus.CARRIED):
        return None
    left = days_until(due, today)
    if left >= 0:
        return StepNotice(ItemKind.DUE_SOON, left) if left in rules.days_before else None
    reminder, escalation = overdue_reminder_day(-left, rules)
    return StepNotice(ItemKind.OVERDUE, -left, escalation) if reminder else None


def _item_order(item: PlannedItem) -> tuple[int, int, int]:
    """Late steps first, the latest first; then the soonest due."""
    if item.kind == ItemKind.DUE_SOON:
        return 1, item.days, item.step_id
    return 0, -item.days, item.step_id


def plan_day(
    steps: Iterable[OpenStep],
    people: Iterable[Person],
    today: date,
    rules: ReminderRules,
    *,
    digest_has_content: bool = True,
) -> list[RecipientPlan]:
    """Everyone's e-mail for `today`: heads of the divisions concerned first,
    then the other members, then executives who are told only of escalations
    or receive the summary.

    `digest_has_content` is false when the organization has no steps to
    summarise, so that executives get no empty summary.
    """
    if not rules.enabled:
        return []
    people = [p for p in people if p.active]
    notices = [(step, notice) for step in steps if (notice := step_notice(step.status, step.due, today, rules))]
    # Escalation means an executive hears of it; with no active executive nobody does.
    executives_listen = any(p.is_executive for p in people)
    digest_today = rules.is_digest_day(today) and digest_has_content

    plans = []
    for person in people:
        items: list[PlannedItem] = []
        heads = False
        for step, notice in notices:
            escalated = notice.escalation_day and executives_listen
            divisions_here = person.memberships.keys() & step.division_ids
            if divisions_here:
                if person.escalations_only and not escalated:
                    continue
                items.append(PlannedItem(step.step_id, notice.kind, notice.days, escalated))
                heads = heads or any(person.memberships[d] for d in divisions_here)
            elif person.is_executive and escalated:
                items.append(PlannedItem(step.step_id, ItemKind.ESCALATION, notice.days, True))
        digest = digest_today and person.is_executive and not person.escalations_only
        if items or digest:
            items.sort(key=_item_order)
            plans.append(RecipientPlan(person.user_id, items, digest, heads))

    def recipient_order(plan: RecipientPlan) -> tuple[int, int]:
        members_first = any(item.kind != ItemKind.ESCALATION for item in plan.items)
        rank = 0 if plan.heads_a_division_concerned else 1 if members_first else 2
        return rank, plan.user_id

    return sorted(plans, key=recipient_order)


# --- reading what an administrator types -----------------------------------------


def normalize_days_before(values: Iterable[int]) -> tuple[int, ...]:
    """Distinct values, largest first: (14, 7, 1)."""
    return tuple(sorted({int(v) for v in values}, reverse=True))


def parse_days_before(text: str) -> tuple[int, ...]:
    """`"14, 7, 1"` (Thai digits, commas or spaces) as (14, 7, 1); empty means none."""
    cleaned = to_arabic_digits(text or "").strip()
    if not cleaned:
        return ()
    parts = [p for p in re.split(r"[\s,;]+", cleaned) if p]
    if not all(p.isascii() and p.isdigit() and len(p) <= 6 for p in parts):
        raise ValidationFailed(
            _l("Write whole numbers of days separated by commas, for example 14, 7, 1."), field="days_before"
        )
    days = normalize_days_before(int(p) for p in parts)
    if any(d > MAX_DAYS_BEFORE for d in days):
        raise ValidationFailed(
            _l("Each number of days must be between 0 and %(max)d.", max=MAX_DAYS_BEFORE), field="days_before"
        )
    if len(days) > MAX_DAYS_BEFORE_COUNT:
        raise ValidationFailed(
            _l("Give at most %(count)d reminders before the due date.", count=MAX_DAYS_BEFORE_COUNT),
            field="days_before",
        )
    return days


def format_days_before(days: Iterable[int]) -> str:
    return ", ".join(str(d) for d in days)


def parse_send_time(text: str) -> time:
    """`"08:00"` (also `8.00`, Thai digits) as a time of day."""
    cleaned = to_arabic_digits(text or "").strip().removesuffix("น.").strip()
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", cleaned)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationFailed(
            _l("Write the time as hours and minutes, for example 08:00."), field="send_time"
        )
    return time(int(match[1]), int(match[2]))


def format_send_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _whole_days(value: object, field: str, maximum: int, out_of_range, errors: FieldErrors) -> int | None:
    text = to_arabic_digits("" if value is None else str(value)).strip()
    if not text:
        errors.add(field, _l("Please give a number of days."))
    elif not (text.isascii() and text.isdigit()):  # ² and ① pass isdigit() but are no numbers
        errors.add(field, _l("Write a whole number of days, for example 7."))
    elif not 1 <= int(text) <= maximum:
        errors.add(field, out_of_range)
    else:
        return int(text)
    return None


NO_DIGEST = "none"  # the weekday choice "no weekly summary"


def _weekday(value: object, errors: FieldErrors) -> int | None:
    text = "" if value is None else str(value).strip()
    if text in ("", NO_DIGEST):
        return None
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    errors.add("digest_weekday", _l("Choose a day of the week."))
    return None


def read_rules(*, enabled: object, days_before: object, overdue_every: object, escalate_from: object,
               digest_weekday: object, send_time: object) -> ReminderRules:
    """Reminder rules as an administrator typed them (Thai digits allowed), every field
    checked at once: `InvalidFields` gives a message per wrong field."""
    errors = FieldErrors()
    days = errors.collect(parse_days_before, "" if days_before is None else str(days_before))
    overdue = _whole_days(overdue_every, "overdue_every", MAX_OVERDUE_EVERY,
                          _l("Repeat overdue reminders every 1 to %(max)d days.", max=MAX_OVERDUE_EVERY), errors)
    escalate = _whole_days(escalate_from, "escalate_from", MAX_ESCALATE_FROM,
                           _l("Escalate from day 1 to day %(max)d late.", max=MAX_ESCALATE_FROM), errors)
    weekday = _weekday(digest_weekday, errors)
    if not str(send_time or "").strip():
        errors.add("send_time", _l("Please give a time."))
        at = None
    else:
        at = errors.collect(parse_send_time, str(send_time))
    errors.raise_any()
    rules = ReminderRules(enabled=bool(enabled), days_before=days, overdue_every=overdue, escalate_from=escalate,
                          digest_weekday=weekday, send_time=at)
    check_rules(rules)
    return rules


def check_rules(rules: ReminderRules) -> None:
    """Refuse numbers that make no sense, with the field they concern."""
    if not 1 <= rules.overdue_every <= MAX_OVERDUE_EVERY:
        raise ValidationFailed(
            _l("Repeat overdue reminders every 1 to %(max)d days.", max=MAX_OVERDUE_EVERY), field="overdue_every"
        )
    if not 1 <= rules.escalate_from <= MAX_ESCALATE_FROM:
        raise ValidationFailed(
            _l("Escalate from day 1 to day %(max)d late.", max=MAX_ESCALATE_FROM), field="escalate_from"
        )
    if rules.digest_weekday is not None and not 0 <= rules.digest_weekday <= 6:
        raise ValidationFailed(_l("Choose a day of the week."), field="digest_weekday")
    if any(not 0 <= d <= MAX_DAYS_BEFORE for d in rules.days_before):
        raise ValidationFailed(
            _l("Each number of days must be between 0 and %(max)d.", max=MAX_DAYS_BEFORE), field="days_before"
        )
