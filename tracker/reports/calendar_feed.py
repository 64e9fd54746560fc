"""Step deadlines as an iCalendar feed (RFC 5545) for Google Calendar, Outlook and phones.

Each step is an all-day event on its due date with a stable UID, so that a
calendar updates the event rather than adding another. A finished step stays
in the feed, its title starting with "✓ เสร็จแล้ว": people like to see what is
done, and an event that vanished would look like a lost deadline. Google
Calendar and Outlook ignore STATUS:COMPLETED on events and show CANCELLED as
struck out, so the title carries the state. Deadlines take no time, so every
event is TRANSPARENT (free).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vDuration

from . import wording

SUMMARY_TEXT_LIMIT = 60
REFRESH = timedelta(hours=6)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    due: date
    indicator_number: int
    indicator_name: str
    measure_title: str
    step_number: int
    step_text: str
    divisions: tuple[str, ...]
    status_text: str
    percent: int
    done: bool
    url: str
    changed_at: datetime  # aware, UTC


def shorten(text: str, limit: int = SUMMARY_TEXT_LIMIT) -> str:
    """The first line of `text`, cut at a word boundary when it is too long."""
    line = " ".join((text or "").split())
    if len(line) <= limit:
        return line
    cut = line[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def summary(event: FeedEvent) -> str:
    text = f"{wording.INDICATOR_PREFIX} {event.indicator_number} · {shorten(event.step_text)}"
    return f"{wording.DONE_MARK}: {text}" if event.done else text


def description(event: FeedEvent) -> str:
    lines = [
        f"{wording.INDICATOR_PREFIX} {event.indicator_number} {event.indicator_name}".strip(),
        f"{wording.COL_PROJECT}: {event.measure_title}",
        f"{wording.STEP_PREFIX} {event.step_number}: {event.step_text}",
    ]
    if event.divisions:
        lines.append(f"{wording.COL_DIVISIONS}: {', '.join(event.divisions)}")
    lines.append(f"{wording.COL_STATUS}: {event.status_text} ({wording.PROGRESS_PREFIX} {event.percent})")
    lines.append("")
    lines.append(event.url)
    return "\n".join(lines)


def build_calendar(name: str, about: str, events: list[FeedEvent], *, timezone_name: str = "Asia/Bangkok") -> bytes:
    """The feed as the bytes of an .ics file."""
    calendar = Calendar()
    calendar.add("prodid", "-//ITA Tracker//Step deadlines//TH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", about)
    calendar.add("x-wr-timezone", timezone_name)
    # How often subscribers should fetch it again (RFC 7986, and Outlook's own property).
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for item in sorted(events, key=lambda e: (e.due, e.indicator_number, e.step_number, e.uid)):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.changed_at)
        event.add("last-modified", item.changed_at)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", summary(item))
        event.add("description", description(item))
        event.add("url", item.url)
        event.add("categories", ["ITA"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
