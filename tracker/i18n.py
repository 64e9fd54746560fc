"""Language selection and the Jinja filters that show dates and numbers.

Thai is the default. Dates are formatted by `tracker.thai` (Buddhist Era,
Thai month names), not by Babel, which would print Gregorian years.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from . import thai
from .timeutil import org_timezone, to_local

ENGLISH_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_thai() -> bool:
    return str(get_locale() or "th") == "th"


def organization_timezone() -> str:
    if has_request_context() and current_user and current_user.is_authenticated:
        return org_timezone(current_user.organization)
    return current_app.config["TIMEZONE"]


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


def format_datetime(value: datetime | None) -> str:
    local = to_local(value, organization_timezone())
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


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date=format_date,
        date_short=lambda value: format_date(value, "short"),
        date_medium=lambda value: format_date(value, "medium"),
        datetime=format_datetime,
        score=format_score,
        fiscal_year=format_fiscal_year,
        thai_digits=thai.to_thai_digits,
        date_input=thai.format_date_numeric,
    )

    @app.context_processor
    def language_context():
        return {"current_locale": str(get_locale() or "th"), "is_thai": is_thai}

    @app.before_request
    def remember_anonymous_language():
        wanted = request.args.get("lang")
        if wanted in app.config["LANGUAGES"] and not current_user.is_authenticated:
            session["locale"] = wanted
