"""The shared summary: status counts, late lists, per division and per indicator."""
from datetime import date, timedelta

import pytest

from tracker.ita import MeasureState, WorkGroup
from tracker.measures import queries
from tests.helpers import TODAY


@pytest.fixture
def org_with_work(make_org, make_division, make_user, make_measure, make_assessment, make_progress):
    org = make_org()
    palad, finance, works = make_division(org, "สำนักปลัด"), make_division(org, "กองคลัง"), make_division(org, "กองช่าง")
    assessment = make_assessment(org, 2568, scores={n: 90.0 for n in range(1, 11)} | {9: 80.0})
    m1 = make_measure(org, indicator=1, divisions=[palad], assessment=assessment, steps=[
        {"text": "late 20", "due": TODAY - timedelta(days=20)},
        {"text": "done", "due": TODAY - timedelta(days=40), "status": "done"},
    ])
    m9 = make_measure(org, indicator=9, divisions=[palad, finance], steps=[
        {"text": "late 3", "due": TODAY - timedelta(days=3), "status": "in_progress", "percent": 40},
        {"text": "soon", "due": TODAY + timedelta(days=5)},
        {"text": "later", "due": TODAY + timedelta(days=100)},
    ])
    make_measure(org, indicator=2, fiscal_year=2568, start=date(2024, 10, 1), end=date(2025, 9, 30),
                 divisions=[finance], steps=[{"text": "old open", "due": date(2025, 9, 30)}])
    author = make_user(org, divisions=[palad])
    make_progress(m9.steps[0], author, 40, "in_progress")
    return org, (palad, finance, works), (m1, m9)


def test_summary_counts_and_lists(org_with_work):
    org, (palad, finance, works), (m1, m9) = org_with_work
    summary = queries.summarize(org.id, 2569, TODAY)
    assert [line.step.text for line in summary.overdue] == ["late 20", "late 3"]
    assert [line.days_late for line in summary.overdue] == [20, 3]
    assert [line.step.text for line in summary.due_soon] == ["soon"]
    counts = summary.step_counts
    assert counts[WorkGroup.OVERDUE] == 2 and counts[WorkGroup.DONE] == 1 and counts[WorkGroup.NOT_STARTED] == 1
    assert summary.measure_counts[MeasureState.OVERDUE] == 2
    assert summary.progress == pytest.approx((0 + 100 + 40 + 0 + 0) / 5, abs=0.1)
    assert summary.overdue[1].last_update_at is not None
    assert summary.overdue[1].last_update_at.tzinfo is not None


def test_summary_per_division(org_with_work):
    org, (palad, finance, works), _ = org_with_work
    lines = {line.division.name: line for line in queries.summarize(org.id, 2569, TODAY).divisions}
    assert (lines["สำนักปลัด"].total, lines["สำนักปลัด"].done, lines["สำนักปลัด"].overdue) == (5, 1, 2)
    assert (lines["กองคลัง"].total, lines["กองคลัง"].overdue) == (3, 1)
    assert lines["กองช่าง"].total == 0
    assert lines["กองคลัง"].last_update_at is not None
    assert lines["กองช่าง"].last_update_at is None


def test_summary_per_indicator_marks_scores_under_85(org_with_work):
    org, _, _ = org_with_work
    indicators = {line.number: line for line in queries.summarize(org.id, 2569, TODAY).indicators}
    assert len(indicators) == 10
    assert indicators[9].priority and not indicators[1].priority
    assert indicators[1].progress == 50.0
    assert indicators[3].steps == 0


def test_division_filter(org_with_work):
    org, (palad, finance, works), _ = org_with_work
    summary = queries.summarize(org.id, 2569, TODAY, division_id=finance.id)
    assert {line.step.text for line in summary.steps} == {"late 3", "soon", "later"}
    assert [line.division.name for line in summary.divisions] == ["กองคลัง"]


def test_open_steps_of_earlier_years_stay_listed(org_with_work):
    org, (palad, finance, works), _ = org_with_work
    mine = queries.load_steps(org.id, 2569, division_ids=[finance.id], open_from_earlier_years=True)
    assert "old open" in {s.text for s in mine}
    assert "old open" not in {s.text for s in queries.load_steps(org.id, 2569, division_ids=[finance.id])}


def test_default_fiscal_year(make_org, make_measure):
    org = make_org()
    assert queries.default_fiscal_year(org.id, TODAY) == 2569  # nothing recorded: the current year
    make_measure(org, fiscal_year=2568, start=date(2024, 10, 1), end=date(2025, 9, 30))
    assert queries.default_fiscal_year(org.id, TODAY) == 2568  # the latest with measures
    make_measure(org, fiscal_year=2569)
    assert queries.default_fiscal_year(org.id, TODAY) == 2569


def test_default_fiscal_year_from_the_years_a_page_has_read(make_org, count_queries):
    org_id = make_org().id
    with count_queries() as counter:
        assert queries.default_fiscal_year(org_id, TODAY, [2570, 2569, 2567]) == 2569
        assert queries.default_fiscal_year(org_id, TODAY, [2571, 2570]) == 2570  # none before: the earliest
        assert queries.default_fiscal_year(org_id, TODAY, [2568, 2566]) == 2568
        assert queries.default_fiscal_year(org_id, TODAY, []) == 2569
    assert counter.count == 0


def test_other_organizations_are_not_counted(org_with_work, make_org, make_measure):
    org, _, _ = org_with_work
    make_measure(make_org(), steps=[{"text": "elsewhere", "due": TODAY - timedelta(days=1)}])
    assert "elsewhere" not in {line.step.text for line in queries.summarize(org.id, 2569, TODAY).steps}


def test_summary_query_count_does_not_grow(make_org, make_division, make_measure, make_user, make_progress, count_queries):
    org = make_org()
    division = make_division(org)
    author = make_user(org, divisions=[division])

    def add_measures(count):
        for n in range(count):
            measure = make_measure(org, indicator=n % 10 + 1, divisions=[division],
                                   steps=[{"text": "a", "due": TODAY - timedelta(days=n)}, "b"])
            make_progress(measure.steps[0], author, 50)

    def queries_used():
        from tracker.extensions import db

        db.session.expire_all()
        with count_queries() as counter:
            queries.summarize(org.id, 2569, TODAY)
        return counter.count

    add_measures(3)
    small = queries_used()
    add_measures(30)
    assert queries_used() == small
