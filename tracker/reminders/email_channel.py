"""The e-mail channel: builds the message and hands it to the SMTP server, or writes an .eml file without one.

The one module that talks SMTP. No database here: the outbox (`delivery.py`)
decides what to send and records the outcome; this module builds the
message, talks to the server, and says what kind of failure occurred.
"""
from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from .channels import OutgoingEmail
from .mail_settings import DeliveryProblem, MailSettingsError, mail_settings_problems, outbox_directory, sender_address

log = logging.getLogger("tracker.reminders.mail")


def build_message(email: OutgoingEmail, config: Mapping, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = sender_address(config)
    message["To"] = str(Address(display_name=email.to_name, addr_spec=email.to_email))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = email.message_id
    # Tells mail servers and clients that no one should auto-reply ("out of office").
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    # base64 keeps Thai bodies 7-bit clean for servers without 8BITMIME, and
    # is smaller than quoted-printable for Thai letters (3 bytes each in UTF-8).
    message.set_content(email.text, cte="base64")
    message.add_alternative(email.html, subtype="html", cte="base64")
    return message


class SmtpTransport:
    """One SMTP connection for a batch of messages."""

    def __init__(self, config: Mapping, timeout: float | None = None) -> None:
        problems = mail_settings_problems(config)
        if problems:
            raise MailSettingsError(" ".join(problems))
        self.config = config
        self.timeout = timeout or config.get("MAIL_TIMEOUT", 30)
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        config = self.config
        host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), self.timeout
        context = ssl.create_default_context()
        if config.get("MAIL_USE_SSL"):
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config.get("MAIL_USE_TLS"):
                connection.starttls(context=context)
            if config.get("MAIL_USERNAME"):
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            connection.close()
            raise
        self.connection = connection
        return self

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def send(self, message: EmailMessage, email: OutgoingEmail) -> None:
        assert self.connection is not None, "use the transport as a context manager"
        self.connection.send_message(message)


class FileTransport:
    """Without MAIL_SERVER (the demo): each message becomes an .eml file that any mail program opens."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def __enter__(self) -> FileTransport:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: EmailMessage, email: OutgoingEmail) -> None:
        path = self.directory / f"{email.file_stem}.eml"
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, path)  # a reader never sees half a file
        log.info("E-mail to %s written to %s (no MAIL_SERVER set)", email.to_email, path)


def open_email_channel(config: Mapping, instance_path: str, timeout: float | None = None) -> SmtpTransport | FileTransport:
    """The e-mail channel for these settings: SMTP, or .eml files when no MAIL_SERVER is set."""
    if not config.get("MAIL_SERVER"):
        return FileTransport(outbox_directory(config, instance_path))
    return SmtpTransport(config, timeout)


def classify_error(error: BaseException, config: Mapping | None = None) -> DeliveryProblem:
    """What kind of failure `error` is, with a detail for the log."""
    where = ""
    if config is not None and config.get("MAIL_SERVER"):
        where = f" ({config.get('MAIL_SERVER')}:{config.get('MAIL_PORT')})"
    detail = f"{type(error).__name__}: {error}{where}"
    if isinstance(error, MailSettingsError):
        return DeliveryProblem("settings", str(error))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryProblem("auth", detail)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return DeliveryProblem("recipient", detail, permanent=bool(codes) and all(c >= 500 for c in codes))
    if isinstance(error, smtplib.SMTPSenderRefused):
        return DeliveryProblem("sender", detail)
    if isinstance(error, (ssl.SSLError, smtplib.SMTPNotSupportedError)):
        return DeliveryProblem("tls", detail)
    if isinstance(error, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, socket.timeout,
                          ConnectionError, socket.gaierror)):
        return DeliveryProblem("connect", detail)
    if isinstance(error, smtplib.SMTPException):
        return DeliveryProblem("smtp", detail)
    if isinstance(error, OSError) and config is not None and not config.get("MAIL_SERVER"):
        return DeliveryProblem("file", detail)
    if isinstance(error, OSError):
        return DeliveryProblem("connect", detail)
    return DeliveryProblem("other", detail)
