"""An administrator cannot learn who has an account in another organization."""
import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Role, User


def email_error(response) -> str:
    match = re.search(r'id="email-error"[^>]*>([^<]+)<', response.get_data(as_text=True))
    assert match, "no error next to the e-mail"
    return match.group(1).strip()


@pytest.mark.parametrize("password_choice", ["invite", "generate"])
def test_an_address_of_another_organization_gets_the_same_answer_as_one_taken_here(
        client, make_org, make_user, sign_in, password_choice):
    ours, theirs = make_org(), make_org()
    admin = make_user(ours, Role.ADMIN)
    make_user(ours, email="colleague@example.org")
    make_user(theirs, email="elsewhere@example.org")
    sign_in(admin)

    def add(email):
        return client.post("/admin/users/new", data={"display_name": "คนใหม่", "email": email, "role": "staff",
                                                     "password_choice": password_choice})

    here, elsewhere = add("colleague@example.org"), add("elsewhere@example.org")
    assert here.status_code == elsewhere.status_code == 400
    assert email_error(here) == email_error(elsewhere) == "ใช้อีเมลนี้ไม่ได้ กรุณาใช้อีเมลอื่น"
    page = elsewhere.get_data(as_text=True)
    for revealing in ("มีผู้ใช้", "already", "หน่วยงานอื่น", "another organization"):
        assert revealing not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3


def test_changing_an_address_to_one_of_another_organization_gets_the_same_answer(
        client, make_org, make_user, sign_in):
    from tests.html_forms import open_form

    ours, theirs = make_org(), make_org()
    admin = make_user(ours, Role.ADMIN)
    user = make_user(ours, email="mine@example.org")
    make_user(theirs, email="elsewhere@example.org")
    sign_in(admin)
    page = f"/admin/users/{user.id}/edit"
    response = client.post(page, data=open_form(client, page) | {"email": "elsewhere@example.org"})
    assert response.status_code == 400
    assert email_error(response) == "ใช้อีเมลนี้ไม่ได้ กรุณาใช้อีเมลอื่น"


def test_security_md_says_what_is_protected_the_settings_and_how_to_report(app):
    from tracker import ROOT

    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for heading in ("What the product protects", "Production settings", "Reporting a problem"):
        assert f"## {heading}" in text
    for setting in ("SECRET_KEY", "APP_BASE_URL", "DATABASE_URL", "MAIL_SERVER"):
        assert setting in text
