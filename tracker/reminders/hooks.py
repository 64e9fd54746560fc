"""Where other domains join the reminders' work (the bell, the thread e-mail) without reminders importing them."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent inside the transaction that puts a reminder e-mail into the outbox, with
# organization_id, recipient_id, notification_id, items and now.
reminder_queued = _signals.signal("reminder-queued")

# Sent before each delivery pass, with now; a receiver queues its own e-mails
# (the caller commits) and returns how many.
before_delivery = _signals.signal("before-delivery")
