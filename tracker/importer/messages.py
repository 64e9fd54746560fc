"""The importer's findings in the reader's language (Thai by default), for pages.

The parser writes findings as codes with parameters (`tracker.importer.findings`);
this module looks up the translation of their English text through Flask-Babel
and shows dates in Buddhist Era and places in the document in the same language.
"""
from __future__ import annotations

import re

from flask_babel import gettext

from ..i18n import format_date
from .findings import Finding, render

_LINE = re.compile(r"^line (\d+)$")
_PARAGRAPH = re.compile(r"^paragraph (\d+)$")
_TABLE_ROW = re.compile(r"^table (\d+), row (\d+)$")
_TABLE = re.compile(r"^table (\d+)$")


def source_text(source: str) -> str:
    """Where a finding was made ("line 18"), in the current language; a file name as it is."""
    source = source or ""
    if match := _LINE.match(source):
        return gettext("line %(number)s", number=match[1])
    if match := _PARAGRAPH.match(source):
        return gettext("paragraph %(number)s", number=match[1])
    if match := _TABLE_ROW.match(source):
        return gettext("table %(table)s, row %(row)s", table=match[1], row=match[2])
    if match := _TABLE.match(source):
        return gettext("table %(table)s", table=match[1])
    return source


def finding_text(finding: Finding) -> str:
    """The finding's message in the current language."""
    return render(
        finding,
        lambda template, params: gettext(template, **params) if params else gettext(template),
        format_date=format_date,
        format_source=source_text,
    )
