"""The filters of the dashboard and of the lists behind its figures, read from the query string.

Unknown or foreign values are ignored rather than refused, so a link that
outlived a division or a year still opens a sensible page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from ..input import parse_whole_number
from ..ita import INDICATOR_NUMBERS, MeasureState, WorkGroup
from ..orgs.models import Division
from ..orgs.services import divisions_of
from ..thai import fiscal_year as fiscal_year_of
from . import queries


@dataclass
class Filters:
    fiscal_year: int
    years: list[int]  # to choose from, newest first
    divisions: list[Division]  # of the organization, to choose from
    division: Division | None = None
    group: WorkGroup | None = None
    state: MeasureState | None = None
    indicator: int | None = None
    moved: bool = False  # only steps whose due date was moved
    current_year: int | None = None  # the fiscal year today falls in
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def year_ended(self) -> bool:
        """The chosen year is over (a banner says so and links to the current one)."""
        return self.current_year is not None and self.fiscal_year < self.current_year

    @property
    def division_id(self) -> int | None:
        return self.division.id if self.division else None

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a link with these filters, some changed."""
        values = {
            "year": self.fiscal_year,
            "division": self.division_id,
            "group": self.group.value if self.group else None,
            "state": self.state.value if self.state else None,
            "indicator": self.indicator,
            "moved": 1 if self.moved else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None}


def _int(value: str | None) -> int | None:
    return parse_whole_number(value)


def _enum(enum_class, value: str | None):
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def read_filters(args: MultiDict, organization_id: int, today: date) -> Filters:
    years = queries.fiscal_years_with_measures(organization_id)
    current = fiscal_year_of(today)
    choices = sorted(set(years) | {current}, reverse=True)
    year = _int(args.get("year"))
    if year not in choices:
        year = queries.default_fiscal_year(organization_id, today, years)
    divisions = divisions_of(organization_id)
    wanted = _int(args.get("division"))
    indicator = _int(args.get("indicator"))
    return Filters(
        fiscal_year=year,
        years=choices,
        divisions=divisions,
        division=next((d for d in divisions if d.id == wanted), None),
        group=_enum(WorkGroup, args.get("group")),
        state=_enum(MeasureState, args.get("state")),
        indicator=indicator if indicator in INDICATOR_NUMBERS else None,
        moved=args.get("moved") in ("1", "on", "true"),
        current_year=current,
    )
