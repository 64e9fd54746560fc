"""What view modules may contain: no commit or rollback, no other view module, no queries of their own."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def view_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "tracker").rglob("*.py") if p.name == "views.py" or p.name.endswith("_views.py"))


def test_no_view_module_commits_or_rolls_back():
    assert len(view_modules()) >= 10  # the scan sees the views
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in view_modules()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(commit|rollback)\(", line)
    ]
    assert offenders == []


def test_no_view_module_imports_another_view_module():
    pattern = re.compile(r"^\s*from\s+(\S*views)\s+import|^\s*from\s+\.+\s+import\s+.*\bviews\b|^\s*import\s+\S*views\b",
                         re.M)
    offenders = [str(p.relative_to(ROOT)) for p in view_modules() if pattern.search(p.read_text())]
    assert offenders == []


def test_views_build_no_queries_but_call_the_domains_query_functions():
    """A page asks the domain's queries (`tracker.<domain>.queries`); only the health check talks SQL."""
    query = re.compile(r"\b(sa\.select|db\.session\.(scalars|scalar|execute|query))\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in view_modules()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if query.search(line) and "SELECT 1" not in line
    ]
    assert offenders == []
