"""How a message reaches a person: the channel interface, and the channels there are.

A channel is opened with the settings (one connection for a batch, as a
context manager) and sends each message with `send(...)`. E-mail is the only
channel today (`email_channel`, the one module that talks SMTP); a second one
(LINE, SMS) is one new module registered in `CHANNELS`, and a user preference
choosing it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from importlib import import_module
from typing import Protocol


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


class Channel(Protocol):
    def __enter__(self) -> Channel: ...
    def __exit__(self, *exc) -> None: ...
    def send(self, message: Message, email: OutgoingEmail) -> None: ...


# channel name -> "module:function" opening it with (config, instance_path, timeout)
CHANNELS = {
    "email": "tracker.reminders.email_channel:open_email_channel",
}


def channel_opener(name: str = "email") -> Callable[[Mapping, str, float | None], Channel]:
    module, function = CHANNELS[name].split(":")
    return getattr(import_module(module), function)
