"""Read an agency's ITA analysis report (text export or Word) into plain data to review.

No Flask and no database here: the CLI, the web preview and the saving are
built on `ParseResult`. The usual entry points:

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
from tracker.importer.normalize import ImportReadError, clean_text, decode_upload
from tracker.importer.parser import parse_docx, parse_document, parse_text, parse_upload
from tracker.importer.readers import read_docx, read_text
from tracker.importer.result import Finding, Indicator, Measure, ParseResult, Step
from tracker.importer.rules import level_for_scores, propose_due_dates
from tracker.importer.steps import split_steps

__all__ = [
    "Block", "Paragraph", "Row", "Table",
    "check_consistency",
    "EVERY_DIVISION", "DivisionMatch", "DivisionRecord", "match_divisions", "split_divisions",
    "ImportReadError", "clean_text", "decode_upload",
    "parse_docx", "parse_document", "parse_text", "parse_upload",
    "read_docx", "read_text",
    "Finding", "Indicator", "Measure", "ParseResult", "Step",
    "level_for_scores", "propose_due_dates",
    "split_steps",
]
