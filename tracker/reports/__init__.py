"""Reports: the progress report (Word, Excel, PDF, print), the ITA analysis, the public page and calendar feeds."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..navigation import NavItem, add_nav_item
    from . import views

    app.register_blueprint(views.bp)
    add_nav_item(app, NavItem(_l("Reports"), "reports.index", order=60))
