"""The numbers behind the dashboard's charts, as plain data for `data-chart` attributes (no database)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from flask_babel import gettext as _

from ..ita import PASS_MARK
from ..measures.models import Assessment
from ..measures.queries import Summary


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def indicator_chart(summary: Summary, names: Callable[[int], str], link: Callable[[int], str]) -> dict:
    """Progress of the measures of each indicator beside the indicator's ITA score."""
    lines = summary.indicators
    return {
        "type": "bar",
        "horizontal": True,
        "max": 100,
        "labels": [f"{line.number}. {names(line.number)}" for line in lines],
        "links": [link(line.number) for line in lines],
        "datasets": [
            {"label": _("Progress of the measures (percent)"), "data": [line.progress if line.steps else None for line in lines]},
            {"label": _("ITA score"), "data": [_number(line.ita_score) for line in lines]},
        ],
        "passMark": float(PASS_MARK),
    }


def trend_chart(assessments: Sequence[Assessment], year_label: Callable[[int], str]) -> dict | None:
    """The organization's ITA scores over the years; None until two years are recorded."""
    if len(assessments) < 2:
        return None
    scores = [float(v) for a in assessments for v in (a.overall_score, a.iit_score, a.eit_score, a.oit_score)
              if v is not None]
    # Scores differ by a few points from year to year; an axis from 0 would flatten them.
    lowest = min(scores, default=0.0)
    return {
        "type": "line",
        "min": max(0, int(lowest // 10) * 10 - 10),
        "max": 100,
        "labels": [year_label(a.fiscal_year) for a in assessments],
        "datasets": [
            {"label": _("Overall"), "data": [_number(a.overall_score) for a in assessments]},
            {"label": "IIT", "data": [_number(a.iit_score) for a in assessments]},
            {"label": "EIT", "data": [_number(a.eit_score) for a in assessments]},
            {"label": "OIT", "data": [_number(a.oit_score) for a in assessments]},
        ],
        "passMark": float(PASS_MARK),
    }
