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
"""
from tracker.importer.blocks import Block, Paragraph, Row, Table
from tracker.importer.checks import check_consistency
from tracker.importer.divisions import (
    EVERY_DIVISION,
    DivisionMatch,
    DivisionRecord,
    match_divisions,
    split_divisions,
)
from tracker.importer.findings import MESSAGES
from tracker.importer.normalize import ImportReadError, clean_text, decode_upload
from tracker.importer.parser import (
    parse_docx,
    parse_document,
    parse_text,
    parse_upload,
    size_error,
)
from tracker.importer.readers import read_docx, read_text
from tracker.importer.result import Finding, Indicator, Measure, ParseResult, Step
from tracker.importer.rules import level_for_scores, propose_due_dates
from tracker.importer.steps import split_steps

__all__ = [
    "Block", "Paragraph", "Row", "Table",
    "check_consistency",
    "EVERY_DIVISION", "DivisionMatch", "DivisionRecord", "match_divisions", "split_divisions",
    "ImportReadError", "clean_text", "decode_upload",
    "MESSAGES",
    "parse_docx", "parse_document", "parse_text", "parse_upload", "size_error",
    "read_docx", "read_text",
    "Finding", "Indicator", "Measure", "ParseResult", "Step",
    "level_for_scores", "propose_due_dates",
    "split_steps",
]


def init_app(app) -> None:
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
