"""One search over an organization's measures, steps, progress notes, instructions and file names.

Thai has no spaces between words, so a query matches any part of the text
(a substring), never whole words: ILIKE '%…%' on PostgreSQL, served by the
trigram GIN indexes of migration 0009; LIKE on SQLite. The query's own % and
_ are escaped, so they match themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..instructions.models import Instruction, InstructionFile, InstructionReply
from ..measures.models import Evidence, Measure, ProgressUpdate, Step

MIN_LENGTH = 2
MAX_LENGTH = 100
PER_KIND = 20
KINDS = ("measures", "steps", "notes", "instructions", "files")


def like_pattern(query: str) -> str:
    """'%query%' with the query's wildcards (and the escape character) escaped by '\\'."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def clean_query(text: object) -> str:
    return " ".join(str(text or "").split())[:MAX_LENGTH]


def _contains(column, pattern: str):
    return column.ilike(pattern, escape="\\")


@dataclass
class Hits:
    """Up to PER_KIND rows of one kind, and how many there are in all."""

    rows: list = field(default_factory=list)
    total: int = 0


@dataclass
class SearchResults:
    query: str
    measures: Hits = field(default_factory=Hits)
    steps: Hits = field(default_factory=Hits)
    notes: Hits = field(default_factory=Hits)
    instructions: Hits = field(default_factory=Hits)
    files: Hits = field(default_factory=Hits)

    @property
    def total(self) -> int:
        return sum(getattr(self, kind).total for kind in KINDS)

    @property
    def too_short(self) -> bool:
        return len(self.query) < MIN_LENGTH


def _hits(query: sa.Select, limit: int) -> Hits:
    rows = list(db.session.scalars(query.limit(limit)).unique())
    if len(rows) < limit:
        return Hits(rows, len(rows))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return Hits(rows, total or 0)


def search(organization_id: int, text: object, *, limit: int = PER_KIND) -> SearchResults:
    """What of the organization's records contains `text`, grouped by kind,
    newest fiscal year first; a fixed number of queries."""
    query = clean_query(text)
    results = SearchResults(query)
    if results.too_short:
        return results
    pattern = like_pattern(query)

    results.measures = _hits(
        sa.select(Measure)
        .where(Measure.organization_id == organization_id, _contains(Measure.title, pattern))
        .order_by(Measure.fiscal_year.desc(), Measure.indicator_number, Measure.id),
        limit,
    )
    results.steps = _hits(
        sa.select(Step)
        .join(Measure, Measure.id == Step.measure_id)
        .where(Step.organization_id == organization_id, _contains(Step.text, pattern))
        .options(selectinload(Step.measure), selectinload(Step.divisions))
        .order_by(Measure.fiscal_year.desc(), Measure.indicator_number, Step.position, Step.id),
        limit,
    )
    results.notes = _hits(
        sa.select(ProgressUpdate)
        .join(Step, Step.id == ProgressUpdate.step_id)
        .where(
            Step.organization_id == organization_id,
            sa.or_(_contains(ProgressUpdate.note, pattern), _contains(ProgressUpdate.blocked_reason, pattern)),
        )
        .options(selectinload(ProgressUpdate.step).selectinload(Step.measure), selectinload(ProgressUpdate.author))
        .order_by(ProgressUpdate.id.desc()),
        limit,
    )
    replied = sa.select(InstructionReply.instruction_id).where(_contains(InstructionReply.body, pattern))
    results.instructions = _hits(
        sa.select(Instruction)
        .where(
            Instruction.organization_id == organization_id,
            sa.or_(_contains(Instruction.body, pattern), Instruction.id.in_(replied)),
        )
        .options(selectinload(Instruction.measure), selectinload(Instruction.step), selectinload(Instruction.author),
                 selectinload(Instruction.replies))
        .order_by(Instruction.id.desc()),
        limit,
    )
    evidence_files = _hits(
        sa.select(Evidence)
        .where(Evidence.organization_id == organization_id, _contains(Evidence.original_name, pattern))
        .options(selectinload(Evidence.update).selectinload(ProgressUpdate.step))
        .order_by(Evidence.id.desc()),
        limit,
    )
    thread_files = _hits(
        sa.select(InstructionFile)
        .where(InstructionFile.organization_id == organization_id,
               _contains(InstructionFile.original_name, pattern))
        .order_by(InstructionFile.id.desc()),
        limit,
    )
    results.files = Hits(
        [FileHit.of_evidence(e) for e in evidence_files.rows] + [FileHit.of_thread(f) for f in thread_files.rows],
        evidence_files.total + thread_files.total,
    )
    return results


@dataclass(frozen=True)
class FileHit:
    """A file found by its name: evidence of a step, or attached to an instruction thread."""

    name: str
    size: int
    endpoint: str
    values: dict
    where_endpoint: str
    where_values: dict
    step_number: int | None = None

    @classmethod
    def of_evidence(cls, item: Evidence) -> FileHit:
        step = item.update.step
        return cls(item.original_name, item.size, "measures.evidence_file", {"evidence_id": item.id},
                   "measures.step_detail", {"step_id": step.id, "_anchor": f"update-{item.update_id}"},
                   step.number)

    @classmethod
    def of_thread(cls, item: InstructionFile) -> FileHit:
        return cls(item.original_name, item.size, "instructions.file", {"file_id": item.id},
                   "instructions.thread", {"instruction_id": item.instruction_id})
