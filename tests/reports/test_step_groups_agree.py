"""Every view counts steps in the same exclusive groups: the dashboard, the report in
every format (Word, Excel, print/PDF), the weekly digest and the public page.

For random steps, each view's groups add up to the number of steps, and every
view shows the same count for each group (the 29-of-22 bug: the report counted
status and lateness separately).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from io import BytesIO
from types import SimpleNamespace

import openpyxl
from docx import Document
from flask import render_template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.measures.models import StepStatus
from tracker.measures.queries import Summary, step_line
from tracker.ita import WORK_GROUP_ORDER, WorkGroup
from tracker.measures.status import group_counts, work_group
from tracker.reminders.messages import DigestView, Links
from tracker.reports import wording
from tracker.reports.docx_writer import render_docx
from tracker.reports.report import ProgressReport, measure_section, step_row
from tracker.reports.xlsx_writer import render_xlsx
from tracker.reports.wording import Numbers

TODAY = date(2026, 3, 16)

step_strategy = st.tuples(
    st.sampled_from(list(StepStatus)),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=-120, max_value=120),  # due, in days from today
)
measures_strategy = st.lists(st.lists(step_strategy, min_size=1, max_size=6), min_size=1, max_size=4)


def build(measures: list[list[tuple]]) -> tuple[ProgressReport, Summary]:
    """The same steps as the report sees them and as the dashboard's summary sees them."""
    sections, lines, step_id = [], [], 0
    for index, steps in enumerate(measures, start=1):
        rows = []
        for number, (status, percent, offset) in enumerate(steps, start=1):
            step_id += 1
            percent = 100 if status == StepStatus.DONE else min(percent, 99)
            due = TODAY + timedelta(days=offset)
            rows.append(step_row(step_id=step_id, number=number, text=f"ขั้นตอน {step_id}", divisions=["กองคลัง"],
                                 due_date=due, as_of=TODAY, status=status, percent=percent))
            step = SimpleNamespace(id=step_id, status=status, percent=percent, due_date=due, original_due_date=due)
            lines.append(step_line(step, TODAY))
        sections.append(measure_section(measure_id=index, indicator_number=index, indicator_name="ตัวชี้วัด",
                                        title=f"มาตรการ {index}", start_date=date(2025, 10, 1),
                                        end_date=date(2026, 9, 30), steps=rows, as_of=TODAY))
    report = ProgressReport("องค์การบริหารส่วนตำบลทดสอบ", 2569, TODAY, tuple(sections))
    summary = Summary(fiscal_year=2569, today=TODAY, steps=lines, measures=[], divisions=[], indicators=[],
                      assessment=None)
    return report, summary


def table_groups(pairs: list[tuple[str, str]]) -> dict[str, int]:
    """The step lines of a summary table: those between the steps' total and the mean progress."""
    labels = [label for label, _ in pairs]
    start, end = labels.index(wording.STEPS_TOTAL), labels.index(wording.MEAN_PROGRESS)
    return {label: int(value) for label, value in pairs[start + 1:end]}


def docx_groups(report: ProgressReport) -> dict[str, int]:
    table = Document(BytesIO(render_docx(report))).tables[0]
    return table_groups([(row.cells[0].text, row.cells[1].text) for row in table.rows[1:]])


def xlsx_groups(report: ProgressReport) -> dict[str, int]:
    book = openpyxl.load_workbook(BytesIO(render_xlsx(report)))
    sheet = book[wording.SHEET_SUMMARY]
    return table_groups([(str(label), value) for label, value in sheet.iter_rows(max_col=2, values_only=True) if label])


def html_groups(report: ProgressReport) -> dict[str, int]:
    """The print view and the PDF share this part of the document."""
    html = render_template("reports/_document.html", report=report, n=Numbers(), w=wording)
    summary = html[html.index('class="report-table report-summary"'):html.index("</table>")]
    pairs = [(unescape(label), value) for label, value in
             re.findall(r'<th scope="row"[^>]*>([^<]+)</th><td>([^<]+)</td>', summary)]
    return table_groups(pairs)


def public_groups(report: ProgressReport) -> dict[str, int]:
    data = SimpleNamespace(last_update=None, report=report, notes={}, files={})
    html = render_template("reports/public.html", org=SimpleNamespace(name="อบต.ทดสอบ", slug="t"), data=data,
                           report=report, n=Numbers(), w=wording, years=[2569])
    listing = html[html.index('id="step-groups"'):]
    listing = listing[:listing.index("</ul>")]
    return {unescape(label.strip()): int(value)
            for label, value in re.findall(r'<li class="list-inline-item">([^<]+)<strong>([^<]+)</strong>', listing)}


def digest_groups(summary: Summary) -> dict[str, int]:
    return dict(DigestView(summary, Links()).step_groups)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(measures=measures_strategy)
def test_every_view_counts_the_same_groups(app, measures):
    report, summary = build(measures)
    total = sum(len(steps) for steps in measures)
    expected = group_counts(work_group(s, TODAY + timedelta(days=d), TODAY) for steps in measures for s, _, d in steps)
    assert sum(expected.values()) == total

    # The dashboard (and the steps list behind its figures) and the report's data.
    assert summary.step_counts == expected
    assert report.summary.steps_by_group == expected
    assert report.summary.steps == total

    # Each format of the report shows the groups by their document words, in the dashboard's order.
    in_words = {wording.WORK_GROUP[group]: expected[group] for group in WORK_GROUP_ORDER}
    with app.test_request_context():
        for groups in (docx_groups(report), xlsx_groups(report), html_groups(report), public_groups(report)):
            assert groups == in_words
            assert list(groups) == list(in_words)
            assert sum(groups.values()) == total
        # The digest, in the recipient's language (here the default, Thai).
        digest = digest_groups(summary)
        assert list(digest.values()) == [expected[group] for group in WORK_GROUP_ORDER]
        assert sum(digest.values()) == total


def test_a_late_step_is_counted_once(app):
    """The case of the issue: a late step in progress is late, not also in progress."""
    report, summary = build([[(StepStatus.IN_PROGRESS, 50, -3), (StepStatus.DONE, 100, -10),
                              (StepStatus.NOT_STARTED, 0, -1), (StepStatus.BLOCKED, 10, 30)]])
    assert report.summary.steps_by_group == {WorkGroup.OVERDUE: 2, WorkGroup.DUE_SOON: 0,
                                             WorkGroup.IN_PROGRESS: 1, WorkGroup.NOT_STARTED: 0, WorkGroup.DONE: 1,
                                             WorkGroup.CARRIED: 0}
    with app.test_request_context():
        assert sum(docx_groups(report).values()) == 4
