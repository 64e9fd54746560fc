"""The reminder, summary and test e-mails: subject, plain text and HTML, in the recipient's language."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from jinja2 import Environment
from markupsafe import escape

from ..auth.models import User
from ..i18n import format_date, format_datetime
from ..labels import INDICATOR_NAMES, WORK_GROUP_LABELS
from ..measures.models import Step
from ..measures.queries import IndicatorLine, StepLine, Summary
from ..orgs.models import Organization
from ..urls import external_url
from .facts import StepFacts
from .models import ItemKind
from .rules import PlannedItem, RecipientPlan
from .mail_settings import DeliveryDescription


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    locale: str


@dataclass
class ItemView:
    """A step as one e-mail shows it."""

    step: Step | StepFacts
    kind: ItemKind
    days: int
    escalated: bool
    url: str

    @property
    def divisions(self) -> str:
        return ", ".join(d.name for d in self.step.divisions) or "–"


def days_words(kind: ItemKind, days: int) -> str:
    """How soon a reminded step is due, or how late it is, in the current language:
    the words of the e-mails, and of the page that lists them."""
    if kind == ItemKind.DUE_SOON:
        if days == 0:
            return gettext("due today")
        return ngettext("due in %(num)d day", "due in %(num)d days", days)
    return ngettext("%(num)d day late", "%(num)d days late", days)


class Links:
    """Absolute links for the e-mails of one run, each built once (a run names the
    same pages, and often the same step, many times)."""

    def __init__(self) -> None:
        self._urls: dict[tuple, str] = {}

    def page(self, endpoint: str, **values) -> str:
        key = (endpoint, *sorted(values.items()))
        if key not in self._urls:
            self._urls[key] = external_url(endpoint, **values)
        return self._urls[key]

    def step(self, step_id: int) -> str:
        return self.page("measures.step_detail", step_id=step_id)


@dataclass
class DigestView:
    """The weekly summary: the shared summary of the fiscal year, with links.
    One per run, shared by the executives' e-mails (the words are rendered later,
    in each recipient's language)."""

    summary: Summary
    links: Links

    @cached_property
    def overdue_items(self) -> list[ItemView]:
        return [self._view(line, ItemKind.OVERDUE, line.days_late) for line in self.summary.overdue]

    @cached_property
    def due_soon_items(self) -> list[ItemView]:
        return [self._view(line, ItemKind.DUE_SOON, line.days_left) for line in self.summary.due_soon]

    @property
    def step_groups(self) -> list[tuple[str, int]]:
        """The steps by group, as the dashboard and the report count them (labels in the
        recipient's language: call inside the e-mail's locale)."""
        return [(str(WORK_GROUP_LABELS[group]), count) for group, count in self.summary.step_counts.items()]

    @cached_property
    def indicators(self) -> list[IndicatorLine]:
        return [line for line in self.summary.indicators if line.steps]

    def _view(self, line: StepLine, kind: ItemKind, days: int) -> ItemView:
        return ItemView(step=line.step, kind=kind, days=days, escalated=False, url=self.links.step(line.step.id))

    def indicator_name(self, line) -> str:
        return line.name or str(INDICATOR_NAMES.get(line.number, line.number))


def email_locale(user: User) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _environments() -> tuple[Environment, Environment]:
    """The e-mails' Jinja environments, (HTML, plain text), made once per application from
    the application's loader, filters and globals: `_` and the date filters speak the
    current language (`force_locale` around the rendering; `tracker.web.locale` keeps
    its translations, which Flask-Babel would look up at every string).

    Plain text has no HTML escaping and tidy line breaks. E-mail templates use no
    context processors (they are rendered by jobs, outside any request).
    """
    environments = current_app.extensions.get("tracker_email_environments")
    if environments is None:
        base = current_app.jinja_env
        environments = current_app.extensions["tracker_email_environments"] = (
            _environment(base, autoescape=True),
            _environment(base, autoescape=False, trim_blocks=True, lstrip_blocks=True),
        )
    return environments


def _environment(base: Environment, **options) -> Environment:
    env = Environment(loader=base.loader, auto_reload=base.auto_reload, **options)
    env.filters.update(base.filters)
    env.globals.update(base.globals, days_words=days_words)
    return env


def _render(name: str, **context) -> tuple[str, str]:
    """An e-mail's plain text and HTML, in the current language (call inside `force_locale`)."""
    html_env, text_env = _environments()
    text = text_env.get_template(f"email/{name}.txt").render(**context)
    html = html_env.get_template(f"email/{name}.html").render(**context)
    return text.strip() + "\n", html


def _common_context(org: Organization, user: User, locale: str, links: Links) -> dict:
    return {
        "org": org,
        "recipient": user,
        "locale": locale,
        "preferences_url": links.page("reminders.preferences"),
        "sent_url": links.page("reminders.sent"),
    }


def item_views(items: list[PlannedItem], steps: dict[int, Step | StepFacts], links: Links) -> list[ItemView]:
    return [
        ItemView(
            step=steps[item.step_id],
            kind=item.kind,
            days=item.days,
            escalated=item.escalated,
            url=links.step(item.step_id),
        )
        for item in items
    ]


def reminder_subject(plan: RecipientPlan, run_date: date) -> str:
    """Called inside the recipient's locale."""
    if plan.digest:
        subject = gettext("Weekly ITA summary, %(date)s", date=format_date(run_date))
        escalations = len(plan.items_of(ItemKind.ESCALATION))
        if escalations:
            subject += " · " + ngettext(
                "%(num)d long-overdue step", "%(num)d long-overdue steps", escalations
            )
        return subject
    parts = []
    overdue = len(plan.items_of(ItemKind.OVERDUE))
    escalations = len(plan.items_of(ItemKind.ESCALATION))
    due_soon = len(plan.items_of(ItemKind.DUE_SOON))
    if escalations:
        parts.append(ngettext("%(num)d long-overdue step", "%(num)d long-overdue steps", escalations))
    if overdue:
        parts.append(ngettext("%(num)d step overdue", "%(num)d steps overdue", overdue))
    if due_soon:
        parts.append(ngettext("%(num)d step due soon", "%(num)d steps due soon", due_soon))
    return gettext("ITA reminder: %(summary)s", summary=", ".join(parts))


# Stands for the recipient's name in a message rendered once for several people:
# no character of it is escaped in HTML, and no real name contains it.
NAME_MARK = "\u2063recipient\u2063"


@dataclass(frozen=True)
class _NameOnly:
    """The recipient as a shared message sees them: the name, nothing else (a template
    that reads another attribute fails instead of putting one person's data in others' e-mails)."""

    display_name: str = NAME_MARK


class SharedBodies:
    """The e-mails of one run that differ only by the recipient's name, rendered once.

    Members of a division get the same steps on the same day: their messages
    are identical but for the salutation.
    """

    def __init__(self) -> None:
        self._bodies: dict[tuple, RenderedEmail | None] = {}

    def get(self, key: tuple, render) -> RenderedEmail | None:
        if key not in self._bodies:
            email = render(_NameOnly())
            once = email.text.count(NAME_MARK) == 1 and email.html.count(NAME_MARK) == 1
            self._bodies[key] = email if once and NAME_MARK not in email.subject else None
        return self._bodies[key]


def reminder_email(
    org: Organization,
    user: User,
    plan: RecipientPlan,
    steps: dict[int, Step | StepFacts],
    run_date: date,
    digest: DigestView | None = None,
    links: Links | None = None,
    shared: SharedBodies | None = None,
) -> RenderedEmail:
    """A person's e-mail of the day (the daily reminder, or the summary on its day).

    With `shared`, a message identical to one already rendered for someone else
    of the organization is reused with this person's name."""
    links = links or (digest.links if digest else Links())
    locale = email_locale(user)

    def render(recipient) -> RenderedEmail:
        with force_locale(locale):
            items = item_views(plan.items, steps, links)
            context = _common_context(org, recipient, locale, links) | {
                "run_date": run_date,
                "escalations": [i for i in items if i.kind == ItemKind.ESCALATION],
                "overdue": [i for i in items if i.kind == ItemKind.OVERDUE],
                "due_soon": [i for i in items if i.kind == ItemKind.DUE_SOON],
                "digest": digest if plan.digest else None,
                "home_url": links.page("main.home"),
            }
            subject = reminder_subject(plan, run_date)
            text, html = _render("digest" if plan.digest else "reminder", subject=subject, **context)
        return RenderedEmail(subject, text, html, locale)

    if shared is not None:
        key = (org.id, locale, run_date, plan.digest, tuple(plan.items))
        email = shared.get(key, render)
        if email is not None:
            return RenderedEmail(email.subject, email.text.replace(NAME_MARK, user.display_name),
                                 email.html.replace(NAME_MARK, str(escape(user.display_name))), locale)
    return render(user)


def test_email(org: Organization, user: User, sent_at: datetime, delivery: DeliveryDescription) -> RenderedEmail:
    """What an administrator sends to themselves to check the mail settings."""
    locale = email_locale(user)
    with force_locale(locale):
        subject = gettext("ITA Tracker test e-mail")
        context = _common_context(org, user, locale, Links()) | {"sent_at": sent_at, "delivery": delivery}
        text, html = _render("test", subject=subject, **context)
    return RenderedEmail(subject, text, html, locale)


def mail_alert_email(
    org: Organization, user: User, failing_since: datetime, failing: int, latest_error: str | None
) -> RenderedEmail:
    """To an administrator: the organization's e-mails have been failing for a while."""
    locale = email_locale(user)
    links = Links()
    with force_locale(locale):
        subject = gettext("ITA Tracker: e-mails could not be sent since %(time)s", time=format_datetime(failing_since))
        context = _common_context(org, user, locale, links) | {
            "failing_since": failing_since,
            "failing": failing,
            "latest_error": latest_error,
            "admin_url": links.page("reminders.admin"),
        }
        text, html = _render("mail_alert", subject=subject, **context)
    return RenderedEmail(subject, text, html, locale)
