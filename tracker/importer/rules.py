"""Step deadlines proposed for the steps of an imported measure (the ITA's own rules are in `tracker.ita`).

The rule itself lives in `tracker.measures.rules`, since carrying steps into a
new fiscal year proposes deadlines the same way.
"""
from __future__ import annotations

from tracker.measures.rules import propose_due_dates

__all__ = ["propose_due_dates"]
