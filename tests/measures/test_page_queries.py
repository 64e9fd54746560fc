"""The step and measure pages read a fixed number of queries, however long a step's history is."""
from datetime import timedelta

import pytest

from tracker.extensions import db
from tracker.measures.models import DueDateChange, Evidence, ProgressWithdrawal
from tracker.models import Role

_files = iter(range(1, 10_000))


def add_history(office, step, make_user, make_progress, entries: int) -> None:
    """`entries` progress entries by different people, each with two files, every other one withdrawn
    by another administrator, and as many due date changes by yet other people."""
    for n in range(entries):
        author = make_user(office.org, Role.STAFF, divisions=list(step.divisions))
        update = make_progress(step, author, 10 + n, note=f"รายการที่ {n}")
        for _ in range(2):
            number = next(_files)
            db.session.add(Evidence(organization_id=office.org.id, update_id=update.id, original_name=f"แนบทดสอบ-{number}.pdf",
                                    stored_name=f"stored-{number}.pdf", size=1000 + number, sha256="0" * 64,
                                    content_type="application/pdf"))
        if n % 2 == 0:
            db.session.add(ProgressWithdrawal(update_id=update.id, reason="บันทึกผิด",
                                              withdrawn_by_id=make_user(office.org, Role.ADMIN).id))
        db.session.add(DueDateChange(organization_id=office.org.id, step_id=step.id, old_date=step.due_date,
                                     new_date=step.due_date + timedelta(days=n + 1), reason=f"เหตุผล {n}",
                                     changed_by_id=make_user(office.org, Role.ADMIN).id))
    db.session.commit()


def queries_of(client, path, count_queries) -> int:
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("role", ["admin", "head", "executive"])
def test_the_step_page_takes_a_fixed_number_of_queries(office, client, sign_in, fixed_today, make_user, make_progress,
                                                       count_queries, role):
    sign_in(getattr(office, role))
    step = office.late_step
    path = f"/steps/{step.id}"
    add_history(office, step, make_user, make_progress, 2)
    few = queries_of(client, path, count_queries)
    add_history(office, step, make_user, make_progress, 3)
    page = client.get(path).get_data(as_text=True)
    assert page.count("update-withdrawn") == 3 and page.count("due-date-change") == 5 and page.count(">แนบทดสอบ-") == 10
    assert queries_of(client, path, count_queries) == few


@pytest.mark.parametrize("role", ["admin", "head"])
def test_the_measure_page_takes_a_fixed_number_of_queries(office, client, sign_in, fixed_today, make_user,
                                                          make_progress, count_queries, role):
    sign_in(getattr(office, role))
    path = f"/measures/{office.measure.id}"
    add_history(office, office.late_step, make_user, make_progress, 2)
    few = queries_of(client, path, count_queries)
    for step in office.measure.steps:
        add_history(office, step, make_user, make_progress, 3)
    assert queries_of(client, path, count_queries) == few
