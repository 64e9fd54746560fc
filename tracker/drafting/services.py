"""Reading an organization's assessments and measures into the official document."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..errors import NotFound
from ..extensions import db
from ..measures.models import Assessment, Measure, Step
from ..orgs.models import Organization
from .document import MAX_YEARS, DocumentMeasure, OfficialDocument


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
        thai_digits=thai_digits,
    )


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF through the progress report's PDF writer."""
    from flask import render_template

    from ..reports.pdf_writer import html_to_pdf
    from .chart import score_chart_svg
    from .document import document_blocks

    html = render_template("drafting/document_pdf.html", doc=doc, blocks=document_blocks(doc), chart_svg=score_chart_svg)
    return html_to_pdf(html, ("report-pdf.css", "official-document.css"))
