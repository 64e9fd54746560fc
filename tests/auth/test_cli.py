"""`flask orgs/divisions/users` commands: passwords never on the command line; bad input changes nothing."""
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent, Division, Organization, Role, User
from tests.helpers import count


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_create_org_division_and_user(app, ctx):
    result = run(app, "orgs", "create", "องค์การบริหารส่วนตำบลทดสอบ", "--slug", "thotsop")
    assert result.exit_code == 0, result.output
    assert run(app, "divisions", "create", "--org", "thotsop", "--name", "กองคลัง", "--short", "กค.").exit_code == 0
    result = run(
        app, "users", "create", "--org", "องค์การบริหารส่วนตำบลทดสอบ", "--email", "Finance@Example.org",
        "--name", "ผู้อำนวยการกองคลัง", "--role", "division_head", "--division", "กค", "--head",
        "--password-stdin", input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(sa.select(User)).one()
    assert user.email == "finance@example.org"
    assert user.role == Role.DIVISION_HEAD
    assert user.check_password("a-long-password")
    assert [(m.division.name, m.is_head) for m in user.memberships] == [("กองคลัง", True)]
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["organization.create", "division.create", "user.create"]


def test_password_prompt_asks_twice(app, ctx):
    run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1")
    result = run(app, "users", "create", "--org", "t1", "--email", "a@example.org", "--name", "ก", "--role", "staff",
                 input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output


def test_there_is_no_password_option(app, ctx):
    run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1")
    result = run(app, "users", "create", "--org", "t1", "--email", "a@example.org", "--name", "ก",
                 "--role", "staff", "--password", "secret-secret")
    assert result.exit_code == 2
    assert count(User) == 0


def test_duplicate_email_is_refused_and_changes_nothing(app, ctx):
    run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1")
    args = ["users", "create", "--org", "t1", "--email", "a@example.org", "--name", "ก", "--role", "staff", "--password-stdin"]
    assert run(app, *args, input="a-long-password\n").exit_code == 0
    events = count(AuditEvent)
    result = run(app, *args, input="a-long-password\n")
    assert result.exit_code == 1
    assert "ใช้อีเมลนี้ไม่ได้" in result.output
    assert count(User) == 1
    assert count(AuditEvent) == events


def test_unknown_division_is_refused(app, ctx):
    run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1")
    result = run(app, "users", "create", "--org", "t1", "--email", "a@example.org", "--name", "ก",
                 "--role", "staff", "--division", "กองที่ไม่มี", "--password-stdin", input="a-long-password\n")
    assert result.exit_code == 1
    assert "No division 'กองที่ไม่มี'" in result.output
    assert count(User) == 0


def test_unknown_role_is_refused_before_the_password_prompt(app, ctx):
    run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1")
    result = run(app, "users", "create", "--org", "t1", "--email", "a@example.org", "--name", "ก", "--role", "mayor")
    assert result.exit_code == 1
    assert "mayor" in result.output and "division_head" in result.output
    assert "Password" not in result.output
    assert count(User) == 0


def test_short_password_is_refused(app, ctx):
    run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1")
    result = run(app, "users", "create", "--org", "t1", "--email", "a@example.org", "--name", "ก",
                 "--role", "staff", "--password-stdin", input="short\n")
    assert result.exit_code == 1
    assert count(User) == 0


def test_unknown_org_and_duplicate_org(app, ctx):
    result = run(app, "users", "create", "--org", "nowhere", "--email", "a@example.org", "--name", "ก", "--role", "staff")
    assert result.exit_code == 1
    assert "No organization" in result.output
    assert run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1").exit_code == 0
    assert run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t2").exit_code == 1
    assert run(app, "orgs", "create", "อบต.อื่น", "--slug", "Bad Slug!").exit_code == 1
    assert count(Organization) == 1


def test_duplicate_division_name_ignores_spaces(app, ctx):
    run(app, "orgs", "create", "อบต.ทดสอบ", "--slug", "t1")
    assert run(app, "divisions", "create", "--org", "t1", "--name", "กองคลัง").exit_code == 0
    result = run(app, "divisions", "create", "--org", "t1", "--name", "กอง คลัง")
    assert result.exit_code == 1
    assert count(Division) == 1


def test_demo_setup_is_idempotent_and_prints_accounts(app, ctx):
    first = run(app, "demo", "setup")
    assert first.exit_code == 0, first.output
    second = run(app, "demo", "setup")
    assert second.exit_code == 0
    assert "admin@muangphia.example" in second.output
    password = second.output.split("password for all of them: ")[1].split()[0]
    user = db.session.scalars(sa.select(User).where(User.email == "deputy@muangphia.example")).one()
    assert user.check_password(password)
    assert count(Organization) == 1
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)
