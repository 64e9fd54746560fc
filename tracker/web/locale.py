"""The language and time zone of a request, and the Jinja filters that show dates and numbers.

Thai is the default; a signed-in user's choice wins, then the `?lang=` an
anonymous visitor chose. The formatting itself is request-free (`tracker.i18n`);
this module tells it which language and time zone the request uses.
"""
from __future__ import annotations

from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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


class Language:
    """The current locale's name and translations, looked up once per request."""

    __slots__ = ("locale", "name", "translations", "phrases")

    def __init__(self, locale, translations) -> None:
        self.locale = locale
        self.name = str(locale or "th")
        self.translations = translations
        # Template phrases already formatted in this request ("Step 3", "Indicator 7"),
        # by message, escaping and values: a long list repeats the same few.
        self.phrases: dict[tuple, str] = {}


def current_language() -> Language:
    """The language of the request (or of the job's `force_locale`).

    Flask-Babel finds the translations anew at every call (several context
    look-ups, about 10 µs), which a page of a thousand rows does thousands of
    times. The answer is kept in `g` for as long as Flask-Babel's locale object
    stays the same one: `refresh()` and `force_locale()` replace it.
    """
    if not has_app_context():
        return Language(None, get_translations())
    request_globals = g._get_current_object()  # once, not through the proxy at each look-up
    kept = getattr(request_globals, "_tracker_language", None)
    if kept is not None and kept.locale is getattr(getattr(request_globals, "_flask_babel", None), "babel_locale", None):
        return kept
    translations = get_translations()  # sets Flask-Babel's locale when it had none
    kept = Language(get_locale(), translations)
    request_globals._tracker_language = kept
    return kept


def current_locale_name() -> str:
    return current_language().name if has_app_context() else "th"


def translate(template: str, **params) -> str:
    """Flask-Babel's `gettext`, through the request's kept translations."""
    text = current_language().translations.ugettext(template)
    return text % params if params else text


def _translate(template: str, params) -> str:
    return translate(template, **params) if params else translate(template)


# Values whose text is all there is to them (a Markup, a lazy string or a date is not kept).
_PLAIN_VALUES = frozenset({int, str})
# A job renders thousands of e-mails in one application context: the phrases kept stay few.
MAX_PHRASES = 20_000


def _phrase(language: Language, key: tuple, values: dict, make) -> str:
    if all(type(value) in _PLAIN_VALUES for value in values.values()):
        found = language.phrases.get(key)
        if found is None:
            if len(language.phrases) >= MAX_PHRASES:
                language.phrases.clear()
            found = language.phrases[key] = make()
        return found
    return make()


@pass_context
def _jinja_gettext(context, string: str, **variables) -> str:
    """Jinja's "newstyle" gettext (escaped, always %-formatted), without its two `context.call`s a string."""
    language = current_language()
    autoescape = context.eval_ctx.autoescape

    def make() -> str:
        words = language.translations.ugettext(string)
        return (Markup(words) if autoescape else words) % variables

    return _phrase(language, (string, autoescape, *variables.items()), variables, make)


@pass_context
def _jinja_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    language = current_language()
    autoescape = context.eval_ctx.autoescape

    def make() -> str:
        words = language.translations.ungettext(singular, plural, num)
        return (Markup(words) if autoescape else words) % variables

    return _phrase(language, (singular, plural, num, autoescape, *variables.items()), variables, make)


def install_jinja_translations(app: Flask) -> None:
    """Templates translate through the kept translations (Flask-Babel's own callables look them up each time)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_language().translations.ugettext(s),
        ngettext=lambda s, p, n: current_language().translations.ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_language().translations.upgettext(c, s),
        npgettext=lambda c, s, p, n: current_language().translations.unpgettext(c, s, p, n),
    )
    # `_` is otherwise an alias that looks `gettext` up in the context at every call.
    app.jinja_env.globals.update(_=_jinja_gettext, gettext=_jinja_gettext, ngettext=_jinja_ngettext)


def init_app(app: Flask) -> None:
    i18n.display_timezone = organization_timezone
    i18n.current_locale = current_locale_name
    text.use_translator(_translate)
    install_jinja_translations(app)
    app.jinja_env.filters.update(
        date=i18n.format_date,
        date_short=lambda value: i18n.format_date(value, "short"),
        date_medium=lambda value: i18n.format_date(value, "medium"),
        datetime=i18n.format_datetime,
        score=i18n.format_score,
        fiscal_year=i18n.format_fiscal_year,
        thai_digits=thai.to_thai_digits,
        date_input=thai.format_date_numeric,
    )

    @app.context_processor
    def language_context():
        return {"current_locale": current_locale_name(), "is_thai": i18n.is_thai}

    @app.before_request
    def remember_anonymous_language():
        wanted = request.args.get("lang")
        if wanted in app.config["LANGUAGES"] and not current_user.is_authenticated:
            session["locale"] = wanted
