"""Building the progress report and the ITA analysis, and exporting them.

`build_report` reads a fixed number of queries whatever the size of the
organization and returns the plain-data `ProgressReport` that every format
is rendered from.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .. import thai
from ..audit.services import record
from ..auth.models import User
from ..auth.permissions import ensure_same_org
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..ita import INDICATOR_NAMES, StepStatus  # the official Thai names, whatever the reader's language
from ..measures.models import Assessment, DueDateChange, Evidence, Measure, ProgressUpdate, Step
from ..measures.queries import assessment_for_measures, not_withdrawn
from ..orgs.models import Organization
from ..timeutil import org_timezone, to_local
from . import report as model
from .wording import ROLE_NAMES, Numbers


class ReportFormat:
    DOCX = "docx"
    XLSX = "xlsx"
    PDF = "pdf"
    PRINT = "print"


FILE_FORMATS = (ReportFormat.DOCX, ReportFormat.XLSX, ReportFormat.PDF)
MIMETYPES = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    filename: str
    mimetype: str


# --- reading the data ----------------------------------------------------------


def end_of_day(day: date, tz_name: str) -> datetime:
    """The first moment after `day` in the time zone, in UTC: updates before it count."""
    local = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(tz_name))
    return local.astimezone(timezone.utc)


def default_as_of(fiscal_year: int, today: date) -> date:
    """Today, or the last day of the fiscal year once it is over."""
    return min(today, thai.fiscal_year_bounds(fiscal_year)[1])


def _year_steps(organization_id: int, fiscal_year: int) -> sa.Select:
    return (
        sa.select(Step.id)
        .join(Measure, Measure.id == Step.measure_id)
        .where(Measure.organization_id == organization_id, Measure.fiscal_year == fiscal_year)
    )


def load_measures(organization_id: int, fiscal_year: int) -> list[Measure]:
    """The measures of a fiscal year with their steps and the steps' divisions (one query:
    joined rather than three "IN (...)" queries, which cost more than the rows here)."""
    return list(
        db.session.scalars(
            sa.select(Measure)
            .where(Measure.organization_id == organization_id, Measure.fiscal_year == fiscal_year)
            .options(joinedload(Measure.steps).joinedload(Step.divisions))
            .order_by(Measure.indicator_number, Measure.position, Measure.id)
        ).unique()
    )


def latest_updates_until(
    organization_id: int, fiscal_year: int, before: datetime | None
) -> dict[int, ProgressUpdate]:
    """The newest update of each step of the year recorded before `before` (all when None)."""
    conditions = [ProgressUpdate.step_id.in_(_year_steps(organization_id, fiscal_year)), not_withdrawn()]
    if before is not None:
        conditions.append(ProgressUpdate.created_at < before)
    ranked = (
        sa.select(
            ProgressUpdate.id,
            sa.func.row_number()
            .over(
                partition_by=ProgressUpdate.step_id,
                order_by=(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()),
            )
            .label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    updates = db.session.scalars(
        sa.select(ProgressUpdate).join(ranked, ranked.c.id == ProgressUpdate.id).where(ranked.c.rank == 1)
    )
    return {u.step_id: u for u in updates}


def due_date_reasons(organization_id: int, fiscal_year: int) -> dict[int, str]:
    """Why each moved step of the year was last moved (one query)."""
    rows = db.session.execute(
        sa.select(DueDateChange.step_id, DueDateChange.reason)
        .where(DueDateChange.step_id.in_(_year_steps(organization_id, fiscal_year)))
        .order_by(DueDateChange.id)
    )
    return {step_id: reason for step_id, reason in rows}


def steps_with_updates(organization_id: int, fiscal_year: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ProgressUpdate.step_id)
            .where(ProgressUpdate.step_id.in_(_year_steps(organization_id, fiscal_year)), not_withdrawn())
            .distinct()
        )
    )


def evidence_counts_until(organization_id: int, fiscal_year: int, before: datetime | None) -> dict[int, int]:
    """How many files each step of the year had received before `before` (all when None)."""
    query = (
        sa.select(ProgressUpdate.step_id, sa.func.count(Evidence.id))
        .join(Evidence, Evidence.update_id == ProgressUpdate.id)
        .where(ProgressUpdate.step_id.in_(_year_steps(organization_id, fiscal_year)), not_withdrawn())
        .group_by(ProgressUpdate.step_id)
    )
    if before is not None:
        query = query.where(ProgressUpdate.created_at < before)
    return {step_id: count for step_id, count in db.session.execute(query)}


def previous_assessment(organization_id: int, fiscal_year: int) -> Assessment | None:
    return db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.organization_id == organization_id, Assessment.fiscal_year < fiscal_year)
        .options(selectinload(Assessment.indicators))
        .order_by(Assessment.fiscal_year.desc())
        .limit(1)
    ).first()


def analysis_of(assessment: Assessment | None) -> model.ItaAnalysis | None:
    if assessment is None:
        return None
    previous = previous_assessment(assessment.organization_id, assessment.fiscal_year)
    return model.ita_analysis(assessment, previous, INDICATOR_NAMES)


def instruction_threads_until(organization_id: int, measure_ids: list[int], before, tz_name: str
                              ) -> dict[int, list[model.InstructionThread]]:
    """The instruction threads of the measures as they stood before `before` (all when None)."""
    from ..instructions.services import threads_of

    def written(at) -> bool:
        return before is None or at < before

    def message(author, side: str, text: str, at, files, is_answer=False) -> model.ThreadMessage:
        return model.ThreadMessage(on=to_local(at, tz_name).date(), author=author.display_name, side=side,
                                   text=text, files=tuple(f.original_name for f in files), is_answer=is_answer)

    result: dict[int, list[model.InstructionThread]] = {}
    for instruction in threads_of(organization_id, measure_ids=measure_ids):
        if not written(instruction.created_at):
            continue
        replies = [r for r in instruction.replies if written(r.created_at)]
        answered = {r.division_id for r in replies if r.division_id is not None}
        result.setdefault(instruction.measure_id, []).append(model.InstructionThread(
            step_number=instruction.step.number if instruction.step else None,
            instruction=message(instruction.author, ROLE_NAMES.get(instruction.author.role.value, ""),
                                instruction.body, instruction.created_at, instruction.files),
            replies=tuple(
                message(r.author, r.division.name if r.division else ROLE_NAMES.get(r.author.role.value, ""),
                        r.body, r.created_at, r.files, is_answer=r.division_id is not None)
                for r in replies
            ),
            waiting_for=tuple(d.name for d in instruction.divisions if d.id not in answered),
        ))
    return result


def build_report(
    org: Organization,
    fiscal_year: int,
    as_of: date,
    *,
    current: bool = False,
    include_analysis: bool = True,
) -> model.ProgressReport:
    """The report of the measures of `fiscal_year` as they stood at the end of `as_of`.

    Each step shows its latest progress update recorded up to the end of that
    day in the organization's time zone; a step whose first update came later
    was not started then. With `current`, every update counts (the public page).
    Raises NotFound when the year has no measures.
    """
    measures = load_measures(org.id, fiscal_year)
    if not measures:
        raise NotFound(_l("There are no measures for fiscal year %(year)s.", year=fiscal_year))
    tz_name = org_timezone(org)
    before = None if current else end_of_day(as_of, tz_name)
    latest = latest_updates_until(org.id, fiscal_year, before)
    updated_later = set() if current else steps_with_updates(org.id, fiscal_year) - set(latest)
    evidence = evidence_counts_until(org.id, fiscal_year, before)
    # Management's follow-up is internal: the public page (`current`) leaves it out.
    threads = {} if current else instruction_threads_until(org.id, [m.id for m in measures], before, tz_name)
    reasons = due_date_reasons(org.id, fiscal_year)

    divisions = {}
    sections = []
    for measure in measures:
        rows = []
        for step in measure.steps:
            for division in step.divisions:
                divisions[division.id] = division
            update = latest.get(step.id)
            if update is not None:
                status, percent = update.status, update.percent
            elif step.id in updated_later:
                status, percent = StepStatus.NOT_STARTED, 0
            else:  # never updated: as it was recorded
                status, percent = step.status, step.percent
            if step.status == StepStatus.CARRIED:
                status = StepStatus.CARRIED  # whatever the entries said, the work went on next year
            local = to_local(update.created_at, tz_name) if update is not None else None
            rows.append(
                model.step_row(
                    step_id=step.id,
                    number=step.number,
                    text=step.text,
                    divisions=[d.name for d in step.divisions],
                    due_date=step.due_date,
                    as_of=as_of,
                    status=status,
                    percent=percent,
                    note=update.note if update is not None else "",
                    problems=update.blocked_reason if update is not None else "",
                    evidence_count=evidence.get(step.id, 0),
                    updated_on=local.date() if local is not None else None,
                    update_id=update.id if update is not None else None,
                    original_due_date=step.original_due_date,
                    due_date_reason=reasons.get(step.id, ""),
                )
            )
        sections.append(
            model.measure_section(
                measure_id=measure.id,
                indicator_number=measure.indicator_number,
                indicator_name=INDICATOR_NAMES.get(measure.indicator_number, ""),
                title=measure.title,
                start_date=measure.start_date,
                end_date=measure.end_date,
                steps=rows,
                as_of=as_of,
                instructions=threads.get(measure.id, ()),
            )
        )

    analysis = analysis_of(assessment_for_measures(org.id, fiscal_year)) if include_analysis else None
    order = sorted(divisions.values(), key=lambda d: (d.position, d.id))
    return model.ProgressReport(
        organization_name=org.name,
        fiscal_year=fiscal_year,
        as_of=as_of,
        measures=tuple(sections),
        analysis=analysis,
        division_order=tuple(d.name for d in order),
    )


# --- the ITA analysis view ------------------------------------------------------------


def assessment_years(organization_id: int) -> list[int]:
    """Fiscal years with an assessment, newest first."""
    return list(
        db.session.scalars(
            sa.select(Assessment.fiscal_year)
            .where(Assessment.organization_id == organization_id)
            .order_by(Assessment.fiscal_year.desc())
        )
    )


def build_analysis(user: User, org: Organization, fiscal_year: int) -> model.ItaAnalysis:
    """The assessment of `fiscal_year` compared with the one before it."""
    ensure_same_org(user, org.id)
    assessment = db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.organization_id == org.id, Assessment.fiscal_year == fiscal_year)
        .options(selectinload(Assessment.indicators))
    ).first()
    if assessment is None:
        raise NotFound(_l("There is no ITA assessment for fiscal year %(year)s.", year=fiscal_year))
    return analysis_of(assessment)


# --- exporting ------------------------------------------------------------------------


def check_as_of(fiscal_year: int, as_of: date, today: date) -> None:
    """A report date inside or after the fiscal year, and not in the future."""
    if as_of > today:
        raise ValidationFailed(
            _l("The report date cannot be later than today (%(today)s).", today=thai.format_date_long(today)),
            field="as_of",
        )
    start = thai.fiscal_year_bounds(fiscal_year)[0]
    if as_of < start:
        raise ValidationFailed(
            _l(
                "The report date must be on or after the start of fiscal year %(year)s (%(start)s).",
                year=fiscal_year,
                start=thai.format_date_long(start),
            ),
            field="as_of",
        )


def report_for(
    user: User | None,
    org: Organization,
    fiscal_year: int,
    as_of: date,
    *,
    today: date,
    output: str,
    thai_digits: bool = False,
) -> model.ProgressReport:
    """Check who asks and for what, build the report and write the audit event."""
    if user is not None:
        ensure_same_org(user, org.id)
    check_as_of(fiscal_year, as_of, today)
    report = build_report(org, fiscal_year, as_of)
    record(
        org.id,
        user,
        "report.export",
        org,
        format=output,
        fiscal_year=fiscal_year,
        as_of=as_of.isoformat(),
        thai_digits=thai_digits,
    )
    db.session.flush()
    return report


def renderer(output: str) -> Callable[[model.ProgressReport, Numbers], bytes]:
    if output == ReportFormat.DOCX:
        from .docx_writer import render_docx

        return render_docx
    if output == ReportFormat.XLSX:
        from .xlsx_writer import render_xlsx

        return render_xlsx
    if output == ReportFormat.PDF:
        from .pdf_writer import render_pdf

        return render_pdf
    raise ValidationFailed(_l("Unknown report format %(format)s.", format=output), field="format")


def report_filename(fiscal_year: int, as_of: date, output: str) -> str:
    return f"รายงานผลมาตรการ ITA ปีงบประมาณ {fiscal_year} ณ {thai.format_date_numeric(as_of).replace('/', '-')}.{output}"


def export_report(
    user: User | None,
    org: Organization,
    fiscal_year: int,
    as_of: date,
    output: str,
    *,
    today: date,
    thai_digits: bool = False,
) -> ExportedFile:
    """The report as a Word, Excel or PDF file; `user` is None from the command line."""
    render = renderer(output)
    if output == ReportFormat.PDF:
        from .pdf_writer import ensure_pdf_available

        ensure_pdf_available()
    report = report_for(user, org, fiscal_year, as_of, today=today, output=output, thai_digits=thai_digits)
    return ExportedFile(
        content=render(report, Numbers(thai_digits)),
        filename=report_filename(fiscal_year, as_of, output),
        mimetype=MIMETYPES[output],
    )
