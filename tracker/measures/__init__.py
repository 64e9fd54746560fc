"""Assessments, measures, steps and their progress."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.models import Role
    from ..navigation import NavItem, add_nav_item
    from .cli import measures_cli
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(measures_cli)
    add_nav_item(app, NavItem(_l("Measures"), "measures.measure_list", order=30))
    add_nav_item(app, NavItem(_l("Start the new fiscal year"), "measures.carry_over_page",
                              frozenset({Role.ADMIN}), order=25), menu="admin")
