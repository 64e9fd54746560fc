"""Reports: the progress report (Word, Excel, PDF, print), the ITA analysis, the public page and calendar feeds."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.models import Role
    from ..navigation import NavItem, add_nav_item
    from . import calendar_views, public_views, views
    from .cli import reports_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(public_views.bp)
    app.register_blueprint(public_views.admin_bp)
    app.register_blueprint(calendar_views.bp)
    app.cli.add_command(reports_cli)

    add_nav_item(app, NavItem(_l("Reports"), "reports.index", order=60))
    add_nav_item(app, NavItem(_l("My calendar"), "calendar.mine", order=30), menu="user")
    add_nav_item(app, NavItem(_l("Public page"), "publishing.settings", frozenset({Role.ADMIN}), order=60), menu="admin")
