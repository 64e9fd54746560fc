"""What the importer read from a report: plain, editable data with warnings and errors."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.importer.findings import Finding
from tracker.importer.rules import propose_due_dates
from tracker.ita import INDICATOR_NAMES, TOOL_KEYS, below_pass_mark, tool_of_indicator


@dataclass
class Indicator:
    """One of the ten ITA indicators with its score and the agency's analysis."""

    number: int
    score: float | None = None
    analysis: str = ""
    source: str = ""  # the row its score was read from

    @property
    def name(self) -> str:
        return INDICATOR_NAMES[self.number]

    @property
    def tool(self) -> str:
        return tool_of_indicator(self.number)

    @property
    def below_pass_mark(self) -> bool:
        return below_pass_mark(self.score)


@dataclass
class Step:
    """One step of a measure; the admin may change its due date in the preview."""

    number: int
    text: str
    due: date | None = None


@dataclass
class Measure:
    """An improvement measure: its steps are done in order over its period."""

    indicator: int | None
    title: str
    start: date | None = None
    end: date | None = None
    divisions: list[str] = field(default_factory=list)  # may hold EVERY_DIVISION
    steps: list[Step] = field(default_factory=list)
    source: str = ""

    def reschedule(self) -> None:
        """Number the steps 1..n and propose their due dates again from the period.

        Call it after the period or the list of steps changed; without a
        period the due dates are left empty.
        """
        dues: list[date | None] = [None] * len(self.steps)
        if self.start and self.end:
            dues = propose_due_dates(self.start, self.end, len(self.steps))
        for number, (step, due) in enumerate(zip(self.steps, dues), start=1):
            step.number, step.due = number, due


@dataclass
class ParseResult:
    """Everything read from one report, for the preview, the CLI and the saving.

    `fiscal_year` is the assessment's, in Buddhist Era (2568 for a report on
    the 2568 assessment); its measures run in the following fiscal year.
    `tools` has the keys IIT, EIT1, EIT2 and OIT, each None when not found.
    `score_sources` tells where the overall score, the level and each tool
    score were read. The result is usable only when `errors` is empty.
    """

    organization: str | None = None
    fiscal_year: int | None = None
    overall_score: float | None = None
    level: str | None = None
    tools: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(TOOL_KEYS))
    indicators: list[Indicator] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    score_sources: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def measures_fiscal_year(self) -> int | None:
        """The fiscal year the measures should run in: the one after the assessment."""
        return self.fiscal_year + 1 if self.fiscal_year is not None else None

    @property
    def division_names(self) -> list[str]:
        """Every division named by a measure, in order of first mention."""
        return list(dict.fromkeys(name for m in self.measures for name in m.divisions))

    def indicator(self, number: int) -> Indicator | None:
        return next((i for i in self.indicators if i.number == number), None)

    def warn(self, code: str, source: str = "", **params: Any) -> None:
        """Add a warning: `code` is a key of `findings.MESSAGES`, `params` fill it."""
        self.warnings.append(Finding(code, params, source))

    def fail(self, code: str, source: str = "", **params: Any) -> None:
        """Add an error: the result cannot be saved."""
        self.errors.append(Finding(code, params, source))

    def to_json(self, *, complete: bool = False) -> dict[str, Any]:
        """The result as JSON-ready data: ISO dates, float scores, BE years,
        findings as "source: message" strings in English.

        With `complete`, findings keep their code and parameters and the
        sources of rows and scores are added, so that `from_json` rebuilds
        the result exactly (the web preview keeps a pending import this way).
        """
        data = {
            "organization": self.organization,
            "fiscal_year": self.fiscal_year,
            "overall_score": _float(self.overall_score),
            "level": self.level,
            "tools": {key: _float(self.tools.get(key)) for key in TOOL_KEYS},
            "indicators": [
                {
                    "number": i.number,
                    "name": i.name,
                    "tool": i.tool,
                    "score": _float(i.score),
                    "analysis": i.analysis,
                }
                for i in self.indicators
            ],
            "measures": [
                {
                    "indicator": m.indicator,
                    "title": m.title,
                    "start": _iso(m.start),
                    "end": _iso(m.end),
                    "divisions": list(m.divisions),
                    "steps": [
                        {"number": s.number, "text": s.text, "due": _iso(s.due)} for s in m.steps
                    ],
                }
                for m in self.measures
            ],
            "warnings": [str(f) for f in self.warnings],
            "errors": [str(f) for f in self.errors],
        }
        if complete:
            data["warnings"] = [f.to_json() for f in self.warnings]
            data["errors"] = [f.to_json() for f in self.errors]
            data["score_sources"] = dict(self.score_sources)
            for item, indicator in zip(data["indicators"], self.indicators):
                item["source"] = indicator.source
            for item, measure in zip(data["measures"], self.measures):
                item["source"] = measure.source
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParseResult:
        """Rebuild a result from `to_json()` data, e.g. a preview kept between requests.

        From `to_json(complete=True)` the result comes back exactly. From the
        plain JSON, row sources of indicators and measures come back empty and
        findings come back as their English text, with the source recovered.
        """
        return cls(
            organization=data.get("organization"),
            fiscal_year=data.get("fiscal_year"),
            overall_score=data.get("overall_score"),
            level=data.get("level"),
            tools={key: data.get("tools", {}).get(key) for key in TOOL_KEYS},
            indicators=[
                Indicator(i["number"], i.get("score"), i.get("analysis", ""), i.get("source", ""))
                for i in data.get("indicators", [])
            ],
            measures=[
                Measure(
                    indicator=m.get("indicator"),
                    title=m.get("title", ""),
                    start=_date(m.get("start")),
                    end=_date(m.get("end")),
                    divisions=list(m.get("divisions", [])),
                    steps=[
                        Step(s["number"], s["text"], _date(s.get("due")))
                        for s in m.get("steps", [])
                    ],
                    source=m.get("source", ""),
                )
                for m in data.get("measures", [])
            ],
            warnings=[_finding(item) for item in data.get("warnings", [])],
            errors=[_finding(item) for item in data.get("errors", [])],
            score_sources=dict(data.get("score_sources") or {}),
        )


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


_SOURCE_PREFIX = re.compile(r"^(line \d+|paragraph \d+|table \d+(?:, row \d+)?): (.*)$", re.DOTALL)


def _finding(item: str | dict[str, Any]) -> Finding:
    if isinstance(item, dict):
        return Finding.from_json(item)
    if match := _SOURCE_PREFIX.match(item):
        return Finding.plain(match[2], match[1])
    return Finding.plain(item)
