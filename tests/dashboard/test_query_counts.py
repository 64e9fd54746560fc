"""My work, the measure page and the dashboard run as many queries for 200 measures as for 10 (no N+1)."""
from datetime import timedelta

import pytest

from tracker.extensions import db
from tracker.models import Role
from tests.helpers import TODAY


@pytest.fixture
def busy_org(make_org, make_division, make_user, make_measure, make_assessment, make_progress, fixed_today):
    org = make_org()
    divisions = [make_division(org, f"กองที่ {n}") for n in range(4)]
    head = make_user(org, Role.DIVISION_HEAD, head_of=divisions[:2], divisions=divisions[2:3])
    executive = make_user(org, Role.EXECUTIVE)
    make_assessment(org, 2567)
    make_assessment(org, 2568)
    added = []

    def add_measures(count: int) -> None:
        for n in range(len(added), len(added) + count):
            first, second = divisions[n % 4], divisions[(n + 1) % 4]
            measure = make_measure(org, indicator=n % 10 + 1, title=f"มาตรการ {n}", steps=[
                {"text": "ก", "due": TODAY - timedelta(days=n % 30), "divisions": [first]},
                {"text": "ข", "due": TODAY + timedelta(days=n % 20), "divisions": [first, second]},
                {"text": "ค", "due": TODAY + timedelta(days=90), "divisions": [second]},
            ])
            make_progress(measure.steps[0], head, 50, note=f"บันทึก {n}")
            make_progress(measure.steps[0], head, 100, note=f"เสร็จ {n}")
            make_progress(measure.steps[1], head, 30)
            added.append(measure)

    return head, executive, add_measures, added


def queries_for(client, count_queries, path: str) -> int:
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter.count


def test_query_counts_do_not_grow_with_the_number_of_measures(busy_org, client, sign_in, count_queries):
    head, executive, add_measures, measures = busy_org
    add_measures(10)
    sign_in(head)
    small = {
        "my work": queries_for(client, count_queries, "/my-work"),
        "measure": queries_for(client, count_queries, f"/measures/{measures[0].id}"),
        "step": queries_for(client, count_queries, f"/steps/{measures[0].steps[0].id}"),
    }
    client.post("/logout")
    sign_in(executive)
    small["dashboard"] = queries_for(client, count_queries, "/dashboard")
    small["step list"] = queries_for(client, count_queries, "/steps?group=overdue")

    add_measures(190)
    assert len(measures) == 200
    large = {
        "dashboard": queries_for(client, count_queries, "/dashboard"),
        "step list": queries_for(client, count_queries, "/steps?group=overdue"),
    }
    client.post("/logout")
    sign_in(head)
    large["my work"] = queries_for(client, count_queries, "/my-work")
    large["measure"] = queries_for(client, count_queries, f"/measures/{measures[-1].id}")
    large["step"] = queries_for(client, count_queries, f"/steps/{measures[-1].steps[0].id}")
    assert large == small
