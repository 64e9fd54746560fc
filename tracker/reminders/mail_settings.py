"""The mail settings in words: what is wrong with them, where e-mail goes, waits between tries.

Used by pages, services and the sender; pure (no Flask, no database, no
server). Talking to the server is `tracker.reminders.email_channel`'s job.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr
from pathlib import Path

from ..text import lazy_text as _l


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


def describe_delivery(config: Mapping, outbox_dir: Path) -> str:
    """One line for the admin page and the test e-mail: where e-mail goes."""
    server = config.get("MAIL_SERVER")
    if not server:
        return str(_l("no MAIL_SERVER is set, so e-mails are written as .eml files to %(path)s", path=str(outbox_dir)))
    security = "SSL" if config.get("MAIL_USE_SSL") else "STARTTLS" if config.get("MAIL_USE_TLS") else str(_l("unencrypted"))
    return str(_l("SMTP server %(server)s port %(port)s (%(security)s), sender %(sender)s",
                  server=server, port=config.get("MAIL_PORT"), security=security, sender=sender_address(config)))


def retry_delay(attempts: int, base_seconds: int, max_seconds: int) -> timedelta:
    """Wait before try number `attempts + 1`: base, 2 × base, 4 × base ..., at most max."""
    exponent = max(0, attempts - 1)
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** min(exponent, 30)))


def new_message_id(config: Mapping) -> str:
    # A fixed domain: make_msgid() without one asks DNS for the host name, which can hang.
    domain = _plain_address(sender_address(config)).rpartition("@")[2] or "ita-tracker.invalid"
    return make_msgid(idstring="ita", domain=domain)


def outbox_directory(config: Mapping, instance_path: str) -> Path:
    return Path(config.get("MAIL_OUTBOX_DIR") or Path(instance_path) / "outbox")
