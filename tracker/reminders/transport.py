"""Handing e-mails over: SMTP with Flask-Mail's setting names, or .eml files without a server.

No database here: the outbox (`delivery.py`) decides what to send and records
the outcome; this module builds the message, talks to the server, and says
in words what went wrong.
"""
from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol

from flask_babel import lazy_gettext as _l

log = logging.getLogger("tracker.reminders.mail")


class MailSettingsError(Exception):
    """The MAIL_* settings cannot work; nothing was tried."""


@dataclass(frozen=True)
class DeliveryProblem:
    """Why a message was not delivered, for the log and the admin page."""

    kind: str  # a key of ERROR_EXPLANATIONS
    detail: str
    permanent: bool = False  # retrying cannot help (the recipient's address was refused)


ERROR_EXPLANATIONS = {
    "settings": _l("The mail settings (MAIL_*) are not valid."),
    "connect": _l("The mail server could not be reached. Check MAIL_SERVER and MAIL_PORT, and that the server is running and not blocked by a firewall."),
    "tls": _l("The secure connection to the mail server failed. Use MAIL_USE_TLS with port 587 or MAIL_USE_SSL with port 465, as the mail server expects."),
    "auth": _l("The mail server refused the user name or password (MAIL_USERNAME, MAIL_PASSWORD)."),
    "sender": _l("The mail server refused the sender address (MAIL_DEFAULT_SENDER)."),
    "recipient": _l("The mail server refused the recipient's address."),
    "smtp": _l("The mail server answered with an error."),
    "file": _l("The e-mail could not be written to the outbox folder."),
    "interrupted": _l("The sender stopped while delivering this message; it will be tried again."),
    "other": _l("An unexpected error occurred while sending."),
}


# --- settings -----------------------------------------------------------------------


def sender_address(config: Mapping) -> str:
    """MAIL_DEFAULT_SENDER as an address header; Flask-Mail also accepts (name, address)."""
    sender = config.get("MAIL_DEFAULT_SENDER") or ""
    if isinstance(sender, (tuple, list)) and len(sender) == 2:
        return str(Address(display_name=sender[0], addr_spec=sender[1]))
    return str(sender)


def _plain_address(header: str) -> str:
    return parseaddr(header)[1]


def _looks_like_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(local and at and domain) and not any(c.isspace() for c in address)


def mail_settings_problems(config: Mapping) -> list[str]:
    """What is wrong with the MAIL_* settings, in words an administrator can act on."""
    problems: list[str] = []
    if not _looks_like_address(_plain_address(sender_address(config))):
        problems.append(str(_l("MAIL_DEFAULT_SENDER must be an e-mail address, for example ita@example.go.th.")))
    server = str(config.get("MAIL_SERVER") or "").strip()
    if not server:
        return problems
    if "://" in server or ":" in server or "/" in server or " " in server:
        problems.append(str(_l("MAIL_SERVER must be a host name only, for example smtp.example.go.th; give the port in MAIL_PORT.")))
    try:
        port = int(config.get("MAIL_PORT") or 0)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        problems.append(str(_l("MAIL_PORT must be a port number from 1 to 65535 (usually 25, 465 or 587).")))
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        problems.append(str(_l("Turn on only one of MAIL_USE_TLS (STARTTLS, usually port 587) and MAIL_USE_SSL (usually port 465).")))
    if bool(config.get("MAIL_USERNAME")) != bool(config.get("MAIL_PASSWORD")):
        problems.append(str(_l("Give both MAIL_USERNAME and MAIL_PASSWORD, or neither.")))
    return problems


@dataclass(frozen=True)
class DeliveryDescription:
    """Where e-mail goes: in words a clerk understands, and the settings behind
    them for the technical administrator (never a path on the server)."""

    words: str
    technical: str

    def __str__(self) -> str:
        return self.words


def describe_delivery(config: Mapping) -> DeliveryDescription:
    """For the admin page and the test e-mail: where e-mail goes."""
    server = config.get("MAIL_SERVER")
    if not server:
        return DeliveryDescription(
            str(_l("E-mails are not sent yet: no mail server is set up, so each e-mail is kept on the server "
                   "instead.")),
            str(_l("For the technical administrator: set MAIL_SERVER (with MAIL_PORT and MAIL_DEFAULT_SENDER); "
                   "until then e-mails are written as .eml files to the outbox folder of the instance folder.")),
        )
    encrypted = config.get("MAIL_USE_SSL") or config.get("MAIL_USE_TLS")
    security = "SSL" if config.get("MAIL_USE_SSL") else "STARTTLS" if config.get("MAIL_USE_TLS") else "–"
    words = _l("E-mails are sent through the mail server %(server)s, from the address %(sender)s.",
               server=server, sender=sender_address(config))
    connection = _l("The connection is encrypted.") if encrypted else _l("The connection is not encrypted.")
    return DeliveryDescription(
        f"{words} {connection}",
        f"MAIL_SERVER {server} · MAIL_PORT {config.get('MAIL_PORT')} · {security}",
    )


def retry_delay(attempts: int, base_seconds: int, max_seconds: int) -> timedelta:
    """Wait before try number `attempts + 1`: base, 2 × base, 4 × base ..., at most max."""
    exponent = max(0, attempts - 1)
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** min(exponent, 30)))


def new_message_id(config: Mapping) -> str:
    # A fixed domain: make_msgid() without one asks DNS for the host name, which can hang.
    domain = _plain_address(sender_address(config)).rpartition("@")[2] or "ita-tracker.invalid"
    return make_msgid(idstring="ita", domain=domain)


# --- the message ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingEmail:
    """What the outbox hands over: one message to one person."""

    message_id: str
    to_email: str
    to_name: str
    subject: str
    text: str
    html: str
    file_stem: str  # the .eml file name without the extension, unique per message


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


# --- transports ----------------------------------------------------------------------------


class Transport(Protocol):
    def __enter__(self) -> Transport: ...
    def __exit__(self, *exc) -> None: ...
    def send(self, message: EmailMessage, email: OutgoingEmail) -> None: ...


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


def outbox_directory(config: Mapping, instance_path: str) -> Path:
    return Path(config.get("MAIL_OUTBOX_DIR") or Path(instance_path) / "outbox")


def transport_for(config: Mapping, instance_path: str, timeout: float | None = None) -> Transport:
    if not config.get("MAIL_SERVER"):
        return FileTransport(outbox_directory(config, instance_path))
    return SmtpTransport(config, timeout)


# --- errors in words -------------------------------------------------------------------------


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
