"""Assessments, measures, steps and their progress."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..navigation import NavItem, add_nav_item
    from .views import bp

    app.register_blueprint(bp)
    add_nav_item(app, NavItem(_l("Measures"), "measures.measure_list", order=30))
