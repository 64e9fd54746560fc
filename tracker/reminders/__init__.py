"""Reminder e-mails: rules, the outbox, SMTP delivery and the scheduler process."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.models import Role
    from ..navigation import NavItem, add_nav_item
    from .cli import reminders_cli
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(reminders_cli)
    add_nav_item(app, NavItem(_l("My reminders"), "reminders.sent", order=20), menu="user")
    add_nav_item(app, NavItem(_l("E-mail reminders"), "reminders.admin", frozenset({Role.ADMIN}), order=50), menu="admin")
