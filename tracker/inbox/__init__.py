"""Notices in the application: the bell in the navigation bar and the notifications page."""
from flask import Flask, g


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from .services import unread_count
    from .views import bp

    app.register_blueprint(bp)

    @app.template_global()
    def unread_notice_count() -> int:
        """The bell's number, counted once per request."""
        if not getattr(current_user, "is_authenticated", False):
            return 0
        if "unread_notices" not in g:
            g.unread_notices = unread_count(current_user)
        return g.unread_notices
