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
from datetime import date, datetime, timedelta, timezone

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
    """The feed as the bytes of an .ics file.

    Written line by line rather than through icalendar's object model, which
    took about 90 % of a feed's time; the bytes are those icalendar writes
    (its property order, escaping and folding), which a test checks.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ITA Tracker//Step deadlines//TH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALDESC:" + _one_line(about),
        "X-WR-CALNAME:" + _one_line(name),
        # How often subscribers should fetch it again (RFC 7986, and Outlook's own property).
        "REFRESH-INTERVAL;VALUE=DURATION:" + _REFRESH_DURATION,
        "X-PUBLISHED-TTL:" + _REFRESH_DURATION,
        "X-WR-TIMEZONE:" + _one_line(timezone_name),
    ]
    for item in sorted(events, key=lambda e: (e.due, e.indicator_number, e.step_number, e.uid)):
        changed = _utc_stamp(item.changed_at)
        lines += [
            "BEGIN:VEVENT",
            "SUMMARY:" + _text(summary(item)),
            "DTSTART;VALUE=DATE:" + item.due.strftime("%Y%m%d"),
            "DTEND;VALUE=DATE:" + (item.due + timedelta(days=1)).strftime("%Y%m%d"),
            "DTSTAMP:" + changed,
            "UID:" + _text(item.uid),
            "CATEGORIES:ITA",
            "DESCRIPTION:" + _text(description(item)),
            "LAST-MODIFIED:" + changed,
            "TRANSP:TRANSPARENT",
            "URL:" + item.url,
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) + b"\r\n" for line in lines)


_REFRESH_DURATION = f"PT{REFRESH // timedelta(hours=1)}H"  # whole hours


def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 (3.3.11) asks, in icalendar's order of replacements."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _one_line(value: str) -> str:
    """The value of an X-WR- property: written as it is, as icalendar writes them, but on one line."""
    return value.replace("\r", " ").replace("\n", " ")


def _utc_stamp(moment: datetime) -> str:
    """A UTC date-time (20260301T000000Z); a naive one is taken as UTC, as the database keeps them."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%SZ")


FOLD_LIMIT = 75  # a content line is cut before it reaches 75 octets (RFC 5545 3.1)
_NO_CUT_AFTER = frozenset(b"\\^")  # icalendar's rule: an escape stays with the character it escapes


def _fold(line: str) -> bytes:
    """A content line in UTF-8, cut into lines under 75 octets, never inside a
    character nor right after a backslash (icalendar's cuts, so clients see the same lines)."""
    data = line.encode("utf-8")
    if len(data) < FOLD_LIMIT:
        return data
    parts = []
    start = 0
    while len(data) - start >= FOLD_LIMIT:
        end = start + FOLD_LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # a continuation byte: the cut would split a character
            end -= 1
        if end - start > 1 and data[end - 1] in _NO_CUT_AFTER:
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)
