"""Password guessing is slowed down without locking anyone out (OWASP's device cookies),
without revealing which e-mails exist, and counted atomically."""
import secrets
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker import create_app
from tracker.auth import devices, services, throttle
from tracker.auth.clients import Client
from tracker.extensions import db
from tracker.models import AuditEvent, LoginAttempt, User
from tracker.timeutil import utcnow

ACCOUNT_LIMIT = throttle.PER_ACCOUNT.free
ADDRESS_LIMIT = throttle.PER_ADDRESS.free
OFFICE = Client.of("10.0.0.1", "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0")
WAIT = "กรุณารอ"


def fail(email, times, now, client=OFFICE, device=None):
    for _ in range(times):
        assert services.authenticate(email, "wrong-password", client=client, device=device, now=now) is None


# --- the rules, without a database -------------------------------------------------

def test_the_delay_doubles_with_each_failure_past_the_allowance_up_to_a_cap():
    limit = throttle.Limit(free=5, base=timedelta(minutes=1), cap=timedelta(minutes=15))
    assert [limit.delay(n) for n in (0, 4)] == [timedelta(0)] * 2
    assert [limit.delay(n).total_seconds() / 60 for n in (5, 6, 7, 8, 9, 10, 50)] == [1, 2, 4, 8, 15, 15, 15]


def test_device_cookies_name_an_account_and_cannot_be_forged():
    cookie = devices.issue(None, "head@example.org", "key-1" * 8)
    nonce = devices.nonce_for(cookie, "head@example.org", "key-1" * 8)
    assert nonce
    assert devices.nonce_for(cookie, "clerk@example.org", "key-1" * 8) is None  # another account
    assert devices.nonce_for(cookie, "head@example.org", "key-2" * 8) is None  # signed with another key
    assert devices.nonce_for(cookie[:-2] + "xx", "head@example.org", "key-1" * 8) is None
    # A second account on a shared computer keeps the first; a new sign-in gives a new nonce.
    both = devices.issue(cookie, "clerk@example.org", "key-1" * 8)
    assert devices.nonce_for(both, "head@example.org", "key-1" * 8) == nonce
    again = devices.issue(both, "head@example.org", "key-1" * 8)
    assert devices.nonce_for(again, "head@example.org", "key-1" * 8) not in (None, nonce)


# --- untrusted clients ---------------------------------------------------------------

def test_an_untrusted_client_is_refused_after_repeated_failures_even_with_the_right_password(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    fail(user.email, ACCOUNT_LIMIT, now)
    with pytest.raises(services.TooManyAttempts) as refused:
        services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=now)
    assert refused.value.retry_after == 60
    assert services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=now + timedelta(minutes=1)) == user


def test_the_wait_grows_with_further_failures(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    fail(user.email, ACCOUNT_LIMIT, now)
    later = now + timedelta(minutes=1)
    fail(user.email, 1, later)  # the 6th failure, after waiting
    with pytest.raises(services.TooManyAttempts) as refused:
        services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=later + timedelta(minutes=1))
    assert refused.value.retry_after == 60  # 2 minutes after the 6th failure
    # Refused attempts are not checked and not counted: waiting is enough.
    assert services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=later + timedelta(minutes=2)) == user


def test_a_success_resets_the_accounts_count(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    fail(user.email, ACCOUNT_LIMIT - 1, now)
    assert services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=now + timedelta(seconds=1)) == user
    fail(user.email, ACCOUNT_LIMIT - 1, now + timedelta(seconds=2))
    assert services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=now + timedelta(seconds=3)) == user


def test_unknown_emails_are_throttled_the_same_way(ctx):
    now = utcnow()
    fail("nobody@example.org", ACCOUNT_LIMIT, now)
    with pytest.raises(services.TooManyAttempts) as refused:
        services.authenticate("nobody@example.org", "anything", client=OFFICE, now=now)
    assert refused.value.retry_after == 60


def test_one_address_guessing_many_accounts_is_slowed_down(ctx):
    now = utcnow()
    for n in range(ADDRESS_LIMIT):
        services.authenticate(f"user{n}@example.org", "wrong", client=Client.of("203.0.113.9", ""), now=now)
    with pytest.raises(services.TooManyAttempts):
        services.authenticate("someone@example.org", "wrong", client=Client.of("203.0.113.9", ""), now=now)
    assert services.authenticate("someone@example.org", "wrong", client=Client.of("198.51.100.1", ""), now=now) is None


def test_signing_in_to_ones_own_account_does_not_reset_the_address(make_user):
    """Otherwise a guesser with an account of their own could guess on for ever."""
    guesser = make_user(email="guesser@example.org")
    now = utcnow()
    for n in range(ADDRESS_LIMIT - 1):
        services.authenticate(f"user{n}@example.org", "wrong", client=OFFICE, now=now)
    assert services.authenticate(guesser.email, TEST_PASSWORD, client=OFFICE, now=now) == guesser
    services.authenticate("victim@example.org", "wrong", client=OFFICE, now=now)
    with pytest.raises(services.TooManyAttempts):
        services.authenticate("victim2@example.org", "wrong", client=OFFICE, now=now)


# --- trusted devices -----------------------------------------------------------------

def test_a_device_that_signed_in_before_is_limited_only_by_its_own_failures(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    device = "nonce-of-the-head-s-browser"
    fail(user.email, ACCOUNT_LIMIT, now, client=OFFICE)  # someone else guesses the account's password
    for n in range(ADDRESS_LIMIT - ACCOUNT_LIMIT):  # ... from the office's one address, 30 in all
        services.authenticate(f"user{n}@example.org", "wrong", client=OFFICE, now=now)
    with pytest.raises(services.TooManyAttempts):
        services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=now)
    assert services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, device=device, now=now) == user

    later = now + timedelta(seconds=1)
    fail(user.email, throttle.PER_DEVICE.free, later, device=device)  # the device's own mistakes count
    with pytest.raises(services.TooManyAttempts):
        services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, device=device, now=later)


def test_a_trusted_devices_failures_do_not_slow_down_other_clients(make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    fail(user.email, throttle.PER_DEVICE.free, now, device="forgetful-browser")
    assert services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=now) == user


def test_old_attempts_are_pruned(ctx):
    long_ago = utcnow() - timedelta(days=2)
    fail("a@example.org", 2, long_ago)
    services.authenticate("a@example.org", "wrong", client=OFFICE, now=utcnow())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 1


def test_the_clean_up_keeps_a_day_and_removes_at_most_a_bounded_number_oldest_first(ctx, count_queries):
    now = utcnow()
    ages = [timedelta(days=3), timedelta(days=2), timedelta(hours=25), timedelta(days=1, seconds=1),
            timedelta(days=1), timedelta(hours=23), timedelta(minutes=5)]
    for n, age in enumerate(ages):
        db.session.add(LoginAttempt(email=f"u{n}@example.org", ip="10.0.0.1", succeeded=False, created_at=now - age))
    db.session.commit()

    def left():
        db.session.expire_all()
        return sorted(db.session.scalars(sa.select(LoginAttempt.email)))

    with count_queries() as counter:
        assert throttle.prune(now, at_most=2) == 2
    assert len(counter.statements) == 1  # one bounded DELETE
    assert "LIMIT 2" in counter.statements[0]  # written in, so that a generic plan keeps the index
    assert left() == ["u2@example.org", "u3@example.org", "u4@example.org", "u5@example.org", "u6@example.org"]
    assert throttle.prune(now) == 2
    # A day old exactly, and younger, stay: they may still slow someone down.
    assert left() == ["u4@example.org", "u5@example.org", "u6@example.org"]
    assert throttle.prune(now) == 0


def test_a_sign_in_removes_only_a_bounded_number_of_old_attempts(ctx, monkeypatch):
    monkeypatch.setattr(throttle, "PRUNED_AT_MOST", 3)
    long_ago = utcnow() - timedelta(days=2)
    db.session.add_all(LoginAttempt(email="a@example.org", ip="10.0.0.9", succeeded=False, created_at=long_ago)
                       for _ in range(5))
    db.session.commit()
    services.authenticate("a@example.org", "wrong", client=OFFICE, now=utcnow())
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 5 - 3 + 1


def test_the_clean_up_has_an_index(ctx):
    indexes = sa.inspect(db.engine).get_indexes("login_attempts")
    assert any(index["column_names"] == ["created_at"] for index in indexes)


def test_an_unknown_email_is_checked_like_a_password_of_this_installation(app, ctx, monkeypatch):
    """A wrong e-mail costs the same hashing as a wrong password: the dummy hash uses the configured method."""
    checked = []
    monkeypatch.setattr(services, "check_password_hash", lambda stored, password: checked.append(stored) or False)
    assert services.authenticate("nobody@example.org", "wrong-password", now=utcnow()) is None
    assert [stored.split("$")[0] for stored in checked] == [app.config["PASSWORD_HASH_METHOD"]]


# --- through the sign-in page --------------------------------------------------------

def post_login(client, email, password, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def test_sign_in_page_says_how_long_to_wait(client, make_user):
    user = make_user(email="head@example.org")
    for _ in range(ACCOUNT_LIMIT):
        post_login(client, user.email, "wrong-password")
    response = post_login(client, user.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] in ("59", "60")
    assert "กรุณารอ 1 นาที" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_lockout_answers_the_same_whether_the_account_exists(app, make_user):
    make_user(email="head@example.org")
    answers = []
    for email in ("head@example.org", "nobody@example.org"):
        client = app.test_client()
        for _ in range(ACCOUNT_LIMIT):
            post_login(client, email, "wrong-password")
        response = post_login(client, email, TEST_PASSWORD)
        answers.append((response.status_code, response.headers["Retry-After"],
                        response.get_data(as_text=True).replace(email, "EMAIL")))
    assert answers[0] == answers[1] and answers[0][0] == 429


def test_a_browser_that_signed_in_before_still_signs_in_while_an_attacker_guesses(app, make_user):
    """The issue's acceptance test: one client signed in once; 31 failures from the same
    address with random e-mails and 6 on that account; that client still signs in with
    the right password, and an unknown client is slowed down."""
    user = make_user(email="deputy.clerk@example.org")
    browser, attacker, stranger = app.test_client(), app.test_client(), app.test_client()
    assert post_login(browser, user.email, TEST_PASSWORD).status_code == 302
    assert browser.get_cookie("device") is not None
    assert browser.post("/logout").status_code == 302

    for _ in range(31):
        post_login(attacker, f"{secrets.token_hex(4)}@example.org", "guess-guess")
    for _ in range(6):
        post_login(attacker, user.email, "guess-guess")
    assert post_login(attacker, user.email, TEST_PASSWORD).status_code == 429

    response = post_login(browser, user.email, TEST_PASSWORD)
    assert response.status_code == 302 and browser.get("/").status_code == 200
    slowed = post_login(stranger, user.email, TEST_PASSWORD)
    assert slowed.status_code == 429 and WAIT in slowed.get_data(as_text=True)


def test_a_device_cookie_for_another_account_does_not_help(app, make_user):
    mine, theirs = make_user(email="me@example.org"), make_user(email="them@example.org")
    browser = app.test_client()
    assert post_login(browser, mine.email, TEST_PASSWORD).status_code == 302
    browser.post("/logout")
    for _ in range(ACCOUNT_LIMIT):
        post_login(app.test_client(), theirs.email, "guess-guess")
    assert post_login(browser, theirs.email, TEST_PASSWORD).status_code == 429


def test_a_wrong_current_password_on_the_account_page_counts_as_a_failed_sign_in(app, client, sign_in, make_user):
    user = make_user(email="head@example.org")
    sign_in(user)
    client.delete_cookie("device")  # a browser left signed in, without its device cookie
    form = {"new_password": "a-new-password-1", "confirm": "a-new-password-1"}
    for _ in range(ACCOUNT_LIMIT):
        assert client.post("/account/password", data=form | {"current_password": "guess"}).status_code == 400
    refused = client.post("/account/password", data=form | {"current_password": TEST_PASSWORD})
    assert refused.status_code == 429 and WAIT in refused.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)
    assert post_login(app.test_client(), user.email, TEST_PASSWORD).status_code == 429
    failures = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("auth.%fail%"))).all()
    assert failures == ["auth.password_check_failed"] * ACCOUNT_LIMIT


def test_behind_a_proxy_the_clients_address_comes_from_x_forwarded_for(database_url, app, tmp_path, make_user):
    user = make_user()
    behind = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=str(tmp_path),
                        PROXY_FIX_X_FOR=1)
    headers = {"X-Forwarded-For": "203.0.113.7"}
    post_login(behind.test_client(), user.email, "wrong", headers=headers)
    post_login(app.test_client(), user.email, "wrong", headers=headers)  # not trusted without the setting
    ips = db.session.scalars(sa.select(LoginAttempt.ip).order_by(LoginAttempt.id)).all()
    assert ips == ["203.0.113.7", "127.0.0.1"]


# --- counting is atomic --------------------------------------------------------------

@pytest.mark.postgres_only
def test_parallel_guesses_are_counted_one_at_a_time(app, make_user):
    email = make_user(email="head@example.org").email
    guesses = 12
    start = threading.Barrier(guesses)
    outcomes = []

    def guess():
        with app.app_context():
            start.wait()
            try:
                outcomes.append(services.authenticate(email, "wrong", client=OFFICE))
            except services.TooManyAttempts:
                outcomes.append("refused")
            finally:
                db.session.commit()
                db.session.remove()

    threads = [threading.Thread(target=guess) for _ in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(None) == ACCOUNT_LIMIT  # checked; the rest were refused unchecked
    assert outcomes.count("refused") == guesses - ACCOUNT_LIMIT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == ACCOUNT_LIMIT
