"""Users, roles, sign-in and permissions."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from . import account_views
    from .cli import users_cli
    from .views import bp

    app.register_blueprint(bp)
    account_views.init_app(app)
    app.cli.add_command(users_cli)
