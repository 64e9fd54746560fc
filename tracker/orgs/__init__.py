"""Organizations (agencies) and their divisions."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from .cli import divisions_cli, orgs_cli

    app.cli.add_command(orgs_cli)
    app.cli.add_command(divisions_cli)
