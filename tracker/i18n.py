"""Dates, times, scores and fiscal years in the reader's language, without a request.

Thai is the default. Dates are formatted by `tracker.thai` (Buddhist Era,
Thai month names), not by Babel, which would print Gregorian years. Jobs,
e-mails and services use these as pages do: the language is Flask-Babel's
current locale when an application is running (`force_locale` in jobs),
else Thai. Which language and time zone a *request* uses is chosen in
`tracker.web.locale`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from . import thai
from .clock import to_local

ENGLISH_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DEFAULT_TIMEZONE = "Asia/Bangkok"


def _babel_locale() -> str:
    import flask  # the language of a running application; none in pure code

    if not flask.has_app_context():
        return "th"
    from flask_babel import get_locale

    return str(get_locale() or "th")


def _config_timezone() -> str:
    import flask

    return flask.current_app.config["TIMEZONE"] if flask.has_app_context() else DEFAULT_TIMEZONE


# Where the current language and display time zone come from; `tracker.web.locale`
# installs the request-aware ones.
current_locale: Callable[[], str] = _babel_locale
display_timezone: Callable[[], str] = _config_timezone


def is_thai() -> bool:
    return current_locale() == "th"


def format_date(value: date | None, style: str = "long") -> str:
    """A date for the current language: `1 ตุลาคม 2568` / `1 ต.ค. 68` in Thai."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if is_thai():
        if style == "medium":
            return thai.format_date_medium(value)
        return thai.format_date_short(value) if style == "short" else thai.format_date_long(value)
    month = ENGLISH_MONTHS_SHORT[value.month - 1]
    return f"{value.day} {month} {value.year}"


def format_datetime(value: datetime | None, tz_name: str | None = None) -> str:
    """A moment in the given time zone (default: the reader's organization's)."""
    local = to_local(value, tz_name or display_timezone())
    if local is None:
        return ""
    if is_thai():
        return thai.format_datetime(local)
    return f"{format_date(local.date())} {local:%H:%M}"


def format_score(value: Decimal | float | None) -> str:
    if value is None:
        return "–"
    return f"{float(value):.2f}"


def format_fiscal_year(fy: int | None) -> str:
    if fy is None:
        return ""
    return f"{fy}" if is_thai() else f"{fy} ({fy - thai.BE_OFFSET - 1}/{str(fy - thai.BE_OFFSET)[2:]})"
