"""Organizations (agencies) and their divisions."""
from flask import Flask


def init_app(app: Flask) -> None:
    from .cli import divisions_cli, orgs_cli

    app.cli.add_command(orgs_cli)
    app.cli.add_command(divisions_cli)
