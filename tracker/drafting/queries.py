"""The assessments the ITA document pages work on."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..measures.models import Assessment


def assessment_of_year(organization_id: int, year: int) -> Assessment | None:
    return db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.organization_id == organization_id, Assessment.fiscal_year == year)
        .options(selectinload(Assessment.indicators))
    ).first()


def assessments_newest_first(organization_id: int) -> list[Assessment]:
    return list(db.session.scalars(
        sa.select(Assessment).where(Assessment.organization_id == organization_id)
        .order_by(Assessment.fiscal_year.desc())
    ))
