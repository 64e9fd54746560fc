"""Cross-checks of a parsed report whose failures are shown as warnings, never fixed."""
from __future__ import annotations

from tracker.importer.result import Finding, ParseResult
from tracker.ita import (
    INDICATOR_NAMES,
    INDICATORS_OF_TOOL,
    TOOL_KEYS,
    eit_score,
    level_for_scores,
    overall_from_tools,
    scores_differ,
    tool_from_indicators,
)
from tracker.thai import fiscal_year_bounds


def check_consistency(result: ParseResult) -> list[Finding]:
    """Warnings about a result that reads well but does not add up.

    Pure and repeatable: the preview can run it again after the admin edited
    the result. Checks the overall score against the tools, each tool against
    its indicators, the level against the scores, that every indicator has a
    measure, that every measure has a division, and that every period lies in
    the fiscal year after the assessment.
    """
    return [
        *_check_overall_and_level(result),
        *_check_tools_against_indicators(result),
        *_check_measures(result),
    ]


def _all_tools(result: ParseResult) -> bool:
    return all(result.tools.get(key) is not None for key in TOOL_KEYS)


def _check_overall_and_level(result: ParseResult) -> list[Finding]:
    if not _all_tools(result) or result.overall_score is None:
        return []
    tools, sources, findings = result.tools, result.score_sources, []
    expected = overall_from_tools(tools["IIT"], tools["EIT1"], tools["EIT2"], tools["OIT"])
    if scores_differ(result.overall_score, expected):
        findings.append(Finding(
            "overall_mismatch",
            {"overall": float(result.overall_score), "expected": float(expected)},
            sources.get("overall", ""),
        ))
    if result.level:
        eit = eit_score(tools["EIT1"], tools["EIT2"])
        computed = level_for_scores(result.overall_score, tools["IIT"], eit, tools["OIT"])
        if computed != result.level:
            findings.append(Finding(
                "level_mismatch", {"stated": result.level, "computed": computed},
                sources.get("level", ""),
            ))
    return findings


def _check_tools_against_indicators(result: ParseResult) -> list[Finding]:
    tools, sources, findings = result.tools, result.score_sources, []
    for tool, numbers in INDICATORS_OF_TOOL.items():
        scores = [i.score for n in numbers if (i := result.indicator(n)) and i.score is not None]
        if len(scores) != len(numbers):
            continue
        if tool == "EIT":
            if tools.get("EIT1") is None or tools.get("EIT2") is None:
                continue
            stated = eit_score(tools["EIT1"], tools["EIT2"])
            code, source = "eit_mismatch", sources.get("EIT1", "")
        else:
            if tools.get(tool) is None:
                continue
            stated, code, source = tools[tool], "tool_mismatch", sources.get(tool, "")
        mean = tool_from_indicators(scores)
        if scores_differ(stated, mean):
            findings.append(Finding(code, {
                "tool": tool, "stated": float(stated), "mean": float(mean),
                "first_number": numbers[0], "last_number": numbers[-1],
            }, source))
    return findings


def _check_measures(result: ParseResult) -> list[Finding]:
    if not result.measures:
        return []
    findings = []
    covered = {measure.indicator for measure in result.measures}
    missing = [n for n in INDICATOR_NAMES if n not in covered]
    if missing:
        names = [f"{n} ({INDICATOR_NAMES[n]})" for n in missing]
        findings.append(Finding("indicators_without_measure", {"indicators": names}))
    for measure in result.measures:
        if measure.steps and not measure.divisions:
            findings.append(Finding(
                "measure_without_division", {"indicator": measure.indicator}, measure.source
            ))
    if result.measures_fiscal_year is None:
        return findings
    first, last = fiscal_year_bounds(result.measures_fiscal_year)
    for measure in result.measures:
        if measure.start and measure.end and (measure.start < first or measure.end > last):
            findings.append(Finding("period_outside_fiscal_year", {
                "start": measure.start, "end": measure.end,
                "fiscal_year": result.measures_fiscal_year, "first": first, "last": last,
            }, measure.source))
    return findings
