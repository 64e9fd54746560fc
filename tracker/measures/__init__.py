"""Assessments, measures, steps and their progress."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..navigation import NavItem, add_nav_item
    from .views import bp

    app.register_blueprint(bp)
    add_nav_item(app, NavItem(_l("Measures"), "measures.measure_list", order=30))
