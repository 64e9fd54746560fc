"""Administration pages: users, divisions and the audit trail."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..auth.models import Role
    from ..navigation import NavItem, add_nav_item
    from .views import bp

    app.register_blueprint(bp)
    add_nav_item(app, NavItem(_l("Administration"), "admin.index", frozenset({Role.ADMIN}), order=90))
