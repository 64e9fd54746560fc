"""Administration pages: users, divisions, ITA scores and the audit trail."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from . import audit_display as display
    from ..auth.models import Role
    from ..navigation import NavItem, add_nav_item
    from .views import bp

    admins = frozenset({Role.ADMIN})
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        audit_field=display.field_label, audit_value=display.field_value, audit_details=display.visible_details,
        audit_target_url=display.target_url,
    )
    add_nav_item(app, NavItem(_l("Administration"), "admin.index", admins, order=90))
    add_nav_item(app, NavItem(_l("Users and divisions"), "admin.index", admins, order=10), menu="admin")
    add_nav_item(app, NavItem(_l("Measures and steps"), "measures.measure_list", admins, order=20), menu="admin")
    add_nav_item(app, NavItem(_l("ITA scores"), "admin.assessments", admins, order=30), menu="admin")
    add_nav_item(app, NavItem(_l("Sign-in security"), "account.admin_security", admins, order=35), menu="admin")
    add_nav_item(app, NavItem(_l("Audit log"), "admin.audit", admins, order=40), menu="admin")
