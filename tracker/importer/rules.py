"""Step deadlines proposed for the steps of an imported measure (the ITA's own rules are in `tracker.ita`)."""
from __future__ import annotations

from datetime import date, timedelta

from tracker.thai import month_end


def propose_due_dates(start: date, end: date, count: int) -> list[date]:
    """Deadlines for `count` steps done in order over a period.

    Step k of n is due at the end of the month that holds the point k/n of the
    period, never after the period's last day; the last step is due on that
    last day.
    """
    if count <= 0:
        return []
    span = (end - start).days
    due = []
    for k in range(1, count + 1):
        point = start + timedelta(days=span * k // count)
        due.append(min(month_end(point.year, point.month), end))
    due[-1] = end
    return due
