"""Read an agency's ITA analysis report (text export or Word), preview it and save it.

The reading is pure (no Flask, no database: `blocks`, `readers`, `normalize`,
`steps`, `divisions`, `rules`, `checks`, `findings`, `result`, `parser`);
the CLI, the web preview and the saving (`cli`, `views`, `services`) are
built on its `ParseResult`. The usual entry points of the reading:

- `parse_upload(filename, data, max_bytes)` for uploaded bytes (never raises
  for bad content: the result's `errors` say what is wrong);
- `parse_text(text)` and `parse_docx(file)`;
- `match_divisions(names, existing)` to link the names read to an
  organization's divisions.

The names below are loaded on first use, so that importing one module of
the package (the CLI, the models' neighbours) does not load the parser and
python-docx.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# name -> module of tracker.importer that defines it
_EXPORTS = {
    "Block": "blocks", "Paragraph": "blocks", "Row": "blocks", "Table": "blocks",
    "check_consistency": "checks",
    "EVERY_DIVISION": "divisions", "DivisionMatch": "divisions", "DivisionRecord": "divisions",
    "match_divisions": "divisions", "split_divisions": "divisions",
    "MESSAGES": "findings",
    "ImportReadError": "normalize", "clean_text": "normalize", "decode_upload": "normalize",
    "parse_docx": "parser", "parse_document": "parser", "parse_text": "parser", "parse_upload": "parser",
    "size_error": "parser",
    "read_docx": "readers", "read_text": "readers",
    "Finding": "result", "Indicator": "result", "Measure": "result", "ParseResult": "result", "Step": "result",
    "propose_due_dates": "rules",
    "split_steps": "steps",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def init_app(app: Flask) -> None:
    """Register the import pages, the `flask ita` commands and the menu entry."""
    from flask_babel import lazy_gettext as _l

    from tracker.auth.models import Role
    from tracker.importer.cli import ita_cli
    from tracker.importer.messages import finding_text, source_text
    from tracker.importer.views import bp
    from tracker.navigation import NavItem, add_nav_item

    app.register_blueprint(bp)
    app.cli.add_command(ita_cli)
    app.jinja_env.filters.update(finding=finding_text, source=source_text)
    add_nav_item(
        app,
        NavItem(_l("Import ITA report"), "importer.upload", frozenset({Role.ADMIN}), order=15),
        menu="admin",
    )
