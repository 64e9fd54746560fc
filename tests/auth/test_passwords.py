"""The password policy (pure: no database)."""
import pytest

from tracker.auth.passwords import COMMON_PASSWORDS_FILE, common_passwords, password_problem


@pytest.fixture(autouse=True)
def in_a_request(app):
    with app.test_request_context("/"):
        yield


def test_the_common_password_list_ships_with_the_project():
    assert COMMON_PASSWORDS_FILE.is_file()
    assert (COMMON_PASSWORDS_FILE.parent / "COMMON-PASSWORDS-LICENSE.txt").is_file()
    passwords = common_passwords()
    assert len(passwords) > 10_000
    assert {"123456", "password", "qwertyuiop"} <= passwords


@pytest.mark.parametrize("password", ["short", "123456789"])
def test_fewer_than_ten_characters_are_refused(password):
    assert "10" in password_problem(password, email="somchai@example.org", name="สมชาย ใจดี")


@pytest.mark.parametrize("password", ["1234567890", "qwertyuiop", "Password123", "ILOVEYOU12", "1q2w3e4r5t"])
def test_common_passwords_are_refused_whatever_their_case(password):
    assert "คนใช้กันมาก" in password_problem(password)


@pytest.mark.parametrize("password", ["somchai.jaidee@example.org", "Somchai.Jaidee", "somchai jaidee",
                                      "SOMCHAI_JAIDEE"])
def test_the_persons_email_or_name_is_refused(password):
    problem = password_problem(password, email="somchai.jaidee@example.org", name="Somchai Jaidee")
    assert problem and "ชื่อ" in problem


def test_a_thai_name_is_refused_too():
    assert password_problem("สมชายใจดีมากมาก", name="สมชายใจดีมากมาก") is not None
    assert password_problem("สมชาย ใจดีมากมาก", name="สมชายใจดีมากมาก") is not None


def test_a_long_uncommon_password_is_accepted():
    assert password_problem("kq7M-vT3x-9cNa", email="somchai@example.org", name="Somchai") is None
    assert password_problem("ม้าลายกินหญ้าตอนเช้า", email="somchai@example.org", name="สมชาย") is None
