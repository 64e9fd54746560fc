"""A division head or staff member works for a division: one without any is refused, on the web and the command line."""
import pytest
import sqlalchemy as sa

from tracker.auth import services as users
from tracker.errors import InvalidFields
from tracker.extensions import db
from tests.helpers import actions
from tracker.models import Role, User

DIVISION_MESSAGE_TH = "เลือกอย่างน้อยหนึ่งส่วนราชการ"


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("role", [Role.DIVISION_HEAD, Role.STAFF])
def test_the_service_refuses_a_user_of_a_division_without_one(make_org, make_user, role):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    with pytest.raises(InvalidFields) as refused:
        users.create_user(org, email="head@example.org", display_name="หัวหน้า", role=role,
                          password="a-long-password", actor=admin)
    assert list(refused.value.errors) == ["divisions"]
    assert count(User) == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXECUTIVE])
def test_executives_and_administrators_need_no_division(make_org, role):
    org = make_org()
    user = users.create_user(org, email="x@example.org", display_name="ปลัด", role=role, password="a-long-password")
    assert user.memberships == []


def test_an_edit_cannot_take_away_a_division_heads_last_division(make_org, make_division, make_user):
    org = make_org()
    finance = make_division(org, "กองคลัง")
    admin = make_user(org, Role.ADMIN)
    head = make_user(org, Role.DIVISION_HEAD, head_of=[finance])
    with pytest.raises(InvalidFields) as refused:
        users.update_user(admin, head, display_name=head.display_name, email=head.email, role="division_head",
                          division_ids=[], head_ids=[], base_token=None)
    assert "divisions" in refused.value.errors
    db.session.rollback()
    assert [m.division_id for m in db.session.get(User, head.id).memberships] == [finance.id]


def test_the_web_form_says_so_next_to_the_divisions(make_org, make_division, make_user, client, sign_in):
    org = make_org()
    make_division(org, "กองคลัง")
    sign_in(make_user(org, Role.ADMIN))
    response = client.post("/admin/users/new", data={
        "display_name": "ผู้อำนวยการกองคลัง", "email": "finance@example.org", "role": "division_head",
        "password_choice": "generate"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="divisions-error"' in body and DIVISION_MESSAGE_TH in body
    assert count(User) == 1 and actions() == []


@pytest.mark.parametrize("role", ["division_head", "staff"])
def test_the_command_line_refuses_before_asking_for_the_password(app, ctx, role):
    runner = app.test_cli_runner()
    runner.invoke(args=["orgs", "create", "อบต.ทดสอบ", "--slug", "t1"])
    result = runner.invoke(args=["users", "create", "--org", "t1", "--email", "a@example.org", "--name", "ก",
                                 "--role", role])
    assert result.exit_code == 1
    assert f"role {role} works for a division" in result.output and "--division" in result.output
    assert "Password" not in result.output
    assert count(User) == 0
