"""The reminder rules at their edges: pure functions, no database."""
from datetime import date, time, timedelta

import pytest

from tracker.errors import ValidationFailed
from tracker.ita import StepStatus
from tracker.reminders.models import ItemKind, NotificationKind
from tracker.reminders.rules import (
    OpenStep,
    Person,
    PlannedItem,
    ReminderRules,
    check_rules,
    overdue_reminder_day,
    parse_days_before,
    parse_send_time,
    plan_day,
    step_notice,
)

MONDAY = date(2026, 3, 16)
TUESDAY = MONDAY + timedelta(days=1)
RULES = ReminderRules()

PALAD, FINANCE, WORKS = 1, 2, 3


def step(step_id=1, *, due_in=None, late=None, status=StepStatus.NOT_STARTED, divisions=(PALAD,), today=TUESDAY):
    due = today + timedelta(days=due_in) if due_in is not None else today - timedelta(days=late)
    return OpenStep(step_id, due, status, frozenset(divisions))


def member(user_id, *divisions, head=False, **fields):
    return Person(user_id, {d: head for d in divisions}, **fields)


def executive(user_id, **fields):
    return Person(user_id, {}, is_executive=True, **fields)


def items_by_user(plans):
    return {plan.user_id: plan.items for plan in plans}


# --- one step on one day ---------------------------------------------------------------

@pytest.mark.parametrize("days_left", [14, 7, 1])
def test_due_soon_exactly_14_7_and_1_days_before(days_left):
    notice = step_notice(StepStatus.NOT_STARTED, TUESDAY + timedelta(days=days_left), TUESDAY, RULES)
    assert notice is not None and notice.kind == ItemKind.DUE_SOON and notice.days == days_left


@pytest.mark.parametrize("days_left", [15, 13, 8, 6, 2, 0])
def test_no_due_soon_reminder_on_the_days_between(days_left):
    assert step_notice(StepStatus.IN_PROGRESS, TUESDAY + timedelta(days=days_left), TUESDAY, RULES) is None


def test_first_late_day_is_reminded():
    notice = step_notice(StepStatus.NOT_STARTED, TUESDAY - timedelta(days=1), TUESDAY, RULES)
    assert (notice.kind, notice.days, notice.escalation_day) == (ItemKind.OVERDUE, 1, False)


@pytest.mark.parametrize("days_late, reminded, escalated", [
    (1, True, False), (2, False, False), (6, False, False), (7, True, False), (8, False, False),
    (13, False, False), (14, True, True), (15, False, False), (20, False, False), (21, True, True),
    (28, True, True), (100, False, False), (105, True, True),
])
def test_overdue_every_seven_days_and_escalation_from_day_14(days_late, reminded, escalated):
    assert overdue_reminder_day(days_late, RULES) == (reminded, escalated)
    notice = step_notice(StepStatus.BLOCKED, TUESDAY - timedelta(days=days_late), TUESDAY, RULES)
    assert (notice is not None) == reminded
    if notice:
        assert notice.escalation_day == escalated


def test_due_today_is_neither_soon_nor_late_by_default():
    assert step_notice(StepStatus.NOT_STARTED, TUESDAY, TUESDAY, RULES) is None
    assert step_notice(StepStatus.NOT_STARTED, TUESDAY, TUESDAY, ReminderRules(days_before=(0,))).days == 0


def test_a_done_step_is_never_reminded():
    for offset in (-14, -7, -1, 1, 7, 14):
        assert step_notice(StepStatus.DONE, TUESDAY + timedelta(days=offset), TUESDAY, RULES) is None


def test_escalation_not_aligned_with_the_overdue_rhythm_restarts_it():
    rules = ReminderRules(overdue_every=7, escalate_from=10)
    reminder_days = [d for d in range(1, 40) if overdue_reminder_day(d, rules)[0]]
    escalation_days = [d for d in range(1, 40) if overdue_reminder_day(d, rules)[1]]
    assert reminder_days == [1, 7, 10, 17, 24, 31, 38]
    assert escalation_days == [10, 17, 24, 31, 38]


def test_other_settings_change_the_days():
    rules = ReminderRules(days_before=(30, 3), overdue_every=3, escalate_from=9)
    assert step_notice(StepStatus.NOT_STARTED, TUESDAY + timedelta(days=30), TUESDAY, rules) is not None
    assert step_notice(StepStatus.NOT_STARTED, TUESDAY + timedelta(days=14), TUESDAY, rules) is None
    assert [d for d in range(1, 16) if overdue_reminder_day(d, rules)[0]] == [1, 3, 6, 9, 12, 15]
    assert [d for d in range(1, 16) if overdue_reminder_day(d, rules)[1]] == [9, 12, 15]


# --- who hears it -------------------------------------------------------------------

def test_a_step_done_the_day_before_sends_nothing():
    # Due tomorrow (a 1-day reminder) and 7 days late (an overdue reminder), both finished yesterday.
    steps = [step(1, due_in=1, status=StepStatus.DONE), step(2, late=7, status=StepStatus.DONE)]
    assert plan_day(steps, [member(10, PALAD, head=True), executive(20)], TUESDAY, RULES) == []


def test_a_step_with_two_divisions_reaches_the_members_of_both():
    plans = plan_day([step(1, due_in=7, divisions=(PALAD, FINANCE))],
                     [member(10, PALAD), member(11, FINANCE), member(12, WORKS)], TUESDAY, RULES)
    assert items_by_user(plans) == {
        10: [PlannedItem(1, ItemKind.DUE_SOON, 7)],
        11: [PlannedItem(1, ItemKind.DUE_SOON, 7)],
    }


def test_a_user_in_two_divisions_gets_one_email_with_every_item_once():
    steps = [step(1, due_in=7, divisions=(PALAD,)), step(2, late=1, divisions=(FINANCE,)),
             step(3, due_in=14, divisions=(PALAD, FINANCE))]
    plans = plan_day(steps, [member(10, PALAD, FINANCE)], TUESDAY, RULES)
    assert len(plans) == 1
    assert [(i.step_id, i.kind) for i in plans[0].items] == [
        (2, ItemKind.OVERDUE), (1, ItemKind.DUE_SOON), (3, ItemKind.DUE_SOON)]


def test_items_are_ordered_latest_first_then_soonest_due():
    steps = [step(1, due_in=14), step(2, late=1), step(3, due_in=1), step(4, late=21)]
    plans = plan_day(steps, [member(10, PALAD)], TUESDAY, RULES)
    assert [i.step_id for i in plans[0].items] == [4, 2, 3, 1]


def test_heads_come_first_then_members_then_executives():
    people = [executive(1), member(2, PALAD), member(3, PALAD, head=True), member(4, FINANCE, head=True)]
    plans = plan_day([step(1, late=14, divisions=(PALAD,))], people, TUESDAY, RULES)
    assert [p.user_id for p in plans] == [3, 2, 1]


def test_inactive_users_hear_nothing():
    people = [member(10, PALAD, active=False), executive(20, active=False)]
    assert plan_day([step(1, late=14), step(2, due_in=7)], people, MONDAY, RULES) == []


def test_opted_out_users_hear_only_of_escalated_steps():
    steps = [step(1, due_in=7), step(2, late=7), step(3, late=14)]
    plans = plan_day(steps, [member(10, PALAD, escalations_only=True), executive(20)], TUESDAY, RULES)
    assert items_by_user(plans)[10] == [PlannedItem(3, ItemKind.OVERDUE, 14, escalated=True)]


def test_opted_out_user_with_nothing_escalated_gets_no_email():
    plans = plan_day([step(1, due_in=7), step(2, late=1)], [member(10, PALAD, escalations_only=True)], TUESDAY, RULES)
    assert plans == []


def test_executives_hear_escalations_from_day_14_not_before():
    people = [member(10, PALAD, head=True), executive(20)]
    for late, expected in [(7, None), (13, None), (14, 14), (15, None), (21, 21)]:
        plans = items_by_user(plan_day([step(1, late=late)], people, TUESDAY, RULES))
        if expected is None:
            assert 20 not in plans, late
        else:
            assert plans[20] == [PlannedItem(1, ItemKind.ESCALATION, expected, escalated=True)]


def test_the_head_sees_that_the_step_was_escalated():
    people = [member(10, PALAD, head=True), executive(20)]
    head_items = items_by_user(plan_day([step(1, late=14), step(2, late=7)], people, TUESDAY, RULES))[10]
    assert [(i.step_id, i.escalated) for i in head_items] == [(1, True), (2, False)]


def test_without_an_active_executive_nothing_is_called_escalated():
    people = [member(10, PALAD, head=True), executive(20, active=False)]
    plans = plan_day([step(1, late=14)], people, TUESDAY, RULES)
    assert items_by_user(plans) == {10: [PlannedItem(1, ItemKind.OVERDUE, 14, escalated=False)]}


def test_an_executive_who_is_also_a_member_gets_the_step_once():
    people = [Person(20, {PALAD: False}, is_executive=True)]
    plans = plan_day([step(1, late=21)], people, TUESDAY, RULES)
    assert items_by_user(plans) == {20: [PlannedItem(1, ItemKind.OVERDUE, 21, escalated=True)]}


def test_opted_out_executive_still_hears_escalations_but_no_summary():
    plans = plan_day([step(1, late=14, today=MONDAY)], [executive(20, escalations_only=True)], MONDAY, RULES)
    assert [(p.user_id, p.digest, [i.kind for i in p.items]) for p in plans] == [(20, False, [ItemKind.ESCALATION])]


# --- the weekly summary -----------------------------------------------------------------

def test_monday_summary_goes_to_executives_only():
    people = [member(10, PALAD), executive(20), Person(30, {}, is_executive=False)]
    plans = plan_day([], people, MONDAY, RULES)
    assert [(p.user_id, p.kind) for p in plans] == [(20, NotificationKind.DIGEST)]
    assert plan_day([], people, TUESDAY, RULES) == []


def test_summary_day_is_configurable_and_can_be_switched_off():
    assert plan_day([], [executive(20)], TUESDAY, ReminderRules(digest_weekday=1))[0].digest
    assert plan_day([], [executive(20)], MONDAY, ReminderRules(digest_weekday=None)) == []


def test_no_summary_when_there_is_nothing_to_summarise():
    assert plan_day([], [executive(20)], MONDAY, RULES, digest_has_content=False) == []


def test_monday_summary_carries_that_days_escalations():
    plans = plan_day([step(1, late=14, today=MONDAY)], [executive(20)], MONDAY, RULES)
    assert len(plans) == 1 and plans[0].kind == NotificationKind.DIGEST
    assert plans[0].items == [PlannedItem(1, ItemKind.ESCALATION, 14, escalated=True)]


def test_switched_off_rules_plan_nothing():
    assert plan_day([step(1, late=14)], [member(10, PALAD), executive(20)], MONDAY, ReminderRules(enabled=False)) == []


# --- time zone ---------------------------------------------------------------------------

def test_the_day_counted_is_the_organizations_not_utc():
    from datetime import datetime, timezone

    from tracker.timeutil import today_in

    # 18:30 UTC on 15 March is already 01:30 on 16 March in Bangkok.
    now = datetime(2026, 3, 15, 18, 30, tzinfo=timezone.utc)
    bangkok, utc = today_in("Asia/Bangkok", now), today_in("UTC", now)
    assert (bangkok, utc) == (date(2026, 3, 16), date(2026, 3, 15))
    due = date(2026, 3, 23)
    assert step_notice(StepStatus.NOT_STARTED, due, bangkok, RULES).days == 7
    assert step_notice(StepStatus.NOT_STARTED, due, utc, RULES) is None


# --- settings as typed -----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("14, 7, 1", (14, 7, 1)), ("1 7 14", (14, 7, 1)), ("๑๔,๗,๑", (14, 7, 1)), ("7,7", (7,)), ("", ()), ("0", (0,)),
])
def test_days_before_as_typed(text, expected):
    assert parse_days_before(text) == expected


@pytest.mark.parametrize("text", ["14, seven", "-1", "1.5", "400", ",".join(str(n) for n in range(11))])
def test_bad_days_before_are_refused_with_the_field(text):
    with pytest.raises(ValidationFailed) as error:
        parse_days_before(text)
    assert error.value.field == "days_before"


@pytest.mark.parametrize("text, expected", [("08:00", time(8)), ("8.30", time(8, 30)), ("๐๗:๑๕ น.", time(7, 15))])
def test_send_time_as_typed(text, expected):
    assert parse_send_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "8", "08:60", "eight"])
def test_bad_send_time_is_refused(text):
    with pytest.raises(ValidationFailed) as error:
        parse_send_time(text)
    assert error.value.field == "send_time"


@pytest.mark.parametrize("fields, field", [
    ({"overdue_every": 0}, "overdue_every"), ({"overdue_every": 61}, "overdue_every"),
    ({"escalate_from": 0}, "escalate_from"), ({"digest_weekday": 7}, "digest_weekday"),
])
def test_rules_out_of_range_are_refused(fields, field):
    with pytest.raises(ValidationFailed) as error:
        check_rules(ReminderRules(**fields))
    assert error.value.field == field


def test_defaults_come_from_the_config():
    rules = ReminderRules.from_config({"REMINDER_DAYS_BEFORE": (1, 14, 7), "REMINDER_OVERDUE_EVERY": 7,
                                       "REMINDER_ESCALATE_FROM": 14, "REMINDER_DIGEST_WEEKDAY": 0,
                                       "REMINDER_SEND_TIME": "08:00"})
    assert rules == ReminderRules()
