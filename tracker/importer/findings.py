"""The importer's warnings and errors: a stable code, its parameters and where it was found.

No Flask here. Each code has an English text with `%(name)s` placeholders;
`Finding.message` fills it in English (the CLI and the JSON), and
`tracker.importer.messages` translates the same text when a page shows it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.thai import format_date_long


def _l(message: str) -> str:
    """Mark a text for the translation catalog without translating it here.

    The parser must run without Flask, so the catalog entry is made by
    marking (babel extracts `_l(...)`), and the translation is looked up
    when the finding is shown.
    """
    return message


MESSAGES: dict[str, str] = {
    # Uploads that are not a report at all.
    "file_too_large": _l("The file is %(size)s MB; the limit is %(limit)s MB."),
    "file_empty": _l("The file is empty."),
    "pdf_file": _l(
        "The file is a PDF file; upload the report as a Word document (.docx) or as text."
    ),
    "image_file": _l("The file is a %(kind)s image, not a report."),
    "old_office_file": _l(
        "The file is an old Word or Excel file (.doc/.xls); save it as .docx first."
    ),
    "zip_file": _l("The file is a ZIP archive, not a report."),
    "docx_given_as_text": _l("The file is a Word document; read it with the Word reader."),
    "bad_unicode": _l("The file starts like %(encoding)s text but is not."),
    "binary_file": _l("The file is binary, not text."),
    "unknown_encoding": _l(
        "The file is not text in a Thai encoding (UTF-8, UTF-16 or TIS-620)."
    ),
    "unreadable_docx": _l("The file is not a readable Word document (.docx)."),
    "docx_unpacks_too_large": _l("The Word file unpacks to far more than its size allows."),
    "document_too_long": _l(
        "The document has more than %(limit)s paragraphs or lines; an ITA report has far fewer. "
        "Import the report alone, without attachments."
    ),
    "table_too_long": _l("A table of the document has more than %(limit)s rows; an ITA report has far fewer."),
    "cell_too_long": _l(
        "A table cell or paragraph (%(where)s) has more than %(limit)s characters; an ITA report has far fewer."
    ),
    "too_many_steps": _l("The measures have more than %(limit)s steps together; an ITA report has far fewer."),
    # Documents that are not a usable report.
    "document_empty": _l("The document is empty."),
    "not_a_report": _l(
        "This does not look like an ITA report: it has neither scores nor a measures table."
    ),
    "no_measures_table": _l("No measures table found (a table with the columns %(columns)s)."),
    "unrecognized_columns": _l(
        "The columns of this measures table cannot be recognized: no column for %(missing)s "
        "(found: %(header)s). Expected %(expected)s."
    ),
    "empty_measures_table": _l("The measures table has no measures."),
    # What was read but looks wrong.
    "indicator_number_mismatch": _l(
        "Indicator number %(number)s does not match its name “%(name)s”, which is indicator "
        "%(by_name)s (%(official)s); read as indicator %(by_name)s."
    ),
    "indicator_name_unknown": _l(
        "“%(name)s” is not the name of indicator %(number)s (%(official)s); read by its number."
    ),
    "score_row_without_indicator": _l("No indicator recognized in “%(text)s”; row skipped."),
    "indicator_without_score": _l("No score for indicator %(number)s."),
    "analysis_without_indicator": _l(
        "No indicator recognized in “%(text)s”; analysis skipped."
    ),
    "eit_single_score": _l("EIT has one score, not two parts; it is used for both parts."),
    "measure_without_indicator": _l("No indicator recognized in “%(text)s”."),
    "period_unrecognized": _l(
        "The period “%(text)s” is not recognized; the steps have no due dates."
    ),
    "organization_not_found": _l("The organization's name was not found."),
    "organization_spellings": _l(
        "The organization is also written “%(variant)s” (%(sources)s); “%(chosen)s”, "
        "the most frequent spelling, is used."
    ),
    "year_assumed": _l(
        "The assessment year is not named; %(year)s is assumed from the measures' periods."
    ),
    "year_not_found": _l("The assessment year was not found."),
    "indicator_scores_missing": _l("No score found for indicator(s) %(numbers)s."),
    "tool_scores_missing": _l("No score found for %(tools)s."),
    "overall_not_found": _l("The overall score was not found."),
    "level_not_found": _l("The level (ผ่านดี, ผ่าน ...) was not found."),
    # Cross-checks of what was read.
    "overall_mismatch": _l(
        "The overall score %(overall)s is not 0.3 × IIT + 0.3 × EIT + 0.4 × OIT = %(expected)s."
    ),
    "level_mismatch": _l("The document says “%(stated)s” but its scores give “%(computed)s”."),
    "tool_mismatch": _l(
        "%(tool)s is %(stated)s but the mean of indicators %(first_number)s-%(last_number)s "
        "is %(mean)s."
    ),
    "eit_mismatch": _l(
        "EIT (the mean of its two parts) is %(stated)s but the mean of indicators "
        "%(first_number)s-%(last_number)s is %(mean)s."
    ),
    "indicators_without_measure": _l("No measure for indicator(s) %(indicators)s."),
    "measure_without_division": _l(
        "The measure for indicator %(indicator)s names no responsible division, "
        "so its steps have none."
    ),
    "period_outside_fiscal_year": _l(
        "The period %(start)s – %(end)s is outside fiscal year %(fiscal_year)s "
        "(%(first)s – %(last)s)."
    ),
}

# A finding rebuilt from text whose code is unknown (old JSON) shows that text as it is.
PLAIN = "plain"

# Parameters holding dates (kept as ISO text in JSON) and places in the document.
DATE_PARAMS = frozenset({"start", "end", "first", "last"})
SOURCE_PARAMS = frozenset({"sources"})


@dataclass
class Finding:
    """A warning or an error, and where in the document it comes from.

    `code` is a key of `MESSAGES`; `params` fill its placeholders (numbers,
    text from the document, lists, ISO dates); `source` is "line 113",
    "table 3, row 2", "paragraph 12", a file name, or "" for the whole document.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def plain(cls, text: str, source: str = "") -> Finding:
        return cls(PLAIN, {"text": text}, source)

    @property
    def message(self) -> str:
        """The message in English."""
        return render(self, lambda template, params: template % params,
                      format_date=format_date_long, format_source=str)

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": _jsonable(self.params), "source": self.source}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        params = {
            key: date.fromisoformat(value) if key in DATE_PARAMS and isinstance(value, str) else value
            for key, value in dict(data.get("params") or {}).items()
        }
        return cls(str(data["code"]), params, str(data.get("source") or ""))


def render(
    finding: Finding,
    fill: Callable[[str, dict[str, str]], str],
    *,
    format_date: Callable[[date], str],
    format_source: Callable[[str], str],
) -> str:
    """A finding's message: `fill(template, params)` with every parameter made text.

    Scores (floats) get two decimals, lists are joined with commas, dates and
    sources go through the given formatters, so that a page can show them in
    its own language.
    """
    if finding.code == PLAIN or finding.code not in MESSAGES:
        return str(finding.params.get("text", finding.code))
    params = {
        key: _as_text(key, value, format_date, format_source)
        for key, value in finding.params.items()
    }
    return fill(MESSAGES[finding.code], params)


def _as_text(key: str, value: Any, format_date, format_source) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(key, item, format_date, format_source) for item in value)
    if key in DATE_PARAMS and isinstance(value, date):
        return format_date(value)
    if key in SOURCE_PARAMS:
        return format_source(str(value))
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [convert(item) for item in value]
        return value

    return {key: convert(value) for key, value in params.items()}
