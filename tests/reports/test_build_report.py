"""The report as of a date: each step as its history stood at the end of that day."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.ita import MeasureState, StepStatus
from tracker.reports.services import build_report, check_as_of, default_as_of, end_of_day

from .conftest import STEP_TEXTS, bangkok


def rows_by_text(report):
    return {row.text: row for _, row in report.steps}


def test_as_of_takes_the_last_update_of_that_day_in_the_organizations_time_zone(report_org):
    rows = rows_by_text(build_report(report_org.org, 2569, date(2026, 3, 31)))
    first = rows[STEP_TEXTS[0]]
    assert (first.status, first.percent) == (StepStatus.DONE, 100)  # recorded 23:30 on 31 March, Bangkok time
    assert first.note.startswith("จัดทำคู่มือแล้วเสร็จ")
    assert first.updated_on == date(2026, 3, 31)
    # Recorded at 00:30 on 1 April in Bangkok (still 31 March in UTC): not yet.
    second = rows[STEP_TEXTS[1]]
    assert (second.status, second.percent, second.note) == (StepStatus.NOT_STARTED, 0, "")
    assert second.updated_on is None


def test_an_earlier_date_shows_the_earlier_update(report_org):
    rows = rows_by_text(build_report(report_org.org, 2569, date(2026, 2, 28)))
    first = rows[STEP_TEXTS[0]]
    assert (first.status, first.percent) == (StepStatus.IN_PROGRESS, 50)
    assert first.note.startswith("ร่างคู่มือแล้ว")
    assert first.evidence_count == 1
    assert first.overdue  # due 31 January, not done by 28 February


def test_evidence_counts_the_files_received_up_to_the_date(report_org):
    rows = rows_by_text(build_report(report_org.org, 2569, date(2026, 3, 31)))
    assert rows[STEP_TEXTS[0]].evidence_count == 2
    assert rows[STEP_TEXTS[1]].evidence_count == 0
    rows = rows_by_text(build_report(report_org.org, 2569, date(2026, 4, 1)))
    assert rows[STEP_TEXTS[1]].evidence_count == 1
    assert (rows[STEP_TEXTS[1]].status, rows[STEP_TEXTS[1]].percent) == (StepStatus.IN_PROGRESS, 40)


def test_problems_and_steps_never_updated(report_org):
    rows = rows_by_text(build_report(report_org.org, 2569, date(2026, 3, 31)))
    blocked = rows[STEP_TEXTS[2]]
    assert (blocked.status, blocked.percent, blocked.problems) == (StepStatus.BLOCKED, 30, "งบประมาณไม่เพียงพอ")
    assert blocked.divisions == ("กองคลัง",)
    # Recorded as done from the start and never updated: done on any date.
    untouched = rows[STEP_TEXTS[3]]
    assert (untouched.status, untouched.percent) == (StepStatus.DONE, 100)


def test_summary_and_measure_states(report_org):
    report = build_report(report_org.org, 2569, date(2026, 3, 31))
    assert [m.indicator_number for m in report.measures] == [1, 9]
    assert [m.indicator_name for m in report.measures] == ["การปฏิบัติหน้าที่", "การเปิดเผยข้อมูล"]
    summary = report.summary
    assert (summary.measures, summary.steps) == (2, 4)
    assert summary.steps_by_status[StepStatus.DONE] == 2
    assert summary.steps_by_status[StepStatus.BLOCKED] == 1
    assert summary.steps_by_status[StepStatus.NOT_STARTED] == 1
    assert summary.steps_overdue == 1  # m9 step 1 was due on 28 February
    assert summary.progress == pytest.approx((100 + 0 + 30 + 100) / 4, abs=0.05)
    assert report.measures[0].state == MeasureState.ON_TRACK
    assert report.measures[1].state == MeasureState.OVERDUE
    assert report.division_order == ("สำนักปลัด", "กองคลัง")


def test_current_report_uses_every_update(report_org):
    rows = rows_by_text(build_report(report_org.org, 2569, date(2026, 3, 31), current=True))
    assert rows[STEP_TEXTS[1]].percent == 40


def test_the_analysis_compares_with_the_previous_assessment(report_org):
    analysis = build_report(report_org.org, 2569, date(2026, 3, 31)).analysis
    assert (analysis.fiscal_year, analysis.previous_fiscal_year) == (2568, 2567)
    assert analysis.overall.change == Decimal("5.88")
    nine = analysis.indicators[8]
    assert (nine.number, nine.score, nine.previous, nine.change) == (9, Decimal("80.00"), Decimal("75.00"), Decimal("5.00"))
    assert [i.number for i in analysis.below_pass] == [2, 9]


def test_a_year_without_measures_is_not_found(report_org):
    with pytest.raises(NotFound):
        build_report(report_org.org, 2570, date(2026, 3, 31))


def test_report_dates_must_be_in_the_year_and_not_in_the_future():
    with pytest.raises(ValidationFailed) as error:
        check_as_of(2569, date(2026, 4, 11), today=date(2026, 4, 10))
    assert error.value.field == "as_of"
    with pytest.raises(ValidationFailed):
        check_as_of(2569, date(2025, 9, 30), today=date(2026, 4, 10))
    check_as_of(2569, date(2025, 10, 1), today=date(2026, 4, 10))


def test_default_date_is_today_or_the_end_of_a_finished_year():
    assert default_as_of(2569, date(2026, 4, 10)) == date(2026, 4, 10)
    assert default_as_of(2569, date(2026, 11, 2)) == date(2026, 9, 30)


def test_end_of_day_is_midnight_in_the_time_zone():
    assert end_of_day(date(2026, 3, 31), "Asia/Bangkok") == bangkok(2026, 4, 1, 0)


def test_query_count_does_not_grow_with_the_organization(report_org, make_measure, make_progress, count_queries):
    def queries_used():
        db.session.expire_all()
        with count_queries() as counter:
            build_report(report_org.org, 2569, date(2026, 3, 31))
        return counter.count

    small = queries_used()
    for n in range(12):
        measure = make_measure(report_org.org, indicator=n % 10 + 1, steps=["ก", "ข", "ค"])
        make_progress(measure.steps[0], report_org.author, 20, created_at=bangkok(2026, 3, 1, 9) + timedelta(hours=n))
    assert queries_used() == small
