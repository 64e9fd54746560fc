"""Users, roles, sign-in and permissions."""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import web
    from .cli import users_cli
    from .views import bp

    web.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
