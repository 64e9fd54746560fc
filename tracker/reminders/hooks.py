"""Where other domains join the reminders' work (the bell, the thread e-mail) without reminders importing them."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()


@dataclass(frozen=True)
class QueuedReminder:
    """A reminder e-mail just put into the outbox, and the steps it names (`rules.PlannedItem`)."""

    organization_id: int
    recipient_id: int
    notification_id: int
    items: Sequence


# Sent inside the transaction that puts a batch of reminder e-mails into the
# outbox, with `queued` (a list of QueuedReminder) and `now`.
reminders_queued = _signals.signal("reminders-queued")

# Sent before each delivery pass, with now; a receiver queues its own e-mails
# (the caller commits) and returns how many.
before_delivery = _signals.signal("before-delivery")
