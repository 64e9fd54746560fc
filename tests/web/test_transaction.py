"""The web layer's transaction owner: one commit per successful request, nothing written otherwise."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import flash, redirect

from tracker import create_app
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import AuditEvent, Notification, Organization
from tracker.web.transaction import after_commit
from tests.conftest import empty_tables


@pytest.fixture(scope="module")
def owner_app(app, database_url, tmp_path_factory):
    """The application with a few views that write, then succeed, fail or raise."""
    test_app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                          INSTANCE_PATH=str(tmp_path_factory.mktemp("owner")))
    test_app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500, as in production
    seen_after_commit: list = []

    def add_org(name: str) -> Organization:
        org = Organization(name=name, slug=name)
        db.session.add(org)
        db.session.flush()
        return org

    @test_app.post("/t/ok")
    def ok():
        add_org("ok")
        after_commit(lambda: seen_after_commit.append(committed_names()))
        return redirect("/")

    @test_app.post("/t/halfway")
    def halfway():
        add_org("halfway")
        raise RuntimeError("the view fails after writing")

    @test_app.post("/t/refused")
    def refused():
        add_org("refused")
        after_commit(lambda: seen_after_commit.append("must not run"))
        try:
            raise ValidationFailed("No.")
        except ValidationFailed as error:
            flash(str(error.message), "danger")
            return redirect("/")

    @test_app.post("/t/form-error")
    def form_error():
        add_org("form-error")
        return "the form again, with its errors", 400

    @test_app.post("/t/answered")
    def answered():
        add_org("answered")

        def later():  # runs once the answer has gone, and what it writes is committed too
            seen_after_commit.append(("later", committed_names()))
            add_org("later")

        after_commit(later, once_answered=True)
        after_commit(lambda: seen_after_commit.append("at commit"))
        return redirect("/")

    @test_app.post("/t/answered-refused")
    def answered_refused():
        add_org("answered-refused")
        after_commit(lambda: seen_after_commit.append("must not run"), once_answered=True)
        return "the form again", 400

    @test_app.get("/t/read")
    def read():
        add_org("read")
        return "a page"

    test_app.seen_after_commit = seen_after_commit
    yield test_app


def committed_names() -> set[str]:
    """What another connection sees: only what was committed."""
    with db.engine.connect() as connection:
        return set(connection.scalars(sa.select(Organization.name)))


@pytest.fixture
def owner(owner_app):
    owner_app.seen_after_commit.clear()
    with owner_app.app_context():
        yield owner_app.test_client()
        db.session.rollback()
        empty_tables()


def test_a_successful_post_is_committed_then_its_after_commit_work_runs(owner, owner_app):
    assert owner.post("/t/ok").status_code == 302
    assert committed_names() == {"ok"}
    assert owner_app.seen_after_commit == [{"ok"}]  # the work ran once the row was committed


def test_a_view_raising_halfway_leaves_nothing_written(owner):
    assert owner.post("/t/halfway").status_code == 500
    assert committed_names() == set()


def test_a_refusal_caught_by_the_view_is_rolled_back_even_with_a_redirect(owner, owner_app):
    assert owner.post("/t/refused").status_code == 302
    assert committed_names() == set()
    assert owner_app.seen_after_commit == []


def test_a_form_shown_again_with_errors_writes_nothing(owner):
    assert owner.post("/t/form-error").status_code == 400
    assert committed_names() == set()


def test_a_get_never_commits(owner):
    assert owner.get("/t/read").status_code == 200
    assert committed_names() == set()


def test_queued_e_mail_is_delivered_only_after_its_commit(client, sign_in, make_user, make_org, monkeypatch):
    from tracker.auth.models import Role
    from tracker.reminders import views

    admin = make_user(make_org(), Role.ADMIN)
    sign_in(admin)
    committed_when_delivered = []
    deliver = views.deliver_pending

    def deliver_and_look(**kwargs):
        with db.engine.connect() as connection:  # another connection sees committed rows only
            committed_when_delivered.append(connection.scalar(sa.select(sa.func.count()).select_from(Notification)))
        return deliver(**kwargs)

    monkeypatch.setattr(views, "deliver_pending", deliver_and_look)
    assert client.post("/admin/reminders/test").status_code == 302
    assert committed_when_delivered == [1]


def test_a_report_export_records_its_audit_event_and_nothing_else(client, sign_in, make_user, make_org, make_measure):
    from tracker.auth.models import Role

    org = make_org()
    make_measure(org, fiscal_year=2569)
    sign_in(make_user(org, Role.STAFF))
    response = client.get("/reports/export?fiscal_year=2569&as_of=16/03/2569&output=print")
    assert response.status_code == 200
    assert [e.action for e in db.session.scalars(sa.select(AuditEvent))] == ["report.export"]


def test_work_once_answered_runs_after_the_answer_in_a_transaction_of_its_own(owner, owner_app):
    response = owner.post("/t/answered")
    assert response.status_code == 302
    # The commit's work ran before the answer; the other runs when the answer is closed (sent).
    assert owner_app.seen_after_commit == ["at commit"]
    response.close()
    assert owner_app.seen_after_commit == ["at commit", ("later", {"answered"})]
    assert committed_names() == {"answered", "later"}


def test_work_once_answered_never_runs_when_the_request_is_rolled_back(owner, owner_app):
    response = owner.post("/t/answered-refused")
    response.close()
    assert response.status_code == 400
    assert owner_app.seen_after_commit == [] and committed_names() == set()
