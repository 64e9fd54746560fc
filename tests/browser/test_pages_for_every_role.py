"""Every main page, as each role, at desktop and phone width: what the user sees.

axe-core finds no serious or critical accessibility problem (contrast
included), no page scrolls sideways on a 390 px phone, wide tables turn into
stacked cards there, and the stylesheet's sizes reach the page. Screenshots
of the dashboard, My work and the steps list go to test-artifacts/, and of
every page at phone width to test-artifacts/pages/.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tracker.extensions import db
from tracker.models import Role, StepStatus
from tracker.reports.publishing import set_public_page

from ..conftest import TODAY
from .axe import describe, serious_violations, serve_axe
from .conftest import sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def agency(make_org, make_division, make_user, make_measure, make_assessment, make_progress):
    org = make_org(name="องค์การบริหารส่วนตำบลทดสอบการเข้าถึง", slug="a11y")
    palad = make_division(org, "สำนักปลัด", "สป.")
    finance = make_division(org, "กองคลัง", "กค.")
    works = make_division(org, "กองช่าง", "กช.")
    make_assessment(org, 2567, overall_score=82.5)
    assessment = make_assessment(org, 2568, scores={n: 90.0 for n in range(1, 11)} | {9: 78.0, 10: 80.0})
    plan = make_measure(org, indicator=9, assessment=assessment,
                        title="เผยแพร่แผนการดำเนินงานและแผนการใช้จ่ายงบประมาณประจำปีทางเว็บไซต์หลักของหน่วยงาน", steps=[
        {"text": "จัดทำแผนการดำเนินงานประจำปีและเสนอผู้บริหารลงนาม", "due": TODAY - timedelta(days=16),
         "divisions": [palad]},
        {"text": "เผยแพร่แผนทางเว็บไซต์หลักของหน่วยงาน", "due": TODAY - timedelta(days=2),
         "divisions": [palad, finance]},
        {"text": "รายงานผลการใช้จ่ายงบประมาณรายไตรมาส", "due": TODAY + timedelta(days=9), "divisions": [finance],
         "status": StepStatus.IN_PROGRESS, "percent": 40},
        {"text": "ประชุมชี้แจงแนวทางการเปิดเผยข้อมูล", "due": TODAY + timedelta(days=60), "divisions": [works]},
    ])
    make_measure(org, indicator=10, assessment=assessment, title="ส่งเสริมการป้องกันการทุจริต", steps=[
        {"text": "จัดทำคู่มือการปฏิบัติงานเพื่อป้องกันผลประโยชน์ทับซ้อน", "due": TODAY - timedelta(days=30),
         "divisions": [works], "status": StepStatus.DONE},
        {"text": "อบรมเจ้าหน้าที่", "due": TODAY + timedelta(days=3), "divisions": [palad],
         "status": StepStatus.BLOCKED, "percent": 20},
    ])
    admin = make_user(org, Role.ADMIN, email="admin@a11y.test", display_name="ผู้ดูแลระบบ")
    executive = make_user(org, Role.EXECUTIVE, email="deputy@a11y.test", display_name="รองปลัด อบต.")
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad], email="head@a11y.test", display_name="หัวหน้าสำนักปลัด")
    staff = make_user(org, Role.STAFF, divisions=[finance], email="staff@a11y.test", display_name="เจ้าหน้าที่กองคลัง")
    step = plan.steps[2]
    make_progress(step, staff, 40, note="รวบรวมข้อมูลไตรมาสแรกแล้ว\nรอข้อมูลจากกองช่าง", work_date=TODAY - timedelta(days=3))
    set_public_page(admin, org, True)
    db.session.commit()
    ids = {"step": step.id, "measure": plan.id, "user": staff.id, "division": finance.id, "slug": org.slug}
    return {"admin": admin, "executive": executive, "division_head": head, "staff": staff}, ids


PAGES = {
    "admin": [
        "/dashboard", "/steps", "/steps/{step}", "/measures", "/measures/{measure}", "/admin/", "/admin/users/new",
        "/admin/users/{user}/edit", "/admin/divisions/{division}/edit", "/admin/assessments", "/admin/audit",
        "/admin/reminders", "/reports/", "/reports/ita", "/reports/public/", "/reports/public/files", "/import/",
        "/measures/{measure}/edit", "/steps/{step}/edit",
    ],
    "executive": ["/dashboard", "/steps", "/steps/{step}", "/measures", "/measures/{measure}", "/reports/",
                  "/reminders/", "/calendar/", "/account"],
    "division_head": ["/my-work", "/steps", "/steps/{step}", "/measures/{measure}", "/dashboard"],
    "staff": ["/my-work", "/steps/{step}", "/reminders/settings"],
    "signed out": ["/login", "/p/{slug}/", "/p/{slug}/2569"],
}


def open_as(browser, live_server, viewport, user=None):
    context = browser.new_context(viewport=viewport, base_url=live_server)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text)
           if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}")
           if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    serve_axe(tab)
    if user is not None:
        sign_in(tab, user.email)
    return context, tab, problems


def scrolls_sideways(tab) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return tab.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


WIDEST = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const sticksOut = e => e.getBoundingClientRect().right > limit;
  return [...document.querySelectorAll("body *")]
    .filter(e => sticksOut(e) && !sticksOut(e.parentElement))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + [...e.classList].join(".")
              + " (" + Math.round(e.getBoundingClientRect().width) + "px)");
}"""


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_accessibility_problem_and_fit_a_phone(browser, live_server, agency, artifacts,
                                                                          role):
    users, ids = agency
    found: dict[str, str] = {}
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context, tab, console = open_as(browser, live_server, viewport, users.get(role))
        try:
            for template in PAGES[role]:
                path = template.format(**ids)
                response = tab.goto(path)
                assert response.status == 200, f"{path}: {response.status}"
                violations = serious_violations(tab)
                if violations:
                    found[f"{name} {path}"] = describe(violations)
                if name == "phone" and (extra := scrolls_sideways(tab)) > 0:
                    found[f"{name} {path} scrolls sideways"] = (f"{extra}px wider than the window; "
                                                                f"too wide: {', '.join(tab.evaluate(WIDEST))}")
                if name == "phone" or f"{name} {path}" in found:
                    # Every page as a phone shows it, and any page axe complained about.
                    shot = artifacts / "pages" / f"{role}{path.replace('/', '_')}-{name}.png".replace(" ", "-")
                    shot.parent.mkdir(exist_ok=True)
                    tab.screenshot(path=str(shot), full_page=True)
            assert console == [], console
        finally:
            context.close()
    assert found == {}, "\n".join(f"{page}:\n  {text}" for page, text in found.items())


def test_dashboard_my_work_and_steps_at_desktop_and_phone_width(browser, live_server, agency, artifacts):
    users, _ids = agency
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        suffix = "-desktop" if name == "desktop" else "-390"
        context, tab, console = open_as(browser, live_server, viewport, users["executive"])
        try:
            tab.goto("/dashboard")
            tab.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')]"
                                  ".every(c => Chart.getChart(c) !== undefined)")
            # app.css's sizes reach the page (an unclosed rule once made the chart 150 px tall).
            chart = tab.locator(".chart-box:not(.chart-box-short) canvas").bounding_box()
            assert 380 <= chart["height"] <= 440, chart
            assert tab.locator("#overdue-count").evaluate("e => getComputedStyle(e).fontSize") == "36px"
            tab.screenshot(path=str(artifacts / f"dashboard{suffix}.png"), full_page=True)
            tab.goto("/steps")
            tab.screenshot(path=str(artifacts / f"steps{suffix}.png"), full_page=True)
            if name == "phone":
                # Stacked cards: no header row, every cell labelled by its column.
                assert tab.locator(".step-table thead").first.is_hidden()
                cells = tab.locator(".step-table tbody tr").first.locator("td")
                labels = [cells.nth(i).get_attribute("data-label") for i in range(cells.count())]
                assert all(labels), labels
                assert cells.first.evaluate("e => getComputedStyle(e).display") == "block"
                row = tab.locator(".step-table tbody tr").first.bounding_box()
                assert row["width"] <= viewport["width"], row
            assert console == [], console
        finally:
            context.close()
        context, tab, console = open_as(browser, live_server, viewport, users["division_head"])
        try:
            tab.goto("/my-work")
            # The due date stays on one line ("30 ก.ย. 69", never "30 ก.ย. / 69").
            due = tab.locator(".work-meta .small").first
            line_height = float(due.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
            assert due.bounding_box()["height"] < 1.5 * line_height
            tab.screenshot(path=str(artifacts / f"my-work{suffix}.png"), full_page=True)
            assert console == [], console
        finally:
            context.close()
