"""Mail settings, waits between tries, the message and error words: pure, no database, no server."""
import re
import smtplib
import socket
import ssl
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest

from tracker.reminders.channels import OutgoingEmail, channel_opener
from tracker.reminders.email_channel import FileTransport, SmtpTransport, build_message, classify_error
from tracker.reminders.mail_settings import (
    MailSettingsError,
    describe_delivery,
    mail_settings_problems,
    new_message_id,
    retry_delay,
    sender_address,
)

GOOD = {
    "MAIL_SERVER": "smtp.example.go.th",
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": "ita",
    "MAIL_PASSWORD": "secret",
    "MAIL_DEFAULT_SENDER": "ITA Tracker <ita@example.go.th>",
}


def test_good_settings_have_no_problem():
    assert mail_settings_problems(GOOD) == []
    assert mail_settings_problems({"MAIL_SERVER": "", "MAIL_DEFAULT_SENDER": "ita-tracker@localhost"}) == []


@pytest.mark.parametrize("change, words", [
    ({"MAIL_USE_SSL": True}, "MAIL_USE_TLS"),
    ({"MAIL_PORT": 0}, "MAIL_PORT"),
    ({"MAIL_PORT": 70000}, "MAIL_PORT"),
    ({"MAIL_SERVER": "smtp://smtp.example.go.th"}, "host name only"),
    ({"MAIL_SERVER": "smtp.example.go.th:587"}, "host name only"),
    ({"MAIL_PASSWORD": ""}, "MAIL_USERNAME and MAIL_PASSWORD"),
    ({"MAIL_DEFAULT_SENDER": "ITA Tracker"}, "MAIL_DEFAULT_SENDER"),
])
def test_each_broken_setting_is_named(change, words):
    problems = mail_settings_problems(GOOD | change)
    assert len(problems) == 1 and words in problems[0]


def test_flask_mail_style_sender_tuple():
    assert sender_address({"MAIL_DEFAULT_SENDER": ("ระบบ ITA", "ita@example.go.th")}) == "ระบบ ITA <ita@example.go.th>"
    assert new_message_id({"MAIL_DEFAULT_SENDER": ("ระบบ ITA", "ita@example.go.th")}).endswith("@example.go.th>")


def test_waits_double_up_to_a_limit():
    waits = [retry_delay(n, 300, 6 * 3600) for n in range(1, 10)]
    assert waits[:4] == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=40)]
    assert waits[-1] == timedelta(hours=6)
    assert retry_delay(1000, 300, 6 * 3600) == timedelta(hours=6)


def test_the_message_carries_thai_headers_and_both_bodies():
    email = OutgoingEmail(
        message_id="<ita.1@example.go.th>",
        to_email="head@example.go.th",
        to_name="หัวหน้าสำนักปลัด",
        subject="แจ้งเตือนมาตรการ ITA: เกินกำหนด 1 ขั้นตอน",
        text="เรียน หัวหน้าสำนักปลัด\n",
        html="<p>เรียน หัวหน้าสำนักปลัด</p>",
        file_stem="x",
    )
    now = datetime(2026, 3, 17, 1, 0, tzinfo=timezone.utc)
    raw = build_message(email, GOOD, now).as_bytes()
    assert all(byte < 128 for byte in raw)  # 7-bit clean for any mail server
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "แจ้งเตือนมาตรการ ITA: เกินกำหนด 1 ขั้นตอน"
    assert parsed["Message-ID"] == "<ita.1@example.go.th>"
    assert parsed["From"].addresses[0].addr_spec == "ita@example.go.th"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Date"].datetime == now
    assert parsed.get_body(("plain",)).get_content() == "เรียน หัวหน้าสำนักปลัด\n"
    assert "<p>เรียน" in parsed.get_body(("html",)).get_content()


def decoded(raw_header: str) -> str:
    """A header as mail clients show it (RFC 2047: no space between two encoded words)."""
    return str(make_header(decode_header(raw_header)))


def test_a_mail_client_reads_the_thai_names_subject_and_both_parts():
    email = OutgoingEmail(
        message_id="<ita.2@example.go.th>",
        to_email="director.finance@example.go.th",
        to_name="ผู้อำนวยการกองคลัง องค์การบริหารส่วนตำบลเมืองเพีย",
        subject="แจ้งเตือนมาตรการ ITA: เกินกำหนด 2 ขั้นตอน, ใกล้ครบกำหนด 3 ขั้นตอน, ขั้นตอนที่ล่าช้านาน 1 ขั้นตอน",
        text="เรียน ผู้อำนวยการกองคลัง\nขั้นตอนที่เกินกำหนด: ปรับปรุงหน้าเว็บไซต์\n",
        html="<p>เรียน ผู้อำนวยการกองคลัง</p><p>ปรับปรุงหน้าเว็บไซต์</p>",
        file_stem="x",
    )
    config = GOOD | {"MAIL_DEFAULT_SENDER": ("ระบบติดตามมาตรการ ITA", "ita@example.go.th")}
    raw = build_message(email, config, datetime(2026, 3, 17, 1, 0, tzinfo=timezone.utc)).as_bytes()
    assert all(byte < 128 for byte in raw)
    head = raw.split(b"\n\n", 1)[0].decode("ascii")
    assert all(len(line) <= 78 for line in head.splitlines())  # folded as RFC 5322 asks
    assert all(len(word) <= 75 for word in re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head))  # RFC 2047

    parsed = message_from_bytes(raw, policy=policy.default)
    raw_headers = dict(parsed.raw_items())
    assert decoded(raw_headers["Subject"]) == email.subject
    assert parsed["Subject"] == email.subject
    assert decoded(raw_headers["To"]) == f"{email.to_name} <director.finance@example.go.th>"
    assert decoded(raw_headers["From"]) == "ระบบติดตามมาตรการ ITA <ita@example.go.th>"
    [to] = parsed["To"].addresses
    assert to.addr_spec == "director.finance@example.go.th"
    assert to.display_name.replace(" ", "") == email.to_name.replace(" ", "")  # Python keeps the space between words
    assert parsed["From"].addresses[0].addr_spec == "ita@example.go.th"
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content() == email.text
    assert parsed.get_body(("html",)).get_content() == email.html
    assert parsed["X-Auto-Response-Suppress"] == "All"


def test_an_english_name_is_quoted_and_a_line_break_starts_no_header():
    email = OutgoingEmail(
        message_id="<ita.3@example.go.th>", to_email="somchai@example.go.th", to_name='Somchai "Sam" J., Jr',
        subject="ITA reminder: 2 steps overdue\nBcc: everyone@example.go.th", text="Dear Somchai\n",
        html="<p>Dear Somchai</p>", file_stem="x",
    )
    raw = build_message(email, GOOD, datetime(2026, 3, 17, 1, 0, tzinfo=timezone.utc)).as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["To"].addresses[0].display_name == 'Somchai "Sam" J., Jr'
    assert parsed["To"].addresses[0].addr_spec == "somchai@example.go.th"
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "ITA reminder: 2 steps overdue Bcc: everyone@example.go.th"


@pytest.mark.parametrize("error, kind, permanent", [
    (ConnectionRefusedError(111, "Connection refused"), "connect", False),
    (socket.gaierror(-2, "Name or service not known"), "connect", False),
    (socket.timeout("timed out"), "connect", False),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "connect", False),
    (smtplib.SMTPAuthenticationError(535, b"Authentication failed"), "auth", False),
    (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."), "tls", False),
    (ssl.SSLError("wrong version number"), "tls", False),
    (smtplib.SMTPSenderRefused(553, b"sender rejected", "ita@example.go.th"), "sender", False),
    (smtplib.SMTPRecipientsRefused({"a@example.go.th": (550, b"No such user")}), "recipient", True),
    (smtplib.SMTPRecipientsRefused({"a@example.go.th": (452, b"Mailbox full, try later")}), "recipient", False),
    (smtplib.SMTPDataError(554, b"Rejected"), "smtp", False),
    (MailSettingsError("Turn on only one of ..."), "settings", False),
    (ValueError("odd"), "other", False),
])
def test_errors_are_put_in_words(error, kind, permanent):
    problem = classify_error(error, GOOD)
    assert (problem.kind, problem.permanent) == (kind, permanent)
    if kind != "settings":
        assert "smtp.example.go.th:587" in problem.detail


def test_a_file_error_without_a_server_is_about_the_folder():
    assert classify_error(PermissionError(13, "Permission denied"), {"MAIL_SERVER": ""}).kind == "file"


def test_delivery_is_described_for_the_admin():
    described = describe_delivery(GOOD)
    assert "smtp.example.go.th" in described.words and "STARTTLS" in described.technical
    assert "MAIL_SERVER" not in described.words
    unset = describe_delivery({"MAIL_SERVER": ""})
    assert "MAIL_SERVER" not in unset.words and "MAIL_SERVER" in unset.technical
    assert "/" not in unset.words + unset.technical  # no path on the server


def test_a_web_request_may_wait_less_than_mail_timeout():
    assert SmtpTransport(GOOD | {"MAIL_TIMEOUT": 30}).timeout == 30
    assert SmtpTransport(GOOD | {"MAIL_TIMEOUT": 30}, timeout=10).timeout == 10
    with pytest.raises(MailSettingsError, match="MAIL_USE_TLS"):
        SmtpTransport(GOOD | {"MAIL_USE_SSL": True})


def test_the_e_mail_channel_is_smtp_with_a_server_and_files_without(tmp_path):
    open_email = channel_opener("email")
    assert isinstance(open_email(GOOD, str(tmp_path), 10), SmtpTransport)
    assert isinstance(open_email({"MAIL_SERVER": "", "MAIL_DEFAULT_SENDER": "ita@example.go.th"}, str(tmp_path), None),
                      FileTransport)


def test_the_mail_settings_need_no_smtp_library():
    """Pages and services read the settings; only the e-mail channel loads smtplib."""
    import subprocess
    import sys

    code = "import sys, tracker.reminders.mail_settings\nprint('smtplib' in sys.modules, 'flask' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.split() == ["False", "False"], run.stderr

