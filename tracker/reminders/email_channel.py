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
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from .channels import OutgoingEmail
from .mail_settings import DeliveryProblem, MailSettingsError, mail_settings_problems, outbox_directory, sender_address

log = logging.getLogger("tracker.reminders.mail")


# compat32 writes headers encoded once (`Header`) by joining strings; the
# default policy parses and refolds every header, which took most of the
# sender's time with Thai names. Lines of 76 keep each encoded word within
# the 75 characters RFC 2047 allows.
MESSAGE_POLICY = policy.compat32.clone(max_line_length=76)
SMTP_POLICY = MESSAGE_POLICY.clone(linesep="\r\n")  # the bytes as SMTP carries them


def _one_line(text: str) -> str:
    """A header's text on one line: a line break in a name or subject would start a header of its own."""
    return " ".join(text.splitlines())


def _text_header(text: str, name: str) -> Header | str:
    """ASCII as it is; other text (Thai) as RFC 2047 encoded words of at most 75 characters, folded."""
    text = _one_line(text)
    return text if text.isascii() else Header(text, "utf-8", header_name=name)


def _address_header(display_name: str, address: str, name: str) -> Header | str:
    """`Name <address>`: an ASCII name quoted where it must be, another encoded (only the name)."""
    display_name = _one_line(display_name)
    if display_name.isascii():
        return formataddr((display_name, address))
    header = Header(display_name, "utf-8", header_name=name)
    header.append(f"<{address}>", "us-ascii")
    return header


def _body(text: str, subtype: str) -> MIMEText:
    # base64 keeps Thai bodies 7-bit clean for servers without 8BITMIME, and
    # is smaller than quoted-printable for Thai letters (3 bytes each in UTF-8).
    part = MIMEText(text, subtype, "utf-8")
    del part["MIME-Version"]  # said once, by the message
    return part


def build_message(email: OutgoingEmail, config: Mapping, now: datetime) -> Message:
    """The message, 7-bit clean: Thai headers as RFC 2047 encoded words, both bodies in base64."""
    sender_name, sender_email = parseaddr(sender_address(config))
    if not (email.to_email.isascii() and sender_email.isascii()):
        return _international_message(email, config, now)
    message = MIMEMultipart("alternative", policy=MESSAGE_POLICY)
    message["Subject"] = _text_header(email.subject, "Subject")
    message["From"] = _address_header(sender_name, sender_email, "From")
    message["To"] = _address_header(email.to_name, email.to_email, "To")
    message["Date"] = format_datetime(now)
    message["Message-ID"] = email.message_id
    # Tells mail servers and clients that no one should auto-reply ("out of office").
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.attach(_body(email.text, "plain"))
    message.attach(_body(email.html, "html"))
    return message


def _international_message(email: OutgoingEmail, config: Mapping, now: datetime) -> EmailMessage:
    """A message to or from an address with a Thai domain (admin@เมืองเพีย.ไทย): the default
    policy's message, which smtplib sends with SMTPUTF8 where the server offers it."""
    message = EmailMessage()
    message["Subject"] = _one_line(email.subject)
    message["From"] = sender_address(config)
    message["To"] = str(Address(display_name=_one_line(email.to_name), addr_spec=email.to_email))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = email.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(email.text, cte="base64")
    message.add_alternative(email.html, subtype="html", cte="base64")
    return message


class SmtpTransport:
    """One SMTP connection for a batch of messages, opened again once if the server drops it."""

    def __init__(self, config: Mapping, timeout: float | None = None) -> None:
        problems = mail_settings_problems(config)
        if problems:
            raise MailSettingsError(" ".join(problems))
        self.config = config
        self.timeout = timeout or config.get("MAIL_TIMEOUT", 30)
        self.envelope_sender = parseaddr(sender_address(config))[1]
        self.connection: smtplib.SMTP | None = None
        self.entered = False

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), self.timeout
        # Only when it is used: loading the certificate store takes tens of milliseconds.
        context = ssl.create_default_context() if config.get("MAIL_USE_SSL") or config.get("MAIL_USE_TLS") else None
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
        return connection

    def __enter__(self) -> SmtpTransport:
        self.connection = self._connect()
        self.entered = True
        return self

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def send(self, message: Message, email: OutgoingEmail) -> None:
        """Hand the message to the server; raises what refused it.

        A server may close a connection between two messages (idle time, a
        limit of messages per connection, a restart): then it is opened again
        and the message sent once more. If that fails too, the error says
        the server cannot be reached.
        """
        assert self.entered, "use the transport as a context manager"
        if self.connection is None:  # lost, and could not be opened again for the last message
            self.connection = self._connect()
        try:
            self._hand_over(message, email)
        except OSError as error:  # SMTPException included
            if not connection_lost(error, self.connection):
                raise  # this message was refused; the connection serves the next one
            log.warning("The mail server closed the connection (%s); connecting again", error)
            self.connection.close()
            self.connection = None
            self.connection = self._connect()
            self._hand_over(message, email)

    def _hand_over(self, message: Message, email: OutgoingEmail) -> None:
        if isinstance(message, EmailMessage):  # a Thai domain: smtplib asks for SMTPUTF8
            self.connection.send_message(message)
        else:
            self.connection.sendmail(self.envelope_sender, [email.to_email], message.as_bytes(policy=SMTP_POLICY))


def connection_lost(error: OSError, connection: smtplib.SMTP) -> bool:
    """Whether `error` ended the connection (rather than refused one message on it)."""
    if isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException):
        return True  # dropped, timed out, reset
    return connection.sock is None  # smtplib closes it after a 421 ("closing the connection")


class FileTransport:
    """Without MAIL_SERVER (the demo): each message becomes an .eml file that any mail program opens."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def __enter__(self) -> FileTransport:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: Message, email: OutgoingEmail) -> None:
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
