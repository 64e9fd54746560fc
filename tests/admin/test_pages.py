"""Administration pages: users, divisions, measures and steps, ITA scores and the audit log."""
import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from tests.html_forms import open_form
from tracker.extensions import db
from tracker.models import Assessment, Measure, Role, Step, User
from tests.helpers import actions, error_next_to


@pytest.fixture
def admin_office(make_org, make_division, make_user, make_measure, client, sign_in, fixed_today):
    org = make_org()
    palad, finance = make_division(org, "สำนักปลัด", "สป."), make_division(org, "กองคลัง", "กค.")
    admin = make_user(org, Role.ADMIN, display_name="ผู้ดูแลระบบ")
    measure = make_measure(org, indicator=4, title="มาตรการการใช้ทรัพย์สิน", divisions=[palad],
                           steps=["จัดทำมาตรการ", "ประชุมชี้แจง", "เผยแพร่มาตรการ"])
    sign_in(admin)
    return org, admin, palad, finance, measure


def test_create_a_user_with_a_generated_password(admin_office, client):
    org, admin, palad, finance, _ = admin_office
    response = client.post("/admin/users/new", data={
        "display_name": "ผู้อำนวยการกองคลัง", "email": "finance@example.org", "role": "division_head",
        "divisions": [str(finance.id)], "heads": [str(finance.id)], "password_choice": "generate"})
    assert response.status_code == 200
    password = re.search(r'id="given-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    user = db.session.scalars(sa.select(User).where(User.email == "finance@example.org")).one()
    assert user.check_password(unescape(password))
    assert [(m.division_id, m.is_head) for m in user.memberships] == [(finance.id, True)]
    assert actions() == ["user.create"]


def test_create_a_user_with_a_typed_password_and_bad_input(admin_office, client):
    org, admin, palad, finance, _ = admin_office
    bad = client.post("/admin/users/new", data={"display_name": "", "email": "nope", "role": "staff",
                                                "password_choice": "type", "password": "short"})
    assert bad.status_code == 400
    assert "อีเมล" in error_next_to(bad.get_data(as_text=True), "email")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    good = client.post("/admin/users/new", data={"display_name": "เจ้าหน้าที่", "email": "staff@example.org",
                                                 "role": "staff", "divisions": [str(palad.id)],
                                                 "password_choice": "type", "password": "a-long-password"})
    assert good.status_code == 302
    assert db.session.scalars(sa.select(User).where(User.email == "staff@example.org")).one().check_password("a-long-password")


def test_edit_role_and_divisions_and_deactivate(admin_office, client, make_user):
    org, admin, palad, finance, _ = admin_office
    user = make_user(org, Role.STAFF, divisions=[palad])
    page = f"/admin/users/{user.id}/edit"
    response = client.post(page, data=open_form(client, page) | {
        "role": "division_head", "divisions": [str(palad.id), str(finance.id)], "heads": [str(finance.id)]})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == Role.DIVISION_HEAD and user.headed_division_ids == {finance.id}
    deactivate = open_form(client, page, action=f"/admin/users/{user.id}/active")
    assert deactivate["active"] == "0"
    assert client.post(f"/admin/users/{user.id}/active", data=deactivate).status_code == 302
    db.session.refresh(user)
    assert not user.active
    assert actions() == ["user.update", "user.deactivate"]


def test_an_admin_cannot_lock_themselves_out(admin_office, client):
    org, admin, *_ = admin_office
    page = f"/admin/users/{admin.id}/edit"
    token = open_form(client, page)["edit_token"]  # the page offers no button; a forged request is refused
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0", "edit_token": token},
                           follow_redirects=True)
    assert "ไม่สามารถระงับการใช้งานบัญชีของตนเองได้" in response.get_data(as_text=True)
    demote = client.post(page, data=open_form(client, page) | {"role": "executive"})
    assert demote.status_code == 400
    assert "ผู้ดูแลระบบ" in error_next_to(demote.get_data(as_text=True), "role")
    db.session.refresh(admin)
    assert admin.active and admin.role == Role.ADMIN
    assert actions() == []


def test_reset_a_password(admin_office, client, make_user):
    org, admin, *_ = admin_office
    user = make_user(org)
    response = client.post(f"/admin/users/{user.id}/password", data={"password_choice": "generate"})
    password = re.search(r'id="given-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    db.session.refresh(user)
    assert user.check_password(unescape(password))
    short = client.post(f"/admin/users/{user.id}/password", data={"password_choice": "type", "password": "x"})
    assert short.status_code == 400
    assert "10" in error_next_to(short.get_data(as_text=True), "password")


def test_manage_divisions(admin_office, client):
    org, admin, palad, finance, _ = admin_office
    assert client.post("/admin/divisions", data={"name": "กองช่าง", "short_name": "กช."}).status_code == 302
    duplicate = client.post("/admin/divisions", data={"name": "กอง ช่าง", "short_name": ""})
    assert duplicate.status_code == 400
    assert "มีส่วนราชการชื่อนี้อยู่แล้ว" in error_next_to(duplicate.get_data(as_text=True), "name")
    page = f"/admin/divisions/{finance.id}/edit"
    assert client.post(page, data=open_form(client, page) | {"short_name": "กค"}).status_code == 302
    refused = client.post(f"/admin/divisions/{palad.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "ยังไม่แล้วเสร็จ 3 ขั้นตอน" in refused.get_data(as_text=True)  # its steps are still open
    assert client.post(f"/admin/divisions/{finance.id}/active", data={"active": "0"}).status_code == 302
    db.session.refresh(finance)
    assert not finance.active and finance.short_name == "กค"
    assert actions() == ["division.create", "division.update", "division.archive"]


def test_add_a_measure_and_steps_by_hand(admin_office, client):
    org, admin, palad, finance, _ = admin_office
    form = client.get("/measures/new").get_data(as_text=True)
    assert 'value="01/10/2568"' in form and 'value="30/09/2569"' in form  # the current fiscal year
    bad = client.post("/measures/new", data={"fiscal_year": "2569", "indicator_number": "7", "title": "",
                                             "start_date": "1/10/2568", "end_date": "30/9/2569"})
    assert bad.status_code == 400 and error_next_to(bad.get_data(as_text=True), "title")
    response = client.post("/measures/new", data={"fiscal_year": "2569", "indicator_number": "7",
                                                  "title": "ประชาสัมพันธ์ช่องทาง E-Service",
                                                  "start_date": "1/10/2568", "end_date": "30/9/2569"})
    measure = db.session.scalars(sa.select(Measure).where(Measure.indicator_number == 7)).one()
    assert response.headers["Location"].endswith(f"/measures/{measure.id}")
    step_form = client.post(f"/measures/{measure.id}/steps/new", data={"text": "จัดทำสื่อ", "due_date": "31/01/2569"})
    assert step_form.status_code == 400
    assert error_next_to(step_form.get_data(as_text=True), "divisions")
    assert client.post(f"/measures/{measure.id}/steps/new", data={
        "text": "จัดทำสื่อประชาสัมพันธ์", "due_date": "31/01/2569", "divisions": [str(palad.id)]}).status_code == 302
    step = db.session.scalars(sa.select(Step).where(Step.measure_id == measure.id)).one()
    assert (step.position, step.due_date) == (1, date(2026, 1, 31))
    assert actions() == ["measure.create", "step.create"]


def test_edit_reorder_and_remove_steps(admin_office, client, make_progress):
    org, admin, palad, finance, measure = admin_office
    first, second, third = measure.steps
    page = f"/steps/{third.id}/edit"
    assert client.post(page, data=open_form(client, page) | {
        "text": "เผยแพร่มาตรการทางเว็บไซต์", "due_date": "30/06/2569",
        "divisions": [str(palad.id), str(finance.id)]}).status_code == 302
    assert client.post(f"/steps/{third.id}/move", data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    assert [s.text for s in sorted(measure.steps, key=lambda s: s.position)] == [
        "จัดทำมาตรการ", "เผยแพร่มาตรการทางเว็บไซต์", "ประชุมชี้แจง"]
    make_progress(first, admin, 50)
    kept = client.post(f"/steps/{first.id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "ลบไม่ได้" in kept
    edit_page = client.get(f"/steps/{first.id}/edit").get_data(as_text=True)
    assert "step_remove" not in edit_page and f"/steps/{first.id}/remove" not in edit_page
    assert client.post(f"/steps/{second.id}/remove").status_code == 302
    db.session.expire_all()
    assert [(s.position, s.text) for s in measure.steps] == [(1, "จัดทำมาตรการ"), (2, "เผยแพร่มาตรการทางเว็บไซต์")]
    assert actions() == ["step.update", "step.move", "step.remove"]


def test_enter_and_correct_ita_scores(admin_office, client):
    org, admin, *_ = admin_office
    data = {"fiscal_year": "2567", "iit_score": "91.20", "eit1_score": "85", "eit2_score": "83.5", "oit_score": "78",
            "overall_score": "", "level": ""} | {f"indicator_{n}": str(80 + n) for n in range(1, 11)}
    assert client.post("/admin/assessments/new", data=data).status_code == 302
    assessment = db.session.scalars(sa.select(Assessment)).one()
    assert str(assessment.overall_score) == "83.84" and assessment.indicator(10).score == 90
    page = f"/admin/assessments/{assessment.id}/edit"
    correction = open_form(client, page) | data
    bad = client.post(page, data=correction | {"oit_score": "120", "indicator_3": "x"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert error_next_to(body, "oit_score") and error_next_to(body, "indicator_3")
    assert client.post(page, data=correction | {"oit_score": "80"}).status_code == 302
    db.session.refresh(assessment)
    assert str(assessment.oit_score) == "80.00"
    assert "2567" in client.get("/admin/assessments").get_data(as_text=True)
    assert actions() == ["assessment.create", "assessment.update"]


def test_audit_log_filters_and_pages(admin_office, client, make_user, make_progress):
    org, admin, palad, finance, measure = admin_office
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad], display_name="หัวหน้าสำนักปลัด")
    from tracker.audit.services import record

    from datetime import datetime, timezone

    for n in range(55):
        event = record(org.id, head, "step.progress", measure.steps[0], percent=n, status="in_progress",
                       work_date="2026-03-10")
        event.created_at = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
    # 16 March 01:00 in Bangkok is still 15 March in UTC: days are the organization's.
    event = record(org.id, admin, "division.update", palad, changes={"short_name": ["สป", "สป."]})
    event.created_at = datetime(2026, 3, 15, 18, 0, tzinfo=timezone.utc)
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "56 รายการ" in first and "page=2" in first
    assert "10 มีนาคม 2569" in first and "กำลังดำเนินการ" in first  # dates in BE, statuses in Thai
    assert client.get("/admin/audit?page=2").status_code == 200
    only_admin = client.get(f"/admin/audit?actor={admin.id}").get_data(as_text=True)
    assert "1 รายการ" in only_admin and "แก้ไขชื่อส่วนราชการ" in only_admin and "สป." in only_admin
    by_type = client.get("/admin/audit?action=target:Division").get_data(as_text=True)
    assert "1 รายการ" in by_type
    by_action = client.get("/admin/audit?action=step.progress").get_data(as_text=True)
    assert "55 รายการ" in by_action
    assert "1 รายการ" in client.get("/admin/audit?date_from=16/03/2569").get_data(as_text=True)
    assert "55 รายการ" in client.get("/admin/audit?date_from=1/3/2569&date_to=15/03/2569").get_data(as_text=True)
    assert "0 รายการ" in client.get("/admin/audit?date_from=17/03/2569").get_data(as_text=True)
    bad_date = client.get("/admin/audit?date_from=yesterday").get_data(as_text=True)
    assert error_next_to(bad_date, "date_from")


def test_admin_pages_are_for_admins_of_the_same_organization(admin_office, client, sign_in, make_user, make_org):
    org, admin, palad, finance, measure = admin_office
    client.post("/logout")
    sign_in(make_user(org, Role.EXECUTIVE))
    for path in ("/admin/", "/admin/audit", "/admin/assessments", "/admin/users/new", "/measures/new",
                 f"/steps/{measure.steps[0].id}/edit", f"/measures/{measure.id}/edit"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/steps/{measure.steps[0].id}/remove").status_code == 403
    client.post("/logout")
    sign_in(make_user(make_org(), Role.ADMIN))
    for path in (f"/steps/{measure.steps[0].id}/edit", f"/measures/{measure.id}/edit",
                 f"/admin/divisions/{palad.id}/edit", f"/admin/users/{admin.id}/edit"):
        assert client.get(path).status_code == 404, path
