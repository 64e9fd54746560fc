"""The language and time zone of a request, and the Jinja filters that show dates and numbers.

Thai is the default; a signed-in user's choice wins, then the `?lang=` an
anonymous visitor chose. The formatting itself is request-free (`tracker.i18n`);
this module tells it which language and time zone the request uses.
"""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user

from .. import i18n, text, thai
from ..timeutil import org_timezone


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


def organization_timezone() -> str:
    """The signed-in user's organization's time zone; else the installation's."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return org_timezone(current_user.organization)
    return current_app.config["TIMEZONE"]


def _translate(template: str, params) -> str:
    return gettext(template, **params) if params else gettext(template)


def init_app(app: Flask) -> None:
    i18n.display_timezone = organization_timezone
    text.use_translator(_translate)
    app.jinja_env.filters.update(
        date=i18n.format_date,
        date_short=lambda value: i18n.format_date(value, "short"),
        datetime=i18n.format_datetime,
        score=i18n.format_score,
        fiscal_year=i18n.format_fiscal_year,
        thai_digits=thai.to_thai_digits,
        date_input=thai.format_date_numeric,
    )

    @app.context_processor
    def language_context():
        return {"current_locale": str(get_locale() or "th"), "is_thai": i18n.is_thai}

    @app.before_request
    def remember_anonymous_language():
        wanted = request.args.get("lang")
        if wanted in app.config["LANGUAGES"] and not current_user.is_authenticated:
            session["locale"] = wanted
