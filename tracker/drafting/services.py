"""Writing next year's ITA document: the results' checks, the drafted analysis and measures, adopting them.

Also reads an organization's assessments and measures into the official document.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import apply_changes, record
from ..auth.models import User
from ..auth.permissions import ensure_admin_of
from ..concurrency import ensure_unchanged
from ..errors import Conflict, InvalidFields, NotFound, ValidationFailed
from ..extensions import db
from ..importer import result as parsed
from ..importer.checks import check_consistency
from ..importer.messages import finding_text
from ..importer.rules import propose_due_dates
from ..ita import INDICATOR_NAMES, StepStatus
from ..measures.editing import MAX_TITLE
from ..measures.models import Assessment, Measure, Step
from ..orgs.models import Division, Organization
from ..orgs.services import divisions_of
from ..thai import ThaiDateError, fiscal_year_bounds, parse_date
from .document import DEFAULT_RATIONALE, MAX_YEARS, DocumentMeasure, OfficialDocument
from .models import DocumentText, MeasureDraft
from .proposals import Band, PastMeasure, ProposedMeasure, Source, SummaryLine, analysis_text, band, propose_measure, summary


def _score(value) -> float | None:
    return None if value is None else float(value)


def assessments_up_to(organization_id: int, year: int) -> list[Assessment]:
    """The organization's assessments of `year` and up to four years before, oldest first."""
    return list(db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.organization_id == organization_id, Assessment.fiscal_year <= year)
        .options(selectinload(Assessment.indicators))
        .order_by(Assessment.fiscal_year.desc())
        .limit(MAX_YEARS)
    ))[::-1]


def measures_of_year(organization_id: int, fiscal_year: int) -> list[Measure]:
    return list(db.session.scalars(
        sa.select(Measure)
        .where(Measure.organization_id == organization_id, Measure.fiscal_year == fiscal_year)
        .options(selectinload(Measure.steps).selectinload(Step.divisions))
        .order_by(Measure.indicator_number, Measure.position, Measure.id)
    ))


def document_measure(measure: Measure) -> DocumentMeasure:
    """A measure as the document lists it: its divisions are those of its steps, in the organization's order."""
    divisions = {d.id: d for step in measure.steps for d in step.divisions}
    ordered = sorted(divisions.values(), key=lambda d: (d.position, d.id))
    return DocumentMeasure(
        indicator=measure.indicator_number,
        title=measure.title,
        steps=[step.text for step in measure.steps],
        start=measure.start_date,
        end=measure.end_date,
        divisions=[d.name for d in ordered],
    )


def official_document(org: Organization, assessment_year: int, *, thai_digits: bool = False) -> OfficialDocument:
    """The document for the organization's assessment of `assessment_year`, with the
    measures of the following fiscal year as they stand. NotFound without that assessment."""
    assessments = assessments_up_to(org.id, assessment_year)
    if not assessments or assessments[-1].fiscal_year != assessment_year:
        raise NotFound(_l("There is no ITA assessment for fiscal year %(year)s.", year=assessment_year))
    assessment = assessments[-1]
    return OfficialDocument(
        organization=org.name,
        assessment_year=assessment_year,
        overall=_score(assessment.overall_score),
        level=assessment.level,
        tools={
            "IIT": _score(assessment.iit_score),
            "EIT1": _score(assessment.eit1_score),
            "EIT2": _score(assessment.eit2_score),
            "OIT": _score(assessment.oit_score),
        },
        scores_by_year={a.fiscal_year: {i.number: _score(i.score) for i in a.indicators} for a in assessments},
        analysis={i.number: i.analysis for i in assessment.indicators},
        measures=[document_measure(m) for m in measures_of_year(org.id, assessment_year + 1)],
        rationale=rationale_of(org.id),
        thai_digits=thai_digits,
    )


PAGE_NUMBERS = "@page { @bottom-center { content: counter(page); font-size: 12pt; } }"


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF through the progress report's PDF writer."""
    from flask import render_template

    from ..reports.pdf_writer import html_to_pdf
    from .chart import score_chart_svg
    from .document import document_blocks

    html = render_template("drafting/document_pdf.html", doc=doc, blocks=document_blocks(doc), chart_svg=score_chart_svg)
    return html_to_pdf(html, ("report-pdf.css", "official-document.css"), PAGE_NUMBERS)


def rationale_of(organization_id: int) -> str:
    """The organization's own opening text, or the standard one."""
    text = db.session.get(DocumentText, organization_id)
    return text.rationale if text is not None and text.rationale.strip() else DEFAULT_RATIONALE


# --- the results' checks ----------------------------------------------------------------------

TOOL_FIELDS = {"IIT": "iit_score", "EIT1": "eit1_score", "EIT2": "eit2_score", "OIT": "oit_score"}


def _float(value) -> float | None:
    try:
        return None if value in (None, "") else float(str(value).strip())
    except ValueError:
        return None


def results_warnings(values: Mapping[str, object]) -> dict[str, list[str]]:
    """The importer's consistency checks over entered scores, as messages per form field
    (`overall_score`, `level`, `iit_score` ... `indicator_N`). Nothing is refused: they are warnings."""
    result = parsed.ParseResult(overall_score=_float(values.get("overall_score")), level=values.get("level") or None)
    result.score_sources = {"overall": "overall_score", "level": "level", **TOOL_FIELDS}
    for key, name in TOOL_FIELDS.items():
        result.tools[key] = _float(values.get(name))
    result.indicators = [parsed.Indicator(n, _float(values.get(f"indicator_{n}"))) for n in INDICATOR_NAMES]
    warnings: dict[str, list[str]] = defaultdict(list)
    for finding in check_consistency(result):
        warnings[finding.source or "overall_score"].append(finding_text(finding))
    return dict(warnings)


# --- the workspace: what is drafted for each indicator -----------------------------------------

@dataclass
class IndicatorDraft:
    number: int
    name: str
    score: float | None
    band: Band | None
    analysis: str
    analysis_proposed: bool  # nothing saved yet: the text is the proposal
    proposed_analysis: str
    measure: ProposedMeasure
    measure_saved: bool

    @property
    def due_dates(self) -> list[date]:
        """The steps' due dates by the importer's rule over the period (the preview)."""
        if not self.measure.start or not self.measure.end:
            return []
        return propose_due_dates(self.measure.start, self.measure.end, len(self.measure.steps))


@dataclass
class Workspace:
    assessment: Assessment
    previous_year: int | None
    indicators: list[IndicatorDraft]
    summary: list[SummaryLine]
    divisions: list[Division]
    rationale: str
    next_year_measures: int  # measures the following fiscal year has already
    history: dict[int, dict[int, float | None]] = field(default_factory=dict)


def _outcome_counts(steps: list[Step], today: date) -> tuple[int, int, int]:
    done = sum(1 for s in steps if s.status == StepStatus.DONE)
    carried = sum(1 for s in steps if s.status == StepStatus.CARRIED)
    late = sum(1 for s in steps if s.status not in (StepStatus.DONE, StepStatus.CARRIED) and s.due_date < today)
    return done, late, carried


def past_measures(organization_id: int, up_to_year: int, today: date) -> dict[int, list[PastMeasure]]:
    """The organization's measures of fiscal years up to `up_to_year`, per indicator, with what became of their steps."""
    measures = db.session.scalars(
        sa.select(Measure)
        .where(Measure.organization_id == organization_id, Measure.fiscal_year <= up_to_year)
        .options(selectinload(Measure.steps).selectinload(Step.divisions))
        .order_by(Measure.fiscal_year, Measure.indicator_number, Measure.position, Measure.id)
    )
    by_indicator: dict[int, list[PastMeasure]] = defaultdict(list)
    for measure in measures:
        done, late, carried = _outcome_counts(measure.steps, today)
        division_ids = tuple(dict.fromkeys(d.id for s in measure.steps for d in s.divisions))
        by_indicator[measure.indicator_number].append(PastMeasure(
            measure.fiscal_year, measure.title, tuple(s.text for s in measure.steps), division_ids, done, late, carried,
        ))
    return by_indicator


def drafts_of(assessment: Assessment) -> dict[int, MeasureDraft]:
    return {d.indicator_number: d for d in db.session.scalars(
        sa.select(MeasureDraft).where(MeasureDraft.assessment_id == assessment.id))}


def _draft_measure(draft: MeasureDraft, assessment_year: int) -> ProposedMeasure:
    start, end = fiscal_year_bounds(assessment_year + 1)
    return ProposedMeasure(draft.indicator_number, draft.title, list(draft.steps), draft.start_date or start,
                           draft.end_date or end, [int(i) for i in draft.division_ids], Source.LAST_YEAR)


def workspace(org: Organization, assessment: Assessment, today: date) -> Workspace:
    """Each indicator's analysis and measure: what is saved, else what is proposed."""
    year = assessment.fiscal_year
    history = {a.fiscal_year: {i.number: _score(i.score) for i in a.indicators} for a in assessments_up_to(org.id, year)}
    earlier_years = sorted(y for y in history if y < year)
    previous_year = earlier_years[-1] if earlier_years else None
    scores = history.get(year, {})
    past = past_measures(org.id, year, today)
    divisions = [d for d in divisions_of(org.id) if d.active]
    choices = [(d.id, d.name) for d in divisions]
    drafts = drafts_of(assessment)
    lines = {line.number: line for line in assessment.indicators}
    indicators = []
    for number, name in INDICATOR_NAMES.items():
        last_year = [m for m in past.get(number, []) if m.fiscal_year == year]
        proposed = analysis_text(number, scores.get(number), {y: h.get(number) for y, h in history.items()},
                                 year, last_year[-1] if last_year else None)
        saved = (lines[number].analysis if number in lines else "").strip()
        draft = drafts.get(number)
        measure = (_draft_measure(draft, year) if draft is not None
                   else propose_measure(number, past.get(number, []), year, choices))
        indicators.append(IndicatorDraft(number, name, scores.get(number), band(scores.get(number)),
                                         saved or proposed, not saved, proposed, measure, draft is not None))
    next_year = db.session.scalar(sa.select(sa.func.count(Measure.id)).where(
        Measure.organization_id == org.id, Measure.fiscal_year == year + 1))
    return Workspace(assessment, previous_year, indicators,
                     summary(scores, history.get(previous_year, {}) if previous_year else {}),
                     divisions, rationale_of(org.id), next_year, history)


# --- saving the drafts ---------------------------------------------------------------------------

MAX_STEPS = 20


def _date(text: object, field_name: str, errors: dict[str, list]) -> date | None:
    text = str(text or "").strip()
    if not text:
        errors.setdefault(field_name, []).append(_l("Please give a date, e.g. 1/10/2569."))
        return None
    try:
        return parse_date(text)
    except ThaiDateError:
        errors.setdefault(field_name, []).append(
            _l("This is not a date. Write it as day/month/Buddhist year, e.g. 31/03/2569."))
        return None


def drafts_edit_values(assessment: Assessment) -> dict:
    """What the drafting page edits: the analyses, the drafted measures and the organization's opening text."""
    drafts = drafts_of(assessment)
    text = db.session.get(DocumentText, assessment.organization_id)
    return dict(
        analyses=sorted([line.number, line.analysis] for line in assessment.indicators),
        drafts=sorted([n, d.title, list(d.steps), d.start_date, d.end_date, list(d.division_ids)]
                      for n, d in drafts.items()),
        rationale=text.rationale if text is not None else "",
    )


def save_drafts(user: User, org: Organization, assessment: Assessment, *, analyses: Mapping[int, str],
                measures: Mapping[int, Mapping[str, object]], rationale: str | None = None,
                base_token: str | None = None) -> None:
    """Save every indicator's analysis (into the assessment) and drafted measure, all or nothing.

    `measures[n]` has `title`, `steps` (one per line), `start_date`, `end_date`
    (typed dates) and `division_ids`. Errors name the fields `title_N`,
    `steps_N`, `start_N`, `end_N`, `divisions_N`.
    """
    ensure_admin_of(user, org.id)
    if assessment.organization_id != org.id:
        raise NotFound(_l("There is no ITA assessment for fiscal year %(year)s.", year=assessment.fiscal_year))
    ensure_unchanged(assessment, base_token, drafts_edit_values)
    allowed = {d.id for d in divisions_of(org.id) if d.active}
    errors: dict[str, list] = {}
    cleaned: dict[int, dict] = {}
    for number in INDICATOR_NAMES:
        values = measures.get(number, {})
        title = str(values.get("title") or "").strip()
        steps = [line.strip() for line in str(values.get("steps") or "").splitlines() if line.strip()]
        if not title:
            errors.setdefault(f"title_{number}", []).append(_l("Please give the measure's project or activity."))
        elif len(title) > MAX_TITLE:
            errors.setdefault(f"title_{number}", []).append(
                _l("The text is too long (at most %(count)d characters).", count=MAX_TITLE))
        if not steps:
            errors.setdefault(f"steps_{number}", []).append(_l("Please write at least one step, one per line."))
        elif len(steps) > MAX_STEPS:
            errors.setdefault(f"steps_{number}", []).append(
                _l("A measure can have at most %(count)s steps.", count=MAX_STEPS))
        start = _date(values.get("start_date"), f"start_{number}", errors)
        end = _date(values.get("end_date"), f"end_{number}", errors)
        if start and end and start > end:
            errors.setdefault(f"end_{number}", []).append(_l("The period must end on or after its first day."))
        chosen = []
        for raw in values.get("division_ids") or []:
            try:
                chosen.append(int(raw))
            except (TypeError, ValueError):
                chosen.append(-1)
        if not chosen:
            errors.setdefault(f"divisions_{number}", []).append(_l("Choose at least one responsible division."))
        elif any(d not in allowed for d in chosen):
            errors.setdefault(f"divisions_{number}", []).append(_l("Choose divisions of your organization."))
        cleaned[number] = dict(title=title, steps=steps, start_date=start, end_date=end,
                               division_ids=list(dict.fromkeys(chosen)))
    if errors:
        raise InvalidFields(errors)

    lines = {line.number: line for line in assessment.indicators}
    changed = []
    for number, text in analyses.items():
        if number in lines and apply_changes(lines[number], {"analysis": str(text or "").strip()}):
            changed.append(number)
    drafts = drafts_of(assessment)
    for number, values in cleaned.items():
        draft = drafts.get(number)
        if draft is None:
            draft = MeasureDraft(organization_id=org.id, assessment_id=assessment.id, indicator_number=number)
            db.session.add(draft)
        if apply_changes(draft, values):
            draft.updated_by_id = user.id
            changed.append(number)
    if rationale is not None:
        text = db.session.get(DocumentText, org.id) or DocumentText(organization_id=org.id, rationale="")
        db.session.add(text)
        apply_changes(text, {"rationale": rationale.strip()})
    db.session.flush()
    record(org.id, user, "ita_draft.save", assessment, fiscal_year=assessment.fiscal_year,
           indicators=sorted(set(changed)))
    db.session.flush()


# --- adopting the drafts -----------------------------------------------------------------------------

REPLACE_FIELD = "replace"


def drafted_report(org: Organization, space: Workspace) -> parsed.ParseResult:
    """The drafted document as the importer's result, so that adopting it follows the importer's rules."""
    assessment = space.assessment
    result = parsed.ParseResult(
        organization=org.name, fiscal_year=assessment.fiscal_year, overall_score=_score(assessment.overall_score),
        level=assessment.level,
    )
    result.tools = {"IIT": _score(assessment.iit_score), "EIT1": _score(assessment.eit1_score),
                    "EIT2": _score(assessment.eit2_score), "OIT": _score(assessment.oit_score)}
    names = {d.id: d.name for d in space.divisions}
    for item in space.indicators:
        result.indicators.append(parsed.Indicator(item.number, item.score, item.analysis if not item.analysis_proposed else ""))
        measure = parsed.Measure(
            indicator=item.number, title=item.measure.title, start=item.measure.start, end=item.measure.end,
            divisions=[names[d] for d in item.measure.division_ids if d in names],
            steps=[parsed.Step(n, text) for n, text in enumerate(item.measure.steps, start=1)],
        )
        measure.reschedule()
        result.measures.append(measure)
    return result


def adopt_drafts(user: User, org: Organization, assessment: Assessment, *, today: date, replace: bool = False,
                 remove_reported_steps: bool = False):
    """Make the drafted measures the next fiscal year's measures and steps (no file, no re-import).

    Refused when that year has measures already, unless `replace`: then the
    importer's rules apply (steps still drafted keep their progress; removing
    a step with progress needs `remove_reported_steps`). Returns the importer's summary.
    """
    from ..importer.services import import_report

    ensure_admin_of(user, org.id)
    space = workspace(org, assessment, today)
    unsaved = [item.number for item in space.indicators if not item.measure_saved]
    if unsaved:
        raise ValidationFailed(_l("Save the drafted measures first (indicators %(numbers)s are only proposals).",
                                  numbers=", ".join(map(str, unsaved))))
    if space.next_year_measures and not replace:
        raise Conflict(_l("Fiscal year %(year)s has measures already. Tick “Replace” to replace them with the drafts.",
                          year=assessment.fiscal_year + 1), field=REPLACE_FIELD)
    result = drafted_report(org, space)
    summary_ = import_report(
        org, result, actor=user, division_choices={d.name: str(d.id) for d in space.divisions},
        replace=True, remove_reported_steps=remove_reported_steps, source_name=assessment.source_name,
    )
    record(org.id, user, "ita_draft.adopt", assessment, fiscal_year=assessment.fiscal_year + 1,
           measures=len(result.measures))
    db.session.flush()
    return summary_


def draft_document(org: Organization, space: Workspace, *, thai_digits: bool = False) -> OfficialDocument:
    """The official document as drafted: the workspace's analysis and measures (saved, else proposed)."""
    assessment = space.assessment
    names = {d.id: d.name for d in space.divisions}
    return OfficialDocument(
        organization=org.name,
        assessment_year=assessment.fiscal_year,
        overall=_score(assessment.overall_score),
        level=assessment.level,
        tools={"IIT": _score(assessment.iit_score), "EIT1": _score(assessment.eit1_score),
               "EIT2": _score(assessment.eit2_score), "OIT": _score(assessment.oit_score)},
        scores_by_year=space.history,
        analysis={item.number: item.analysis for item in space.indicators},
        measures=[DocumentMeasure(item.number, item.measure.title, list(item.measure.steps), item.measure.start,
                                  item.measure.end, [names[d] for d in item.measure.division_ids if d in names])
                  for item in space.indicators],
        rationale=space.rationale,
        thai_digits=thai_digits,
    )
