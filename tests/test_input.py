"""Input checked at the edge: NUL refused, text fits its column, numbers the database can hold (forms and CLI)."""
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.input import DB_INTEGER_MAX, parse_id, parse_whole_number
from tracker.models import Division, Organization, ReminderSettings, Role
from tracker.orgs.services import create_division

NUL_TEXT = "อักขระที่บันทึกไม่ได้"  # in the Thai message about NUL


@pytest.mark.parametrize("text", ["²", "①", "1²", "٣", "-1", "1.0", "1e3", "", " ", "12345678901", str(DB_INTEGER_MAX + 1)])
def test_what_is_not_a_whole_number_the_database_holds(text):
    assert parse_whole_number(text) is None


@pytest.mark.parametrize("text, number", [("0", 0), ("๑๔", 14), (" 7 ", 7), (str(DB_INTEGER_MAX), DB_INTEGER_MAX)])
def test_whole_numbers_in_thai_or_arabic_digits(text, number):
    assert parse_whole_number(text) == number


@given(st.text(max_size=12))
def test_parse_whole_number_never_raises_and_stays_in_range(text):
    number = parse_whole_number(text)
    assert number is None or 0 <= number <= DB_INTEGER_MAX
    assert parse_id(text) is None or parse_id(text) >= 1


def test_a_nul_on_the_sign_in_page_is_a_clear_400(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email + "\x00", "password": "x\x00"})
    assert response.status_code == 400
    assert NUL_TEXT in response.get_data(as_text=True)


def test_a_nul_in_a_query_string_is_a_clear_400(client, sign_in, make_user):
    sign_in(make_user(role=Role.ADMIN))
    response = client.get("/admin/audit?q=a%00b")
    assert response.status_code == 400
    assert NUL_TEXT in response.get_data(as_text=True)


def test_a_nul_in_a_form_changes_nothing(client, sign_in, make_user):
    admin = make_user(role=Role.ADMIN)
    sign_in(admin)
    response = client.post("/admin/divisions", data={"name": "กอง\x00คลัง"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Division.id))) == 0


def test_text_longer_than_its_column_is_shown_next_to_its_field(client, sign_in, make_user):
    sign_in(make_user(role=Role.ADMIN))
    response = client.post("/admin/divisions", data={"name": "ก" * 500})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "ยาวเกินไป" in page and "200" in page  # the limit of the column, next to the field
    assert db.session.scalar(sa.select(sa.func.count(Division.id))) == 0


def test_every_write_is_checked_against_its_column(make_org):
    org = make_org()
    with pytest.raises(ValidationFailed) as refused:
        create_division(org, "ก" * 500)
        db.session.flush()
    assert refused.value.field == "name"
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        db.session.add(Organization(name="อบต.\x00", slug="nul"))
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("value", ["²", "①", "99999999999999999999", "2147483648"])
def test_reminder_numbers_that_are_not_numbers_are_refused_clearly(client, sign_in, make_user, value):
    admin = make_user(role=Role.ADMIN)
    sign_in(admin)
    data = {"enabled": "y", "days_before": "14, 7", "overdue_every": value, "escalate_from": "14",
            "digest_weekday": "0", "send_time": "08:00"}
    response = client.post("/admin/reminders/settings", data=data)
    assert response.status_code == 400
    assert db.session.get(ReminderSettings, admin.organization_id) is None
    data.update(overdue_every="7", days_before=value)
    assert client.post("/admin/reminders/settings", data=data).status_code == 400


@pytest.mark.parametrize("value", ["²", "①", "99999999999999999999"])
def test_a_fiscal_year_that_is_not_a_number_is_refused_clearly(client, sign_in, make_user, value):
    sign_in(make_user(role=Role.ADMIN))
    response = client.post("/measures/new", data={"fiscal_year": value, "indicator_number": "1", "title": "โครงการ",
                                                  "start_date": "01/10/2568", "end_date": "30/09/2569"})
    assert response.status_code == 400
    assert "2569" in response.get_data(as_text=True)  # the message gives an example


def test_query_string_numbers_that_are_not_numbers_are_ignored(client, sign_in, make_user):
    sign_in(make_user(role=Role.ADMIN))
    for query in ("year=²", "year=①", "year=99999999999999999999", "division=²&indicator=①"):
        assert client.get(f"/dashboard?{query}").status_code == 200


def test_the_cli_refuses_a_name_longer_than_its_column(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orgs", "create", "ก" * 300])
    assert result.exit_code == 1
    assert "too long" in result.output or "ยาวเกินไป" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


@pytest.mark.parametrize("year", ["²", "99999999999999999999", "12000"])
def test_the_cli_refuses_a_year_it_cannot_use(app, ctx, make_org, tmp_path, year):
    make_org(slug="cli-org")
    result = app.test_cli_runner().invoke(
        args=["reports", "export", "--org", "cli-org", "--year", year, "--format", "xlsx", "-o", str(tmp_path / "r.xlsx")]
    )
    assert result.exit_code in (1, 2), result.output
    assert not isinstance(result.exception, Exception)  # a message and an exit status, not a traceback


@pytest.mark.parametrize("key", ["²", "①", "99999999999999999999"])
def test_the_cli_says_no_such_organization_for_any_key(app, ctx, key):
    result = app.test_cli_runner().invoke(args=["divisions", "list", "--org", key])
    assert result.exit_code == 1 and "No organization" in result.output
