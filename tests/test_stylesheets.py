"""Our stylesheets parse as flat CSS: every rule closed, no rule opened inside another.

A missing `}` is not an error to a browser: it reads every later rule as
nested inside the open one (CSS nesting) and quietly ignores most of them.
"""
from pathlib import Path

import pytest
import tinycss2

CSS_DIR = Path(__file__).resolve().parent.parent / "static" / "css"
STYLESHEETS = sorted(CSS_DIR.glob("*.css"))
# At-rules whose block holds rules, not declarations.
RULE_LIST_AT_RULES = {"media", "supports", "layer", "container", "document"}


def stylesheet_problems(text: str) -> list[str]:
    """What is wrong with the nesting of `text`, one line per problem (empty when none)."""
    problems: list[str] = []
    # The tokenizer closes blocks left open at the end of the file, so serializing adds their `}`.
    missing = tinycss2.serialize(tinycss2.parse_component_value_list(text)).count("}") - text.count("}")
    if missing > 0:
        problems.append(f"{missing} block(s) never closed: a `}}` is missing")
    check_rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), problems)
    return problems


def check_rules(rules, problems: list[str]) -> None:
    for rule in rules:
        if rule.type == "error":
            problems.append(f"line {rule.source_line}: {rule.message}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in RULE_LIST_AT_RULES and rule.content is not None:
            check_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), problems)
        elif rule.type in ("qualified-rule", "at-rule") and rule.content is not None:
            check_declarations(rule, problems)


def check_declarations(rule, problems: list[str]) -> None:
    for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
        if item.type in ("qualified-rule", "at-rule"):
            opened = tinycss2.serialize(item.prelude).strip() if item.type == "qualified-rule" else f"@{item.at_keyword}"
            problems.append(f"line {item.source_line}: rule {opened!r} opened inside the rule of line "
                            f"{rule.source_line} (is a `}}` missing before it?)")
        elif item.type == "error":
            problems.append(f"line {item.source_line}: {item.message}")


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_stylesheet_rules_are_closed_and_not_nested(path):
    assert stylesheet_problems(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_missing_closing_brace():
    broken = ".a { color: red; }\n.b::before {\n  transform: rotate(90deg);\n.c {\n  height: 26rem;\n}\n"
    problems = stylesheet_problems(broken)
    assert any("never closed" in p for p in problems)
    assert any("'.c' opened inside the rule of line 2" in p for p in problems)
    assert stylesheet_problems(".a { color: red; }\n@media print { .b { display: none; } }\n") == []


def test_there_are_stylesheets_to_check():
    assert {p.name for p in STYLESHEETS} >= {"app.css", "report-document.css", "report-pdf.css"}
