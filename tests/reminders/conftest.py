"""Reminder fixtures: an office with people and steps, a real SMTP server."""
from __future__ import annotations

import email
import socket
from datetime import date, datetime, time, timedelta
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import TODAY
from tracker.models import Role, StepStatus

MONDAY = TODAY  # 16 March 2026, the day of the weekly summary
TUESDAY = TODAY + timedelta(days=1)
BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok(day: date, hour: int = 8, minute: int = 0) -> datetime:
    """An instant given as Bangkok wall-clock time, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), BANGKOK).astimezone(ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def outbox_dir(request, tmp_path, monkeypatch):
    """.eml files of the tests go to a temporary folder, removed afterwards.
    Pure tests (no `app`) stay without an application and a database."""
    folder = tmp_path / "outbox"
    if "app" in request.fixturenames:
        monkeypatch.setitem(request.getfixturevalue("app").config, "MAIL_OUTBOX_DIR", str(folder))
    return folder


# --- a real SMTP server in the test process -----------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message; refuses the addresses in `refuse`,
    counts the connections (one EHLO each) and drops the connection at the
    next message's MAIL FROM when `drop_next` is set (as a server does after
    an idle time or a message count)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.connections = 0
        self.drop_next = False

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.drop_next:
            self.drop_next = False
            server.transport.close()
            return "421 4.4.2 Closing the connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if envelope.smtp_utf8:  # UTF-8 headers: read as text, not as bytes with escapes
            self.messages.append(email.message_from_string(raw.decode("utf-8"), policy=policy.default))
        else:
            self.messages.append(email.message_from_bytes(raw, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]


@pytest.fixture
def smtp(app, monkeypatch):
    """A running SMTP server on a free port, and the app configured to use it.
    `smtp.stop()` / `smtp.start()` take it down and bring it back on the same port."""
    server = SmtpServer()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "ita@muangphia.example")
    server.start()
    yield server
    server.stop()


def decoded_to(message: EmailMessage) -> str:
    """The To header decoded as RFC 2047 says (the whitespace between two encoded
    words does not count; Python's address parser keeps it, mail clients do not)."""
    raw = dict(message.raw_items())["To"]
    return str(make_header(decode_header(raw)))


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


# --- an office ------------------------------------------------------------------------


@pytest.fixture
def office(make_org, make_division, make_user, make_measure, make_progress):
    """An อบต. on Tuesday 17 March 2026 (Bangkok): two divisions, people in every
    situation the rules know, and steps due soon, late, long late and done."""
    org = make_org("องค์การบริหารส่วนตำบลเมืองเพีย", slug="muangphia")
    palad = make_division(org, "สำนักปลัด", "สป.")
    finance = make_division(org, "กองคลัง", "กค.")
    people = SimpleNamespace(
        head_palad=make_user(org, Role.DIVISION_HEAD, head_of=[palad], email="head.palad@example.org",
                             display_name="หัวหน้าสำนักปลัด"),
        head_finance=make_user(org, Role.DIVISION_HEAD, head_of=[finance], email="head.finance@example.org",
                               display_name="ผู้อำนวยการกองคลัง"),
        staff_palad=make_user(org, Role.STAFF, divisions=[palad], email="staff.palad@example.org"),
        both=make_user(org, Role.STAFF, divisions=[palad, finance], email="both@example.org"),
        optout=make_user(org, Role.STAFF, divisions=[palad], email="optout@example.org"),
        english=make_user(org, Role.STAFF, divisions=[finance], email="english@example.org",
                          display_name="Somchai", locale="en"),
        inactive=make_user(org, Role.STAFF, divisions=[palad], email="inactive@example.org", active=False),
        deputy=make_user(org, Role.EXECUTIVE, email="deputy@example.org", display_name="รองปลัด"),
        admin=make_user(org, Role.ADMIN, email="admin@example.org", display_name="ผู้ดูแลระบบ"),
    )
    measure = make_measure(org, indicator=9, title="เปิดเผยข้อมูลสาธารณะบนเว็บไซต์", steps=[
        {"text": "จัดทำแผนเผยแพร่ข้อมูล", "due": TUESDAY + timedelta(days=7), "divisions": [palad]},
        {"text": "ปรับปรุงหน้าเว็บไซต์", "due": TUESDAY - timedelta(days=1), "divisions": [finance]},
        {"text": "รายงานผลต่อผู้บริหาร", "due": TUESDAY - timedelta(days=14), "divisions": [palad, finance],
         "status": StepStatus.IN_PROGRESS, "percent": 40},
        {"text": "ประชุมชี้แจง", "due": TUESDAY + timedelta(days=1), "divisions": [palad]},
        {"text": "สรุปผลปลายปี", "due": TUESDAY + timedelta(days=30), "divisions": [palad]},
    ])
    due7, late1, late14, done, later = measure.steps
    # "Done the day before": due tomorrow, a 1-day reminder if it were still open.
    make_progress(done, people.head_palad, 100, work_date=TUESDAY - timedelta(days=1))
    from tracker.reminders.services import update_preferences
    from tracker.extensions import db

    update_preferences(people.optout, people.optout, escalations_only=True)
    db.session.commit()
    steps = SimpleNamespace(due7=due7, late1=late1, late14=late14, done=done, later=later)
    return SimpleNamespace(org=org, palad=palad, finance=finance, people=people, steps=steps, measure=measure)


# What each person hears on Tuesday: (step, kind) in the order of the e-mail.
EXPECTED_TUESDAY = {
    "head.palad@example.org": [("late14", "overdue"), ("due7", "due_soon")],
    "head.finance@example.org": [("late14", "overdue"), ("late1", "overdue")],
    "staff.palad@example.org": [("late14", "overdue"), ("due7", "due_soon")],
    "both@example.org": [("late14", "overdue"), ("late1", "overdue"), ("due7", "due_soon")],
    "optout@example.org": [("late14", "overdue")],
    "english@example.org": [("late14", "overdue"), ("late1", "overdue")],
    "deputy@example.org": [("late14", "escalation")],
}
