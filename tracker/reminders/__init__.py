"""Reminder e-mails: rules, the outbox, SMTP delivery and the scheduler process."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..auth.models import Role
    from ..navigation import NavItem, add_nav_item
    from .cli import reminders_cli
    from .views import bp, mail_banner

    app.register_blueprint(bp)
    app.context_processor(mail_banner)
    app.cli.add_command(reminders_cli)
    add_nav_item(app, NavItem(_l("My reminders"), "reminders.sent", order=20), menu="user")
    add_nav_item(app, NavItem(_l("E-mail reminders"), "reminders.admin", frozenset({Role.ADMIN}), order=50), menu="admin")
