"""The demo organization's ITA report: the seed report, imported once through the importer."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..importer.parser import parse_upload
from ..importer.services import ImportSummary, import_report
from ..measures.models import Assessment
from ..orgs.models import Organization

# อบต.เมืองเพีย's report on its FY 2568 assessment, as the tests read it too.
SEED_REPORT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ita_report_muangphia_2568.txt"


def import_demo_report(org: Organization, path: Path = SEED_REPORT) -> ImportSummary | None:
    """Import the seed report into the demo organization unless its year is already there.

    Returns what was imported, or None when the report was imported before
    (or the file is missing, as in an installation without the tests).
    """
    if not path.is_file():
        return None
    data = path.read_bytes()
    result = parse_upload(path.name, data, max_bytes=len(data),
                          known_divisions=[d.name for d in org.divisions])
    if result.errors:
        raise RuntimeError(f"the demo report cannot be read: {result.errors[0]}")
    # The demo may have moved the report's years to keep it in the present (tracker.demo.present).
    already = db.session.scalar(
        sa.select(Assessment.id).where(
            Assessment.organization_id == org.id,
            sa.or_(Assessment.fiscal_year == result.fiscal_year, Assessment.source_name == path.name),
        ).limit(1)
    )
    if already is not None:
        return None
    return import_report(org, result, actor=None, source_name=path.name)
