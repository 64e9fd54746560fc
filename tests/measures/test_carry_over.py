"""A new fiscal year: unfinished steps are carried over once, linked to their originals, which stop being late."""
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tracker.errors import Conflict, InvalidFields
from tracker.extensions import db
from tracker.measures import carryover, queries
from tracker.measures.models import Measure, Step, StepStatus
from tracker.measures.status import WorkGroup, measure_state, StepFacts, MeasureState
from tracker.models import AuditEvent, Role
from tracker.reminders.outbox import plan_messages
from tracker.reminders.rules import ReminderRules

from ..html_forms import open_form

NEW_YEAR_DAY = date(2026, 12, 2)  # FY 2570; FY 2569 has ended


@pytest.fixture
def ended_year(make_org, make_division, make_user, make_measure, monkeypatch, app):
    """FY 2569 with a done step, an unfinished one and a blocked one; plus a fully done measure."""
    monkeypatch.setitem(app.config, "FIXED_TODAY", NEW_YEAR_DAY)
    org = make_org(slug="muangphia", name="องค์การบริหารส่วนตำบลเมืองเพีย")
    palad = make_division(org, "สำนักปลัด", "สป.")
    admin = make_user(org, Role.ADMIN)
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad], email="head@muangphia.example")
    open_measure = make_measure(org, indicator=1, title="จัดทำคู่มือการปฏิบัติงาน", divisions=[palad], steps=[
        {"text": "รวบรวมขั้นตอน", "due": date(2026, 1, 31), "status": "done"},
        {"text": "จัดทำร่างคู่มือ", "due": date(2026, 5, 31), "status": "in_progress", "percent": 60},
        {"text": "เผยแพร่คู่มือ", "due": date(2026, 9, 30)},
    ])
    done_measure = make_measure(org, indicator=2, divisions=[palad], steps=[
        {"text": "เผยแพร่แผน", "due": date(2026, 3, 31), "status": "done"}])
    return org, admin, head, palad, open_measure, done_measure


def test_the_plan_lists_the_unfinished_steps_with_dates_over_the_new_year(ended_year):
    org, _, _, _, open_measure, _ = ended_year
    plan = carryover.plan_carry_over(org, 2569)
    assert (plan.from_year, plan.to_year) == (2569, 2570)
    assert [c.measure.id for c in plan.measures] == [open_measure.id]
    assert [c.step.text for c in plan.measures[0].steps] == ["จัดทำร่างคู่มือ", "เผยแพร่คู่มือ"]
    # The importer's rule over 1 Oct 2569 – 30 Sep 2570: the halfway month's end, then the last day.
    assert [c.due_date for c in plan.measures[0].steps] == [date(2027, 4, 30), date(2027, 9, 30)]


def test_carrying_over_links_the_new_year_to_the_old_and_marks_the_originals(ended_year):
    org, admin, _, palad, open_measure, _ = ended_year
    plan = carryover.plan_carry_over(org, 2569)
    carryover.apply_choices(plan, {plan.measures[0].steps[0].step.id: "15/01/2570",
                                   plan.measures[0].steps[1].step.id: ""})
    [new] = carryover.carry_over(admin, plan)
    db.session.commit()
    new = db.session.get(Measure, new.id)
    assert (new.fiscal_year, new.indicator_number, new.title, new.carried_from_id) == (
        2570, 1, "จัดทำคู่มือการปฏิบัติงาน", open_measure.id)
    assert (new.start_date, new.end_date) == (date(2026, 10, 1), date(2027, 9, 30))
    originals = {s.text: s for s in db.session.get(Measure, open_measure.id).steps}
    assert [(s.text, s.due_date, s.original_due_date, [d.id for d in s.divisions], s.percent) for s in new.steps] == [
        ("จัดทำร่างคู่มือ", date(2027, 1, 15), date(2027, 1, 15), [palad.id], 0),
        ("เผยแพร่คู่มือ", date(2027, 9, 30), date(2027, 9, 30), [palad.id], 0),
    ]
    assert [s.carried_from_id for s in new.steps] == [originals["จัดทำร่างคู่มือ"].id, originals["เผยแพร่คู่มือ"].id]
    assert originals["จัดทำร่างคู่มือ"].status == StepStatus.CARRIED
    assert originals["จัดทำร่างคู่มือ"].percent == 60  # its history says how far it got
    assert originals["รวบรวมขั้นตอน"].status == StepStatus.DONE
    assert db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "measure.carry_over")).all()


def test_a_carried_step_is_neither_done_nor_late(ended_year):
    org, admin, *_ = ended_year
    carryover.carry_over(admin, carryover.plan_carry_over(org, 2569))
    db.session.commit()
    summary = queries.summarize(org.id, 2569, NEW_YEAR_DAY)
    groups = {line.step.text: line.group for line in summary.steps}
    assert groups == {"รวบรวมขั้นตอน": WorkGroup.DONE, "จัดทำร่างคู่มือ": WorkGroup.CARRIED,
                      "เผยแพร่คู่มือ": WorkGroup.CARRIED, "เผยแพร่แผน": WorkGroup.DONE}
    assert summary.overdue == []
    assert {line.measure.indicator_number: line.state for line in summary.measures} == {
        1: MeasureState.CARRIED, 2: MeasureState.DONE}


def test_carrying_twice_carries_once(ended_year):
    org, admin, *_ = ended_year
    carryover.carry_over(admin, carryover.plan_carry_over(org, 2569))
    db.session.commit()
    with pytest.raises(carryover.NothingToCarry) as caught:
        carryover.plan_carry_over(org, 2569)
    assert "2569" in str(caught.value.message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure).where(Measure.fiscal_year == 2570)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Step).where(Step.carried_from_id.is_not(None))) == 2


def test_a_stale_plan_is_refused_and_saves_nothing(ended_year):
    """Two administrators open the page; the second to send is told, and nothing of it is saved."""
    org, admin, *_ = ended_year
    first, second = carryover.plan_carry_over(org, 2569), carryover.plan_carry_over(org, 2569)
    carryover.carry_over(admin, first)
    db.session.commit()
    with pytest.raises(Conflict):
        carryover.carry_over(admin, second)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure).where(Measure.fiscal_year == 2570)) == 1


def test_old_steps_stop_getting_reminders_and_leave_my_work(ended_year):
    org, admin, head, palad, *_ = ended_year
    rules = ReminderRules(enabled=True, days_before=(7, 1), overdue_every=1, escalate_from=30, digest_weekday=None)
    before = plan_messages(org, NEW_YEAR_DAY, rules)
    reminded = {item.step_id for message in before.messages for item in message.items}
    old_open = {s.id for s in db.session.scalars(sa.select(Step).where(Step.status != StepStatus.DONE))}
    assert reminded == old_open  # late, so reminded every day
    assert {line.step.id for line in queries.my_work(org.id, [palad.id], 2570, NEW_YEAR_DAY)} == old_open

    carryover.carry_over(admin, carryover.plan_carry_over(org, 2569))
    db.session.commit()
    after = plan_messages(org, NEW_YEAR_DAY, rules)
    reminded = {item.step_id for message in after.messages for item in message.items}
    assert not reminded & old_open
    todo = queries.my_work(org.id, [palad.id], 2570, NEW_YEAR_DAY)
    assert {line.step.text for line in todo} == {"จัดทำร่างคู่มือ", "เผยแพร่คู่มือ"}
    assert all(line.step.measure.fiscal_year == 2570 for line in todo)


def test_nothing_to_carry_when_every_step_is_done_or_the_year_is_unknown(ended_year, make_measure):
    org, *_ = ended_year
    with pytest.raises(carryover.NothingToCarry):
        carryover.plan_carry_over(org, 2560)
    make_measure(org, indicator=3, fiscal_year=2568, start=date(2024, 10, 1), end=date(2025, 9, 30),
                 steps=[{"text": "เสร็จแล้ว", "status": "done"}])
    with pytest.raises(carryover.NothingToCarry):
        carryover.plan_carry_over(org, 2568)


def test_a_bad_date_or_no_choice_is_refused(ended_year):
    org, *_ = ended_year
    plan = carryover.plan_carry_over(org, 2569)
    step_id = plan.measures[0].steps[0].step.id
    with pytest.raises(InvalidFields) as caught:
        carryover.apply_choices(plan, {step_id: "31/02/2570x"})
    assert f"due_{step_id}" in caught.value.errors
    with pytest.raises(Exception):
        carryover.apply_choices(carryover.plan_carry_over(org, 2569), {})


def test_a_carried_step_takes_no_more_progress(ended_year):
    from tracker.errors import ValidationFailed
    from tracker.measures.services import record_progress

    org, admin, head, *_ = ended_year
    carryover.carry_over(admin, carryover.plan_carry_over(org, 2569))
    db.session.commit()
    old = db.session.scalars(sa.select(Step).where(Step.status == StepStatus.CARRIED)).first()
    with pytest.raises(ValidationFailed):
        record_progress(head, old, percent=80, status="in_progress", note="x", work_date=NEW_YEAR_DAY,
                        base_version=old.version, today=NEW_YEAR_DAY)
    db.session.rollback()


# --- the command line -------------------------------------------------------------------

def test_the_command_carries_once_and_says_why_not_twice(app, ended_year):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["measures", "carry-over", "--org", "muangphia", "--from-year", "2569", "--dry-run",
                              "--json"])
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert (planned["carried"], planned["steps"], planned["to_year"]) == (False, 2, 2570)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure).where(Measure.fiscal_year == 2570)) == 0

    done = runner.invoke(args=["measures", "carry-over", "--org", "องค์การบริหารส่วนตำบลเมืองเพีย",
                               "--from-year", "2569"])
    assert done.exit_code == 0, done.output
    assert "Carried 2 unfinished step(s) of fiscal year 2569 into 2570" in done.stdout
    again = runner.invoke(args=["measures", "carry-over", "--org", "muangphia", "--from-year", "2569"])
    assert again.exit_code == 1 and "ยกไปปีถัดไปแล้ว" in again.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure).where(Measure.fiscal_year == 2570)) == 1


@pytest.mark.parametrize(("args", "code"), [
    (["--org", "nowhere", "--from-year", "2569"], 1),
    (["--org", "muangphia", "--from-year", "2555"], 1),
    (["--org", "muangphia"], 2),
    (["--org", "muangphia", "--from-year", "soon"], 2),
])
def test_the_command_refuses_clearly(app, ended_year, args, code):
    result = app.test_cli_runner().invoke(args=["measures", "carry-over", *args])
    assert result.exit_code == code, result.output


# --- the pages ----------------------------------------------------------------------------

def test_the_admin_page_previews_and_carries_the_chosen_steps(client, sign_in, ended_year):
    org, admin, _, _, open_measure, _ = ended_year
    sign_in(admin)
    page = client.get("/fiscal-years/carry-over")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "เริ่มปีงบประมาณใหม่" in html
    assert "จัดทำร่างคู่มือ" in html and "เผยแพร่คู่มือ" in html and "รวบรวมขั้นตอน" not in html
    assert 'value="30/04/2570"' in html  # the proposed date, editable
    fields = open_form(client, "/fiscal-years/carry-over")
    keep, drop = (s.id for s in open_measure.steps[1:])
    fields["carry"] = [str(keep)]
    fields[f"due_{keep}"] = "20/12/2569"
    response = client.post("/fiscal-years/carry-over", data=fields)
    assert response.status_code == 302 and "year=2570" in response.headers["Location"]
    new = db.session.scalars(sa.select(Step).where(Step.carried_from_id == keep)).one()
    assert new.due_date == date(2026, 12, 20)
    assert db.session.get(Step, drop).status == StepStatus.NOT_STARTED  # left where it was
    # The step page of the original says where the work went.
    old_page = client.get(f"/steps/{keep}").get_data(as_text=True)
    assert "ยกไปปี 2570" in old_page and f'href="/steps/{new.id}"' in old_page


def test_only_administrators_open_the_page(client, sign_in, ended_year):
    _, _, head, *_ = ended_year
    sign_in(head)
    assert client.get("/fiscal-years/carry-over").status_code == 403


def test_an_ended_year_shows_a_banner_leading_to_the_current_one(client, sign_in, ended_year, make_measure):
    org, admin, *_ = ended_year
    sign_in(admin)
    html = client.get("/dashboard").get_data(as_text=True)  # no FY 2570 measures yet: 2569 is shown
    assert 'id="ended-year"' in html and "ปีงบประมาณ 2569 สิ้นสุดแล้ว" in html
    assert "/dashboard?year=2570" in html and "/fiscal-years/carry-over?year=2569" in html
    carryover.carry_over(admin, carryover.plan_carry_over(org, 2569))
    db.session.commit()
    html = client.get("/dashboard").get_data(as_text=True)  # now the current year has measures
    assert 'id="ended-year"' not in html and '<option value="2570" selected>' in html


def test_a_division_counts_a_carried_step_once_as_open(ended_year):
    """Archiving a division waits for its open steps; a carried original is not one, its successor is."""
    from tracker.orgs.services import open_step_count

    org, admin, _, palad, *_ = ended_year
    assert open_step_count(palad) == 2
    carryover.carry_over(admin, carryover.plan_carry_over(org, 2569))
    db.session.commit()
    assert open_step_count(palad) == 2  # the two new steps of 2570, not also their originals
