"""Every form reports every wrong field at once, each message next to its field, and
says "required" for an empty field in other words than "wrong format" for a bad one.

Each form of the application is submitted as a user would: opened, then sent with
its fields left empty, and again with every field wrong. A test lists every
FlaskForm of the application, so that a new form cannot go untested.
"""
from __future__ import annotations

import importlib
import io
import pkgutil
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from pathlib import Path

import pyotp
import pytest
from flask_wtf import FlaskForm

import tracker
from tracker.auth import totp
from tracker.auth.account_models import TokenPurpose
from tracker.auth.invitations import issue_token
from tracker.instructions.services import write_instruction
from tracker.timeutil import utcnow
from tests.html_forms import form_fields, open_form
from tracker.models import Assessment, Role

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "ita_report_muangphia_2568.txt"


@dataclass
class Office:
    org: object
    admin: object
    head: object
    palad: object
    finance: object
    measure: object
    step: object
    assessment: object
    import_token: str = ""
    secured: object = None  # a person with two-step sign-in on
    recovery_codes: list = field(default_factory=list)  # theirs: one per complete sign-in
    reset_token: str = ""  # the head's password-reset link
    thread: object = None  # an instruction on the step, for the head to answer
    update: object = None  # the head's progress entry on the step, to withdraw


@dataclass
class Case:
    """How to send one form, and the fields that must each show a message."""

    role: str  # "admin", "head", "secured", "pending" (secured, code not yet given) or "" (signed out)
    page: Callable[[Office], str]  # the page that shows the form
    action: Callable[[Office], str] | None = None  # where it posts (default: back to the page)
    empty: dict = field(default_factory=dict)  # what "left empty" means beyond clearing text fields
    wrong: dict = field(default_factory=dict)  # every field wrong
    empty_fields: tuple[str, ...] = ()  # fields flagged when left empty
    wrong_fields: tuple[str, ...] = ()  # fields flagged when wrong
    method: str = "post"
    files: dict = field(default_factory=dict)  # file fields of the wrong submission


CASES: dict[str, Case] = {
    "LoginForm": Case(
        "", lambda o: "/login",
        # One message for a wrong e-mail or password, beside the password: it must not say which was wrong.
        wrong={"email": "somebody@example.org", "password": "not-the-password"},
        empty_fields=("email", "password"), wrong_fields=("password",),
    ),
    "ChangePasswordForm": Case(
        "head", lambda o: "/account", lambda o: "/account/password",
        wrong={"current_password": "not-the-password", "new_password": "short", "confirm": "different"},
        empty_fields=("current_password", "new_password", "confirm"),
        wrong_fields=("current_password", "new_password", "confirm"),
    ),
    "LanguageForm": Case(
        "head", lambda o: "/account", lambda o: "/account/language",
        empty={"locale": ""}, wrong={"locale": "xx"}, empty_fields=("locale",), wrong_fields=("locale",),
    ),
    "NewUserForm": Case(
        "admin", lambda o: "/admin/users/new",
        empty={"role": "", "password_choice": "type"},
        wrong={"display_name": "ก" * 201, "email": "not-an-address", "role": "mayor", "divisions": ["999999"],
               "password_choice": "type", "password": "short"},
        empty_fields=("display_name", "email", "role", "password"),
        wrong_fields=("display_name", "email", "role", "divisions", "password"),
    ),
    "UserForm": Case(
        "admin", lambda o: f"/admin/users/{o.head.id}/edit",
        empty={"role": "", "divisions": [], "heads": []},
        wrong={"display_name": "ก" * 201, "email": "not-an-address", "role": "division_head", "divisions": [],
               "heads": []},
        empty_fields=("display_name", "email", "role"),
        wrong_fields=("display_name", "email", "divisions"),
    ),
    "PasswordForm": Case(
        "admin", lambda o: f"/admin/users/{o.head.id}/edit", lambda o: f"/admin/users/{o.head.id}/password",
        empty={"password_choice": "type"}, wrong={"password_choice": "type", "password": "short"},
        empty_fields=("password",), wrong_fields=("password",),
    ),
    "DivisionForm": Case(
        "admin", lambda o: "/admin/", lambda o: "/admin/divisions",
        wrong={"name": "ก" * 201, "short_name": "ข" * 41},
        empty_fields=("name",), wrong_fields=("name", "short_name"),
    ),
    "AssessmentForm": Case(
        "admin", lambda o: "/admin/assessments/new",
        wrong={"fiscal_year": "สองพัน", "iit_score": "abc", "eit1_score": "101", "eit2_score": "-1",
               "oit_score": "x", "overall_score": "200", "indicator_1": "ดี", "indicator_10": "100.5"},
        empty_fields=("fiscal_year",),
        wrong_fields=("fiscal_year", "iit_score", "eit1_score", "eit2_score", "oit_score", "overall_score",
                      "indicator_1", "indicator_10"),
    ),
    "AuditFilterForm": Case(
        "admin", lambda o: "/admin/audit", method="get",
        wrong={"date_from": "วันจันทร์", "date_to": "32/13/2569"},
        wrong_fields=("date_from", "date_to"),
    ),
    "ReminderSettingsForm": Case(
        "admin", lambda o: "/admin/reminders", lambda o: "/admin/reminders/settings",
        wrong={"days_before": "สองวัน", "overdue_every": "0", "escalate_from": "ห้า", "send_time": "25:99",
               "digest_weekday": "9"},
        empty_fields=("overdue_every", "escalate_from", "send_time"),
        wrong_fields=("days_before", "overdue_every", "escalate_from", "send_time", "digest_weekday"),
    ),
    "ProgressForm": Case(
        "head", lambda o: f"/steps/{o.step.id}", lambda o: f"/steps/{o.step.id}/progress",
        wrong={"percent": "มาก", "status": "blocked", "blocked_reason": "", "note": "x" * 5001,
               "work_date": "31/02/2569"},
        empty_fields=("percent", "note", "work_date"),
        wrong_fields=("percent", "blocked_reason", "note", "work_date"),
    ),
    "MeasureForm": Case(
        "admin", lambda o: "/measures/new",
        wrong={"fiscal_year": "ปีนี้", "indicator_number": "11", "title": "x" * 2001, "start_date": "1/1",
               "end_date": "เมื่อเสร็จ"},
        empty_fields=("fiscal_year", "title", "start_date", "end_date"),
        wrong_fields=("fiscal_year", "indicator_number", "title", "start_date", "end_date"),
    ),
    "StepForm": Case(
        "admin", lambda o: f"/measures/{o.measure.id}/steps/new",
        empty={"divisions": []},
        wrong={"text": "x" * 2001, "due_date": "พรุ่งนี้", "divisions": ["999999"]},
        empty_fields=("text", "due_date", "divisions"),
        wrong_fields=("text", "due_date", "divisions"),
    ),
    "ReportForm": Case(
        "admin", lambda o: "/reports/", lambda o: "/reports/export", method="get",
        empty={"output": "print", "fiscal_year": "2569"},
        wrong={"as_of": "สิ้นเดือน", "output": "print", "fiscal_year": "2569"},
        empty_fields=("as_of",), wrong_fields=("as_of",),
    ),
    "UploadForm": Case(
        "admin", lambda o: "/import/",
        files={"report": (b"not a report at all", "report.exe")},
        empty_fields=("report",), wrong_fields=("report",),
    ),
    "PreviewForm": Case(
        "admin", lambda o: f"/import/{o.import_token}",
        wrong={"due_0_0": "สามสิบกันยา", "due_1_0": "31/04/2569"},
        empty_fields=("due_0_0", "due_1_0"), wrong_fields=("due_0_0", "due_1_0"),
    ),
    "WithdrawForm": Case(
        "head", lambda o: f"/steps/{o.step.id}", lambda o: f"/progress/{o.update.id}/withdraw",
        wrong={"reason": "x" * 2001},
        empty_fields=("reason",), wrong_fields=("reason",),
    ),
    "InstructionForm": Case(
        "admin", lambda o: f"/steps/{o.step.id}", lambda o: f"/measures/{o.measure.id}/instructions",
        wrong={"body": "x" * 5001}, files={"files": (b"MZ not a document", "setup.exe")},
        empty_fields=("body",), wrong_fields=("body", "files"),
    ),
    "AnswerForm": Case(
        "head", lambda o: f"/instructions/{o.thread.id}", lambda o: f"/instructions/{o.thread.id}/answers",
        wrong={"body": "x" * 5001}, files={"files": (b"MZ not a document", "setup.exe")},
        empty_fields=("body",), wrong_fields=("body", "files"),
    ),
    "NewYearForm": Case(
        "admin", lambda o: "/ita-report/", method="get",
        wrong={"year": "สองพัน"}, empty_fields=("year",), wrong_fields=("year",),
    ),
    "ResultsForm": Case(
        "admin", lambda o: f"/ita-report/{o.assessment.fiscal_year}/results",
        wrong={"iit_score": "abc", "eit1_score": "101", "eit2_score": "-1", "oit_score": "x", "overall_score": "200",
               "indicator_1": "ดี", "indicator_10": "100.5"},
        wrong_fields=("iit_score", "eit1_score", "eit2_score", "oit_score", "overall_score", "indicator_1",
                      "indicator_10"),
    ),
    "DraftsForm": Case(
        "admin", lambda o: f"/ita-report/{o.assessment.fiscal_year}",
        empty={f"divisions_{n}": [] for n in range(1, 11)},
        wrong={"title_1": "x" * 2001, "steps_1": "\n".join(f"ขั้นที่ {i}" for i in range(60)), "start_1": "ต้นปี",
               "end_1": "31/02/2569", "divisions_1": ["999999"]},
        empty_fields=("title_1", "steps_1", "start_1", "end_1", "divisions_1"),
        wrong_fields=("title_1", "steps_1", "start_1", "end_1", "divisions_1"),
    ),
    "ForgotPasswordForm": Case(
        "", lambda o: "/password/forgot",
        wrong={"email": "not-an-address"}, empty_fields=("email",), wrong_fields=("email",),
    ),
    "NewPasswordForm": Case(
        "", lambda o: f"/password/reset/{o.reset_token}",
        wrong={"password": "short", "confirm": "different"},
        empty_fields=("password", "confirm"), wrong_fields=("password", "confirm"),
    ),
    "CodeForm": Case(
        "pending", lambda o: "/login/code",
        wrong={"code": "ไม่รู้"}, empty_fields=("code",), wrong_fields=("code",),
    ),
    "EnableTwoFactorForm": Case(
        "head", lambda o: "/account/two-factor", lambda o: "/account/two-factor/enable",
        wrong={"code": "000000"}, empty_fields=("code",), wrong_fields=("code",),
    ),
    "PasswordConfirmForm": Case(
        "secured", lambda o: "/account/two-factor", lambda o: "/account/two-factor/off",
        wrong={"off-password": "not-the-password"}, empty_fields=("off-password",), wrong_fields=("off-password",),
    ),
}

# Forms with nothing to get wrong: buttons, switches and choices the page gives.
NO_INPUT = {
    "PreferencesForm": "a switch (on or off)",
    "ActionForm": "a button: only the CSRF token",
    "EndSessionForm": "a button (sign a session out): only the CSRF token",
    "ToggleForm": "a button: a hidden on/off value",
    "FeedForm": "a button: a hidden calendar kind",
    "PublicPageForm": "a switch (on or off)",
    "AnalysisYearForm": "a choice of the years the page lists; any other year is not found",
    "AdoptForm": "two switches (replace, remove reported steps) and a button",
    "TwoFactorPolicyForm": "a switch (on or off)",
}
BASES = {"EditForm", "Form"}  # EditForm is a base; Form is PreviewForm's subclass made per report


def application_forms() -> set[str]:
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(module.name)

    def all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from all_subclasses(sub)

    return {cls.__name__ for cls in all_subclasses(FlaskForm) if cls.__module__.startswith("tracker.")} - BASES


def test_every_form_of_the_application_is_tested():
    forms = application_forms()
    assert forms == set(CASES) | set(NO_INPUT), (
        f"untested: {sorted(forms - set(CASES) - set(NO_INPUT))}; gone: {sorted(set(CASES) | set(NO_INPUT) - forms)}")


@pytest.fixture
def office(ctx, fixed_today, make_org, make_division, make_user, make_measure, make_progress, client, sign_in, app):
    org = make_org()
    palad, finance = make_division(org, "สำนักปลัด", "สป."), make_division(org, "กองคลัง", "กค.")
    admin = make_user(org, Role.ADMIN)
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad])
    measure = make_measure(org, divisions=[palad], steps=[
        {"text": "จัดทำคู่มือ", "due": date(2026, 3, 31), "status": "in_progress", "percent": 40}])
    assessment = Assessment(organization_id=org.id, fiscal_year=2568)
    from tracker.extensions import db

    db.session.add(assessment)
    db.session.commit()
    found = Office(org, admin, head, palad, finance, measure, measure.steps[0], assessment)
    # A pending import whose steps have no due dates yet, for the preview.
    sign_in(admin)
    text = SEED.read_text(encoding="utf-8").replace("๑ ตุลาคม ๒๕๖๘ ถึง ๓๐ กันยายน ๒๕๖๙", "ตามความเหมาะสม")
    upload = client.post("/import/", data={"report": (io.BytesIO(text.encode()), "report.txt")},
                         content_type="multipart/form-data")
    found.import_token = upload.headers["Location"].rsplit("/", 1)[-1]
    client.post("/logout")
    found.secured = make_user(org, Role.STAFF, divisions=[palad])
    secret = totp.start_setup(found.secured).secret
    found.recovery_codes = totp.enable(found.secured, pyotp.TOTP(secret).now(), secret=secret)
    found.reset_token = issue_token(head, TokenPurpose.PASSWORD_RESET, utcnow())
    found.thread = write_instruction(admin, measure, step=found.step, body="ขอรายงานความคืบหน้า")
    found.update = make_progress(found.step, head, 50)
    db.session.commit()
    yield found
    shutil.rmtree(Path(app.instance_path) / "imports", ignore_errors=True)


def enter(client, sign_in, office: Office, role: str) -> None:
    """Sign in as `role`; "secured" gives a recovery code after the password, "pending" stops before it."""
    if not role:
        return
    sign_in(office.secured if role == "pending" else getattr(office, role))
    if role == "secured":
        response = client.post("/login/code", data={"code": office.recovery_codes.pop()})
        assert response.status_code == 302, "the second step failed"


def errors_next_to(html: str) -> dict[str, list[str]]:
    """The messages shown next to each field (`id="<field>-error"`)."""
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'id="([\w-]+?)-error"[^>]*>(.*?)</div>', html, flags=re.S):
        found.setdefault(name, []).append(unescape(re.sub(r"<[^>]+>", "", message)).strip())
    return found


KEEP = {"csrf_token", "edit_token", "base_version", "status", "indicator_number", "digest_weekday", "level",
        "password_choice", "locale", "role", "actor", "action", "output", "enabled", "secret"}


def send(client, case: Case, office: Office, values: dict, files: dict | None = None) -> tuple[int, str]:
    page = case.page(office)
    action = case.action(office) if case.action else page
    fields = open_form(client, page, action)
    # Text is cleared; tokens, choices the page made and hidden values stay as the page gave them.
    data = {name: value if name in KEEP or name.startswith("division_") else [] if isinstance(value, list) else ""
            for name, value in fields.items()}
    data.update(values)
    data = {name: value for name, value in data.items() if value != []}  # unchecked boxes are not sent
    if case.method == "get":
        response = client.get(action, query_string=data)
    else:
        for name, (content, filename) in (files or {}).items():
            data[name] = (io.BytesIO(content), filename)
        response = client.post(action, data=data, content_type="multipart/form-data" if files else None)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_form_left_empty_says_what_is_required(name, office, client, sign_in):
    case = CASES[name]
    enter(client, sign_in, office, case.role)
    status, html = send(client, case, office, case.empty)
    flagged = errors_next_to(html)
    if case.empty_fields:
        assert status == 400, f"{name} left empty was accepted"
    missing = [f for f in case.empty_fields if f not in flagged]
    assert not missing, f"{name} left empty: no message next to {missing} (shown: {flagged})"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_form_with_every_field_wrong_flags_every_field(name, office, client, sign_in):
    case = CASES[name]
    enter(client, sign_in, office, case.role)
    status, html = send(client, case, office, case.wrong, case.files)
    assert status in (400, 429) or (case.method == "get" and status == 200), f"{name} with wrong values: {status}"
    wrong = errors_next_to(html)
    missing = [f for f in case.wrong_fields if f not in wrong]
    assert not missing, f"{name} all wrong: no message next to {missing} (shown: {wrong})"

    # "Required" and "wrong format" are different messages.
    client.post("/logout")
    enter(client, sign_in, office, case.role)
    _, html = send(client, case, office, case.empty)
    empty = errors_next_to(html)
    for name_ in set(case.empty_fields) & set(case.wrong_fields):
        assert empty[name_] != wrong[name_], f"{name}.{name_}: the same message when empty and when wrong"
