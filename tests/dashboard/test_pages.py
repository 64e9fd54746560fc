"""My work for division heads, the dashboard for executives, and the lists behind every figure."""
import json
import re
from html import unescape

import pytest

from tracker.models import Role


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_home_is_my_work_for_heads_and_staff(agency, client, sign_in):
    sign_in(agency.head)
    body = client.get("/").get_data(as_text=True)
    assert 'id="group-overdue"' in body
    assert 'id="overdue-count"' not in body


@pytest.mark.parametrize("who", ["executive", "admin"])
def test_home_is_the_dashboard_for_executives_and_admins(agency, client, sign_in, who):
    sign_in(getattr(agency, who))
    assert 'id="overdue-count"' in client.get("/").get_data(as_text=True)


def test_my_work_groups_the_divisions_steps_by_urgency(agency, client, sign_in):
    sign_in(agency.head)
    body = client.get("/my-work").get_data(as_text=True)
    overdue = text_of(section(body, "group-overdue"))
    # Worst first, and unfinished work of an earlier year stays listed.
    assert overdue.index("งานค้างจากปีก่อน") < overdue.index("ยกร่างคู่มือ") < overdue.index("รวบรวมข้อมูล")
    assert "เกินกำหนด 20 วัน" in overdue and "เกินกำหนด 3 วัน" in overdue
    assert "ปีงบประมาณ 2568" in overdue  # the old step says which year it belongs to
    assert "ประกาศผล" in text_of(section(body, "group-in_progress"))
    assert "เผยแพร่คู่มือ" in text_of(section(body, "group-not_started"))
    assert "เสนอคู่มือ" in text_of(section(body, "group-done"))
    assert "งานปีก่อนที่เสร็จแล้ว" not in body  # finished work of earlier years is not
    assert "ตรวจทานข้อมูล" not in body  # กองคลัง's step only
    assert 'id="group-due_soon"' not in body


def test_my_work_shows_days_left_and_percent(agency, client, sign_in):
    sign_in(agency.finance_head)
    body = text_of(client.get("/my-work").get_data(as_text=True))
    assert "ตรวจทานข้อมูล" in body and "เหลืออีก 5 วัน" in body
    assert "40%" in body


def test_my_work_without_a_division_explains_why_it_is_empty(agency, client, sign_in, make_user):
    sign_in(make_user(agency.org, Role.STAFF))
    body = client.get("/my-work").get_data(as_text=True)
    assert "ยังไม่ได้สังกัดส่วนราชการ" in body


def test_dashboard_figures(agency, client, sign_in):
    sign_in(agency.executive)
    body = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'id="overdue-count">\s*2\s*<', body)  # of fiscal year 2569
    assert re.search(r'id="due-soon-count">\s*1\s*<', body)
    assert re.search(r'id="done-count">\s*1\s*<', body)
    overdue = text_of(section(body, "overdue-heading"))
    assert overdue.index("ยกร่างคู่มือ") < overdue.index("รวบรวมข้อมูล")
    assert "หัวหน้าสำนักปลัด" not in overdue  # last update is a date, not a name
    divisions = text_of(body[body.index('id="division-table"'):])
    assert re.search(r"สำนักปลัด\s+5\s+1\s+2", divisions)
    assert re.search(r"กองคลัง\s+2\s+0\s+1", divisions)
    indicators = body[body.index('id="indicator-table"'):]
    assert re.search(r'table-danger">\s*<th[^>]*>9\.', indicators)  # 80.50 < 85: a priority
    assert "80.50" in indicators


def test_every_figure_links_to_the_list_behind_it(agency, client, sign_in):
    sign_in(agency.executive)
    body = client.get("/dashboard").get_data(as_text=True)
    link = re.search(r'href="([^"]+)"[^>]*>\s*<div class="card-body">\s*<div class="figure-number text-danger" id="overdue-count"', body)
    assert link, "the overdue figure is a link"
    listing = client.get(unescape(link.group(1))).get_data(as_text=True)
    assert "2 ขั้นตอน" in listing
    assert "ยกร่างคู่มือ" in listing and "รวบรวมข้อมูล" in listing and "ตรวจทานข้อมูล" not in listing
    for link in re.findall(r'href="(/(?:steps|measures)\?[^"]*)"', body):
        assert client.get(unescape(link)).status_code == 200, link


def test_step_list_filters_by_division_and_group(agency, client, sign_in):
    sign_in(agency.executive)
    body = client.get(f"/steps?year=2569&division={agency.finance.id}&group=overdue").get_data(as_text=True)
    assert "รวบรวมข้อมูล" in body and "ยกร่างคู่มือ" not in body
    assert "1 ขั้นตอน" in body


def test_measure_list_filters_by_state(agency, client, sign_in):
    sign_in(agency.executive)
    body = client.get("/measures?year=2569&state=overdue").get_data(as_text=True)
    assert "จัดทำคู่มือการปฏิบัติงาน" in body and "เผยแพร่ข้อมูลสาธารณะ" in body
    assert "2 มาตรการ" in body
    assert "มาตรการปีก่อน" in client.get("/measures?year=2568").get_data(as_text=True)


def test_division_filter_on_the_dashboard(agency, client, sign_in):
    sign_in(agency.executive)
    body = client.get(f"/dashboard?division={agency.finance.id}").get_data(as_text=True)
    assert re.search(r'id="overdue-count">\s*1\s*<', body)
    assert "ยกร่างคู่มือ" not in body


def test_charts_carry_their_numbers_in_data_attributes(agency, client, sign_in):
    sign_in(agency.executive)
    body = client.get("/dashboard").get_data(as_text=True)
    charts = [json.loads(unescape(raw)) for raw in re.findall(r"data-chart='([^']+)'", body)]
    assert len(charts) == 2  # two assessments recorded: the trend appears
    indicators, trend = charts
    assert indicators["datasets"][1]["data"][8] == 80.5
    assert indicators["links"][0].startswith("/steps?")
    assert trend["labels"] == ["2567", "2568"]
    assert trend["datasets"][0]["data"] == [84.1, 90.0]
    assert "chart.umd.min.js" in body and 'id="trend-table"' in body


def test_one_assessment_gives_a_table_but_no_trend_chart(client, sign_in, make_org, make_user, make_assessment, fixed_today):
    org = make_org()
    make_assessment(org, 2568)
    sign_in(make_user(org, Role.EXECUTIVE))
    body = client.get("/dashboard").get_data(as_text=True)
    assert body.count("data-chart=") == 1
    assert 'id="trend-table"' in body


def test_an_empty_organization_gets_friendly_pages(client, sign_in, make_org, make_user, fixed_today):
    org = make_org()
    sign_in(make_user(org, Role.ADMIN))
    for path in ("/", "/dashboard", "/my-work", "/measures", "/steps", "/steps?year=abc&division=x&group=nope"):
        assert client.get(path).status_code == 200, path
