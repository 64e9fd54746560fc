"""Password guessing is slowed down, without revealing which e-mails exist."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker.auth import services
from tracker.extensions import db
from tracker.models import LoginAttempt
from tracker.timeutil import utcnow

LIMIT = services.MAX_FAILURES_PER_EMAIL


def fail(email, times, now, ip="10.0.0.1"):
    for _ in range(times):
        assert services.authenticate(email, "wrong-password", ip=ip, now=now) is None


def test_account_is_refused_after_repeated_failures_even_with_the_right_password(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    fail(user.email, LIMIT, now)
    with pytest.raises(services.TooManyAttempts):
        services.authenticate(user.email, TEST_PASSWORD, ip="10.0.0.1", now=now)


def test_the_window_passes(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    fail(user.email, LIMIT, now)
    later = now + services.THROTTLE_WINDOW + timedelta(seconds=1)
    assert services.authenticate(user.email, TEST_PASSWORD, ip="10.0.0.1", now=later) == user


def test_a_success_resets_the_count(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    fail(user.email, LIMIT - 1, now)
    assert services.authenticate(user.email, TEST_PASSWORD, now=now + timedelta(seconds=1)) == user
    fail(user.email, LIMIT - 1, now + timedelta(seconds=2))
    assert services.authenticate(user.email, TEST_PASSWORD, now=now + timedelta(seconds=3)) == user


def test_unknown_emails_are_throttled_the_same_way(ctx):
    now = utcnow()
    fail("nobody@example.org", LIMIT, now)
    with pytest.raises(services.TooManyAttempts):
        services.authenticate("nobody@example.org", "anything", now=now)


def test_one_address_guessing_many_accounts_is_throttled(ctx):
    now = utcnow()
    for n in range(services.MAX_FAILURES_PER_IP):
        services.authenticate(f"user{n}@example.org", "wrong", ip="203.0.113.9", now=now)
    with pytest.raises(services.TooManyAttempts):
        services.authenticate("someone@example.org", "wrong", ip="203.0.113.9", now=now)
    assert services.authenticate("someone@example.org", "wrong", ip="198.51.100.1", now=now) is None


def test_old_attempts_are_pruned(ctx):
    long_ago = utcnow() - timedelta(days=2)
    fail("a@example.org", 2, long_ago)
    services.authenticate("a@example.org", "wrong", now=utcnow())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 1


def test_sign_in_page_says_to_wait(client, make_user):
    user = make_user(email="head@example.org")
    for _ in range(LIMIT):
        client.post("/login", data={"email": user.email, "password": "wrong-password"})
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "กรุณารอ 15 นาที" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_an_unknown_email_is_checked_like_a_password_of_this_installation(app, ctx, monkeypatch):
    """A wrong e-mail costs the same hashing as a wrong password: the dummy hash uses the configured method."""
    checked = []
    monkeypatch.setattr(services, "check_password_hash", lambda stored, password: checked.append(stored) or False)
    assert services.authenticate("nobody@example.org", "wrong-password", now=utcnow()) is None
    assert [stored.split("$")[0] for stored in checked] == [app.config["PASSWORD_HASH_METHOD"]]
