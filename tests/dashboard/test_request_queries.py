"""What every signed-in page and the dashboard load: each thing once, in as few statements as it takes."""
import re
from datetime import timedelta

import pytest

from tracker.extensions import db
from tracker.models import Role
from tests.helpers import TODAY


def statements_of(client, count_queries, path: str) -> list[str]:
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return [" ".join(s.split()) for s in counter.statements]


def reading(table: str, statements: list[str]) -> list[str]:
    """The statements that select rows of `table` (as the main table or joined)."""
    pattern = re.compile(rf"\b(FROM|JOIN) {table}\b", re.IGNORECASE)
    return [s for s in statements if s.upper().startswith("SELECT") and pattern.search(s)]


@pytest.fixture
def org_with_scores(make_org, make_division, make_user, make_measure, make_assessment, fixed_today):
    org = make_org(name="อบต.นับคำสั่ง")
    divisions = [make_division(org, f"กองที่ {n}") for n in range(3)]
    head = make_user(org, Role.DIVISION_HEAD, head_of=divisions[:1], divisions=divisions[1:2])
    executive = make_user(org, Role.EXECUTIVE)
    make_assessment(org, 2567)
    make_assessment(org, 2568, scores={n: 70.0 + n for n in range(1, 11)})
    for n in range(3):
        make_measure(org, indicator=n + 1, title=f"มาตรการ {n}", steps=[
            {"text": "ก", "due": TODAY - timedelta(days=3), "divisions": [divisions[n]]},
            {"text": "ข", "due": TODAY + timedelta(days=5), "divisions": [divisions[2 - n], divisions[0]] if n < 2 else [divisions[0]]},
        ])
    return org, head, executive


def test_a_signed_in_page_loads_the_organization_and_memberships_with_the_session(
        org_with_scores, client, sign_in, count_queries):
    org, head, _ = org_with_scores
    sign_in(head)
    statements = statements_of(client, count_queries, "/notifications")
    # One statement for the session, its user, the organization and the memberships.
    assert len(reading("user_sessions", statements)) == 1
    assert len(reading("organizations", statements)) == 1
    assert len(reading("memberships", statements)) == 1
    assert reading("organizations", statements) == reading("user_sessions", statements)
    page = client.get("/notifications").get_data(as_text=True)
    assert org.name in page and 'href="/my-work"' in page  # the footer and the menu still show them


def test_my_work_loads_the_organization_and_divisions_once(org_with_scores, client, sign_in, count_queries):
    _, head, _ = org_with_scores
    sign_in(head)
    statements = statements_of(client, count_queries, "/my-work")
    assert len(reading("organizations", statements)) == 1
    assert len(reading("memberships", statements)) == 1
    # The filter's divisions serve the steps too: no join that repeats each step per division.
    assert len(reading("divisions", statements)) == 1
    page = client.get("/my-work").get_data(as_text=True)
    # Steps of two divisions list both, in the divisions' order.
    assert "กองที่ 0, กองที่ 2" in page and "กองที่ 0, กองที่ 1" in page
    assert "กองที่ 2, กองที่ 0" not in page


def test_the_dashboard_loads_divisions_and_assessments_once(org_with_scores, client, sign_in, count_queries):
    _, _, executive = org_with_scores
    sign_in(executive)
    statements = statements_of(client, count_queries, "/dashboard")
    assert len([s for s in reading("divisions", statements) if "step_divisions" not in s]) == 1
    assert len(reading("assessments", statements)) == 1
    assert len(reading("indicator_scores", statements)) == 1
    page = client.get("/dashboard").get_data(as_text=True)
    # The measures of 2569 answer the assessment of 2568 (the latest before), whose scores show.
    assert "71.00" in page and "73.00" in page
    assert "กองที่ 2" in page
