"""Backup and restore: the database and every evidence file in one checked archive."""
from flask import Flask


def init_app(app: Flask) -> None:
    from .cli import backup_cli

    app.cli.add_command(backup_cli)
