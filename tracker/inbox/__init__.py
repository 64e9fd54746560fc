"""Notices in the application: the bell in the navigation bar and the notifications page."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask import g
    from flask_login import current_user

    from ..reminders import hooks
    from . import services
    from .services import unread_count
    from .views import bp

    app.register_blueprint(bp)
    # The reminders' e-mails show in the bell, and the thread e-mails whose
    # hour has passed go out with each delivery pass.
    hooks.reminders_queued.connect(services.on_reminders_queued)
    hooks.before_delivery.connect(services.before_delivery)

    @app.template_global()
    def unread_notice_count() -> int:
        """The bell's number, counted once per request."""
        if not getattr(current_user, "is_authenticated", False):
            return 0
        if "unread_notices" not in g:
            g.unread_notices = unread_count(current_user)
        return g.unread_notices
