"""Demo data for `make run`: an organization, its divisions and one account per role."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from .cli import demo_cli

    app.cli.add_command(demo_cli)
