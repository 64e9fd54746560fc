"""axe-core in a page under the strict CSP: the test serves tests/vendor/axe-core as a same-origin script."""
from __future__ import annotations

from pathlib import Path

AXE_FILE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
# Never a route of the application: Playwright answers it from the test's copy.
AXE_PATH = "/__tests__/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")

RUN_AXE = """async (impacts) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " | " + (n.failureSummary || "").split("\\n").slice(1).join(" ").trim()),
    count: v.nodes.length,
  }));
}"""


def serve_axe(tab) -> None:
    """Answer AXE_PATH on the page's own origin, so `script-src 'self'` lets it run."""
    source = AXE_FILE.read_bytes()
    tab.route(f"**{AXE_PATH}", lambda route: route.fulfill(status=200, body=source,
                                                            content_type="application/javascript"))


def serious_violations(tab) -> list[dict]:
    """axe's serious and critical violations of the page open in `tab`."""
    if not tab.evaluate("() => typeof window.axe !== 'undefined'"):
        tab.add_script_tag(url=AXE_PATH)
    return tab.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']} ({v['count']}x): {v['help']}\n    " + "\n    ".join(v["nodes"])
                     for v in violations)
