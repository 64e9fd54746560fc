"""No input answers 500: arbitrary text posted to every form of the application, as every role.

Every POST route of the URL map is walked, with the fields its page's form
sends (found by opening the application's pages as an administrator and as
a clerk), each filled with either its own value or hostile text: NUL bytes,
text longer than any column, digits that are not ASCII (², ①, ๑), integers
beyond the database's range. CSRF is off in the tests' configuration.
The examples are bounded and derandomized, to keep CI a few seconds per form
(FUZZ_EXAMPLES raises the number for a longer hunt).
"""
from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_PASSWORD, TODAY
from tests.html_forms import _read
from tracker import create_app
from tracker.models import Role

FIXTURE = Path(__file__).parent / "fixtures" / "ita_report_muangphia_2568.txt"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
ROLES = ("anonymous", Role.ADMIN, Role.EXECUTIVE, Role.DIVISION_HEAD, Role.STAFF)


def post_routes() -> list[str]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods)


HOSTILE = st.one_of(
    st.sampled_from([
        "\x00", "ก\x00ข", "²", "①", "๑๒", "٣", "1²", "99999999999999999999", "2147483648", "-2147483649",
        "9223372036854775808", "-1", "0", "1e400", "nan", "", " ", "a" * 400, "ก" * 5000, "31/02/2569",
        "1/1/99999", "29/02/2568", "00:99", "25:00", "1,2,99999999999", "\ud7ff", "=1+1", "<script>", "'; --",
    ]),
    st.text(max_size=40),
    st.text(min_size=250, max_size=1200),
    st.integers().map(str),
    st.text(max_size=10).map(lambda s: s + "\x00" + s),
)


# Values that pass each field's checks, for the fields a new record's form leaves blank,
# so that hostile text in one field reaches the service and the database.
PLAUSIBLE = {
    "name": "กองยุทธศาสตร์", "short_name": "กย.", "display_name": "นางสาวทดสอบ ระบบ", "email": "new.person@example.org",
    "password": "a long enough password 123", "title": "โครงการทดสอบ", "text": "จัดทำแผน", "note": "ดำเนินการแล้ว",
    "due_date": "30/09/2569", "start_date": "01/10/2568", "end_date": "30/09/2569", "work_date": "16/03/2569",
    "percent": "50", "fiscal_year": "2569", "overall_score": "90.5", "iit_score": "90", "eit1_score": "90",
    "eit2_score": "90", "oit_score": "90", "days_before": "14, 7, 1", "overdue_every": "7", "escalate_from": "14",
    "send_time": "08:00", "as_of": "31/03/2569", "current_password": "wrong", "new_password": "a long new password 1",
    "confirm": "a long new password 1", "value": "1", "scope": "mine", "blocked_reason": "งบประมาณ",
}


class World:
    """An organization with a person of every role and something of every kind to post about."""


@pytest.fixture
def world(app, client, make_org, make_division, make_user, make_measure, make_assessment, make_progress, sign_in):
    w = World()
    w.org = make_org()
    w.division = make_division(w.org, "สำนักปลัด", "สป.")
    w.other_division = make_division(w.org, "กองคลัง", "กค.")
    w.users = {
        role: make_user(w.org, role, divisions=[w.division], head_of=[w.division] if role == Role.DIVISION_HEAD else [])
        for role in ROLES if role != "anonymous"
    }
    w.victim = make_user(w.org, Role.STAFF, divisions=[w.other_division])
    assessment = make_assessment(w.org, 2568)
    w.measure = make_measure(w.org, assessment=assessment, divisions=[w.division], steps=["ขั้นตอนหนึ่ง", "ขั้นตอนสอง"])
    w.step = w.measure.steps[0]
    w.update = make_progress(w.measure.steps[1], w.users[Role.STAFF], 40)
    w.assessment = assessment
    # A pending import and a calendar feed, made as their owners would.
    sign_in(w.users[Role.ADMIN])
    upload = client.post(
        "/import/", data={"report": (io.BytesIO(FIXTURE.read_bytes()), "report.txt")}, content_type="multipart/form-data"
    )
    w.token = re.fullmatch(r"/import/([\w-]+)", upload.headers["Location"])[1]
    client.post("/calendar/feeds", data={"scope": "mine"})
    from tracker.extensions import db
    from tracker.models import CalendarFeed

    w.feed_id = db.session.scalar(db.select(CalendarFeed.id))
    client.post("/logout")
    yield w
    shutil.rmtree(Path(app.instance_path) / "imports", ignore_errors=True)


def fill(rule: str, w: World) -> str:
    values = {
        "step_id": w.step.id, "measure_id": w.measure.id, "division_id": w.other_division.id, "user_id": w.victim.id,
        "update_id": w.update.id, "evidence_id": 1, "assessment_id": w.assessment.id, "feed_id": w.feed_id,
        "token": w.token,
    }
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m[1], 1)), rule)


def sign_in_as(client, w: World, role) -> None:
    if role == "anonymous":
        return
    response = client.post("/login", data={"email": w.users[role].email, "password": TEST_PASSWORD})
    assert response.status_code == 302, f"{role} could not sign in"


def forms_of_pages(app, w: World) -> dict[str, dict]:
    """action path -> the fields (and values) its form sends, from every page without a file download."""
    found: dict[str, dict] = {}
    for role in (Role.ADMIN, Role.STAFF):
        client = app.test_client()
        sign_in_as(client, w, role)
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/p/"):
                continue
            path = fill(rule.rule, w)
            response = client.get(path)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            reader = _read(response.get_data(as_text=True))
            for key, action in reader.actions.items():
                target = urlsplit(action).path or path
                fields = found.setdefault(target, {})
                for name, value in reader.forms[key].items():
                    fields.setdefault(name, value)
    return found


_FORMS_BY_RULE: dict[str, dict] = {}


@pytest.fixture
def page_forms(app, world):
    """The forms' fields by route, found once per run (the world is the same in every test)."""
    if not _FORMS_BY_RULE:
        by_path = forms_of_pages(app, world)
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                _FORMS_BY_RULE[rule.rule] = by_path.get(fill(rule.rule, world)) or {"value": "1"}
    return _FORMS_BY_RULE


@pytest.mark.parametrize("rule", post_routes())
def test_no_form_answers_500(app, world, page_forms, rule):
    path = fill(rule, world)
    fields = {name: value or PLAUSIBLE.get(name, value) for name, value in page_forms[rule].items() if name != "csrf_token"}
    names = sorted(fields)
    clients = {}

    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def post_anything(data):
        # Mostly the administrator, who may post to every form; the others mostly meet a 403.
        role = data.draw(st.sampled_from((Role.ADMIN,) * 4 + ROLES), label="role")
        if role not in clients:
            clients[role] = app.test_client()
            sign_in_as(clients[role], world, role)
        # One or two hostile fields, the others as the page filled them: the bad value reaches the service.
        broken = data.draw(
            st.sets(st.sampled_from(names), min_size=1, max_size=min(2, len(names))) if names else st.just(set()),
            label="broken",
        )
        sent = {name: data.draw(HOSTILE, label=name) if name in broken else value for name, value in fields.items()}
        query = data.draw(st.sampled_from(["", "?year=²", "?year=99999999999999999999", "?page=\x00", "?waiting=①"]))
        response = clients[role].post(path + query, data=sent)
        assert response.status_code < 500, (role, sent, response.status_code)

    post_anything()


QUERY_NAMES = ("year", "division", "status", "indicator", "page", "q", "actor", "action", "date_from", "date_to",
               "as_of", "fiscal_year", "thai_digits", "waiting", "format", "next", "scope", "sort")
QUERY_VALUES = ("²", "①", "๑๒", "99999999999999999999", "-2147483649", "ก" * 3000, "31/02/2569", "%", "'", "[]")


@pytest.mark.parametrize("value", QUERY_VALUES)
def test_no_page_answers_500_to_a_hostile_query_string(app, world, value):
    """Every page without a download, as the administrator and as a clerk, with every
    query parameter the application reads set to a value it cannot use."""
    query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
    for role in (Role.ADMIN, Role.STAFF):
        client = app.test_client()
        sign_in_as(client, world, role)
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            path = fill(rule.rule, world)
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, (role, path, value)
