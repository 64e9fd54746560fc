"""Deciding many organizations' reminders at once: fixed queries per batch, one broken
organization costs only its own run, shared messages keep each person's name."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from tracker.auth.models import Role
from tracker.extensions import db
from tracker.reminders import outbox as outbox_module
from tracker.reminders.facts import organization_rows
from tracker.reminders.jobs import catch_up, decide_organizations
from tracker.reminders.models import Notification, ReminderRun
from tracker.urls import external_url

from .conftest import EXPECTED_TUESDAY, TUESDAY, bangkok


@pytest.fixture
def make_small_office(make_org, make_division, make_user, make_measure):
    """An organization with a head and two members of one division, and one late step."""

    def make(n: int):
        org = make_org(f"เทศบาลตำบลทดสอบ {n}", slug=f"test-{n}")
        division = make_division(org, "กองช่าง")
        make_user(org, Role.DIVISION_HEAD, head_of=[division], email=f"head{n}@example.org",
                  display_name=f"หัวหน้า <{n}>")
        for member in range(2):
            make_user(org, Role.STAFF, divisions=[division], email=f"staff{n}-{member}@example.org",
                      display_name=f"เจ้าหน้าที่ {n}-{member}")
        make_measure(org, indicator=3, steps=[{"text": f"ซ่อมถนน {n}", "due": TUESDAY - timedelta(days=1),
                                                "divisions": [division]}])
        db.session.commit()
        return org

    return make


def days_of_all(day=TUESDAY):
    return [(org, day) for org in organization_rows()]


def test_a_batch_reads_with_the_same_queries_however_many_organizations(office, make_small_office,
                                                                         count_queries):
    with count_queries() as one:
        outbox_module.plan_days(days_of_all())
    db.session.rollback()
    for n in range(4):
        make_small_office(n)
    with count_queries() as five:
        days = outbox_module.plan_days(days_of_all())
    assert sum(len(day.messages) for day in days) == len(EXPECTED_TUESDAY) + 4 * 3
    assert five.count == one.count, five.statements


def test_every_organization_of_a_pass_gets_its_emails_and_a_run(office, make_small_office):
    for n in range(3):
        make_small_office(n)
    report = decide_organizations(days_of_all(), trigger="cli", now=bangkok(TUESDAY), batch_size=2)
    assert report.organizations == 4 and report.failures == 0
    assert report.messages_created == len(EXPECTED_TUESDAY) + 3 * 3
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == report.messages_created
    runs = db.session.scalars(sa.select(ReminderRun)).all()
    assert sorted(r.messages_created for r in runs) == [3, 3, 3, len(EXPECTED_TUESDAY)]
    again = decide_organizations(days_of_all(), trigger="cli", now=bangkok(TUESDAY), batch_size=2)
    assert again.messages_created == 0
    assert sum(line.already_decided for line in again) == report.messages_created


@pytest.mark.parametrize("overlap", [False, pytest.param(True, marks=pytest.mark.postgres_only)])
def test_one_broken_organization_costs_only_its_own_run(office, make_small_office, monkeypatch, overlap):
    broken = make_small_office(1)
    make_small_office(2)
    real = outbox_module.plan_organization

    def fail_for_one(facts, *args, **kwargs):
        if facts.org.id == broken.id:
            raise RuntimeError("a broken template")
        return real(facts, *args, **kwargs)

    monkeypatch.setattr(outbox_module, "plan_organization", fail_for_one)
    report = decide_organizations(days_of_all(), trigger="scheduler", now=bangkok(TUESDAY), batch_size=2,
                                  overlap=overlap)
    assert [(line.slug, line.error) for line in report if line.error] == [
        (broken.slug, "RuntimeError: a broken template")]
    assert report.messages_created == len(EXPECTED_TUESDAY) + 3
    recipients = set(db.session.scalars(sa.select(Notification.recipient_email)))
    assert "head2@example.org" in recipients and "head1@example.org" not in recipients


def test_members_with_the_same_steps_share_one_message_with_their_own_names(make_small_office):
    make_small_office(7)
    decide_organizations(days_of_all(), trigger="cli", now=bangkok(TUESDAY))
    by_email = {n.recipient_email: n for n in db.session.scalars(sa.select(Notification))}
    head, member = by_email["head7@example.org"], by_email["staff7-0@example.org"]
    assert head.body_text.startswith("เรียน หัวหน้า <7>")
    assert "เรียน หัวหน้า &lt;7&gt;" in head.body_html and "หัวหน้า <7>" not in head.body_html
    assert member.body_text.startswith("เรียน เจ้าหน้าที่ 7-0")
    assert head.body_text.replace("หัวหน้า <7>", "เจ้าหน้าที่ 7-0") == member.body_text
    assert "\u2063" not in head.body_text + head.body_html + member.body_html


def test_catch_up_finds_the_missed_organizations_with_the_same_queries(office, make_small_office, count_queries):
    decide_organizations(days_of_all(), trigger="scheduler", now=bangkok(TUESDAY))
    with count_queries() as few:
        assert len(catch_up(bangkok(TUESDAY, 9))) == 0
    for n in range(3):
        make_small_office(n)
    assert len(catch_up(bangkok(TUESDAY, 7))) == 0  # before 08:00 nobody is due yet
    caught = catch_up(bangkok(TUESDAY, 9))
    assert sorted(line.slug for line in caught) == ["test-0", "test-1", "test-2"]
    with count_queries() as many:
        assert len(catch_up(bangkok(TUESDAY, 10))) == 0
    assert many.count == few.count, many.statements


def test_links_outside_a_request_are_those_of_a_request_to_the_base_address(app, office, monkeypatch):
    monkeypatch.setitem(app.config, "APP_BASE_URL", "https://ita.example.go.th/tracker")
    endpoints = [("measures.step_detail", {"step_id": office.steps.late1.id}), ("reminders.preferences", {}),
                 ("main.home", {})]
    with app.test_request_context("/", base_url="https://ita.example.go.th/tracker"):
        expected = [url_for(endpoint, _external=True, **values) for endpoint, values in endpoints]
    assert [external_url(endpoint, **values) for endpoint, values in endpoints] == expected


def test_the_emails_own_translations_leave_the_pages_language_alone(app, office, client, sign_in):
    decide_organizations(days_of_all(), trigger="cli", now=bangkok(TUESDAY))  # Thai and English e-mails
    english = db.session.scalars(sa.select(Notification).where(
        Notification.recipient_email == "english@example.org")).one()
    assert english.subject.startswith("ITA reminder")
    sign_in(office.people.head_palad)
    page = client.get("/", headers={"Accept-Language": "th"}, follow_redirects=True).get_data(as_text=True)
    assert "ออกจากระบบ" in page

