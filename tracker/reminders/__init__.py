"""Reminder e-mails: rules, the outbox, SMTP delivery and the scheduler process."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.models import Role
    from ..navigation import NavItem, add_nav_item
    from . import account_mail
    from .cli import reminders_cli
    from .services import escalated_steps
    from .views import bp, mail_banner

    app.register_blueprint(bp)
    app.context_processor(mail_banner)
    account_mail.init_app(app)
    # The step page shows when executives were told of a late step (reminders know, measures do not).
    app.jinja_env.globals["escalated_on_of"] = lambda step: escalated_steps(step.organization_id, [step.id]).get(step.id)
    app.cli.add_command(reminders_cli)
    add_nav_item(app, NavItem(_l("My reminders"), "reminders.sent", order=20), menu="user")
    add_nav_item(app, NavItem(_l("E-mail reminders"), "reminders.admin", frozenset({Role.ADMIN}), order=50), menu="admin")
