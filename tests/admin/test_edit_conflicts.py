"""Two administrators edit the same record: the second is refused and shown the first one's values; nothing is lost."""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

import pytest

from tests.conftest import TEST_PASSWORD
from tests.helpers import TODAY
from tests.html_forms import form_posting_to, open_form
from tracker.models import Role
from tests.helpers import actions

REFUSED = "ข้อมูลนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่ท่านเปิดแบบฟอร์ม"


def signed_in(app, user):
    """A browser of its own, signed in as `user`."""
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return browser


def saved_now(body: str) -> list[str]:
    """The "saved now" column of the conflict notice."""
    return [unescape(v) for v in re.findall(r'<td class="saved-value">([^<]*)</td>', body)]


@pytest.fixture
def office(app, client, sign_in, fixed_today, make_org, make_division, make_user, make_measure, make_assessment):
    """Two administrators in two browsers, and one record of each kind they edit."""
    org = make_org()
    palad, finance = make_division(org, "สำนักปลัด", "สป."), make_division(org, "กองคลัง", "กค.")
    first, second = make_user(org, Role.ADMIN), make_user(org, Role.ADMIN)
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad])
    measure = make_measure(org, indicator=4, title="มาตรการการใช้ทรัพย์สิน", steps=[
        {"text": "จัดทำมาตรการ", "due": TODAY + timedelta(days=30), "divisions": [palad]}])
    sign_in(first)
    return SimpleNamespace(
        org=org, palad=palad, finance=finance, head=head, measure=measure, step=measure.steps[0],
        assessment=make_assessment(org, 2568), first=client, second=signed_in(app, second),
        staff=make_user(org, Role.STAFF, divisions=[palad], display_name="นางสาวสมใจ ใจดี"),
    )


@dataclass(frozen=True)
class Case:
    """An edit form: where it is, the field both administrators change, and how to read it back."""

    path: str
    field: str
    first: str
    second: str
    read: Callable[[SimpleNamespace], str]
    action: str  # of the audit event a save writes


CASES = {
    "step": Case("/steps/{step.id}/edit", "text", "จัดทำมาตรการและประกาศ", "จัดทำมาตรการตามมติที่ประชุม",
                 lambda office: office.step.text, "step.update"),
    "measure": Case("/measures/{measure.id}/edit", "title", "มาตรการป้องกันการใช้ทรัพย์สินของราชการ",
                    "มาตรการการใช้ทรัพย์สินของทางราชการ", lambda office: office.measure.title, "measure.update"),
    "user": Case("/admin/users/{staff.id}/edit", "display_name", "นางสาวสมใจ ใจงาม", "นางสมใจ ใจดี",
                 lambda office: office.staff.display_name, "user.update"),
    "division": Case("/admin/divisions/{finance.id}/edit", "name", "กองการคลัง", "กองคลังและพัสดุ",
                     lambda office: office.finance.name, "division.update"),
    "assessment": Case("/admin/assessments/{assessment.id}/edit", "analysis_9", "ควรเผยแพร่ข้อมูลให้ครบทุกข้อ",
                       "ควรปรับปรุงเว็บไซต์", lambda office: office.assessment.indicator(9).analysis,
                       "assessment.update"),
}


@pytest.mark.parametrize("kind", CASES)
def test_the_second_save_is_refused_shown_the_first_and_saves_when_sent_again(office, kind):
    case = CASES[kind]
    path = case.path.format(**vars(office))
    first_form, second_form = open_form(office.first, path), open_form(office.second, path)

    assert office.first.post(path, data=first_form | {case.field: case.first}).status_code == 302
    refused = office.second.post(path, data=second_form | {case.field: case.second})

    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert REFUSED in body and 'id="edit-conflict"' in body
    assert case.first in saved_now(body)  # the first administrator's value, to compare
    kept = form_posting_to(body, path)
    assert kept[case.field] == case.second  # the second one's input is kept in the form
    assert kept["edit_token"] != second_form["edit_token"]  # and now stands on the values shown
    assert case.read(office) == case.first and actions() == [case.action]

    assert office.second.post(path, data=kept).status_code == 302  # sending it again saves, deliberately
    assert case.read(office) == case.second and actions() == [case.action, case.action]


def test_the_notice_lists_only_the_fields_that_differ_by_their_labels(office):
    path = f"/steps/{office.step.id}/edit"
    first_form, second_form = open_form(office.first, path), open_form(office.second, path)
    office.first.post(path, data=first_form | {"divisions": [str(office.finance.id)]})
    refused = office.second.post(path, data=second_form | {"due_date": "30/04/2569"})
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="saved-value">([^<]*)</td><td>([^<]*)</td></tr>',
                      refused.get_data(as_text=True))
    # Field, saved now, in the form; the unchanged text is left out; divisions by name, not id.
    assert rows == [("วันกำหนดเสร็จ", "15/04/2569", "30/04/2569"), ("ส่วนราชการผู้รับผิดชอบ", "กองคลัง", "สำนักปลัด")]


def test_progress_recorded_meanwhile_leaves_the_step_form_valid(office, app):
    path = f"/steps/{office.step.id}/edit"
    editing = open_form(office.first, path)
    head = signed_in(app, office.head)
    progress = open_form(head, f"/steps/{office.step.id}", action=f"/steps/{office.step.id}/progress")
    assert head.post(f"/steps/{office.step.id}/progress", data=progress | {
        "percent": "40", "status": "in_progress", "note": "ประชุมแล้ว"}).status_code == 302
    assert office.first.post(path, data=editing | {"text": "จัดทำมาตรการและประกาศ"}).status_code == 302
    assert (office.step.text, office.step.percent) == ("จัดทำมาตรการและประกาศ", 40)


def test_a_form_without_its_token_is_refused_and_saves_nothing(office):
    path = f"/admin/divisions/{office.finance.id}/edit"
    forged = {k: v for k, v in open_form(office.first, path).items() if k != "edit_token"}
    refused = office.first.post(path, data=forged | {"name": "กองการคลัง"})
    assert refused.status_code == 409 and REFUSED in refused.get_data(as_text=True)
    assert office.finance.name == "กองคลัง" and actions() == []


def test_a_form_refused_for_its_input_still_stands_on_the_values_first_shown(office):
    path = f"/measures/{office.measure.id}/edit"
    first_form, second_form = open_form(office.first, path), open_form(office.second, path)
    invalid = office.second.post(path, data=second_form | {"title": ""})
    assert invalid.status_code == 400
    office.first.post(path, data=first_form | {"title": "มาตรการป้องกันการใช้ทรัพย์สินของราชการ"})
    corrected = form_posting_to(invalid.get_data(as_text=True), path) | {"title": "มาตรการใหม่"}
    assert office.second.post(path, data=corrected).status_code == 409
    assert office.measure.title == "มาตรการป้องกันการใช้ทรัพย์สินของราชการ"


def test_deactivating_from_an_outdated_page_is_refused(office):
    page, action = f"/admin/users/{office.staff.id}/edit", f"/admin/users/{office.staff.id}/active"
    outdated = open_form(office.second, page, action=action)
    office.first.post(page, data=open_form(office.first, page) | {"role": "executive"})
    refused = office.second.post(action, data=outdated)
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert REFUSED in body and "selected" in re.search(r'<option[^>]*value="executive"[^>]*>', body).group(0)
    assert office.staff.active and actions() == ["user.update"]
    assert office.second.post(action, data=form_posting_to(body, action)).status_code == 302
    assert not office.staff.active
