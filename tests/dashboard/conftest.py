"""An organization with work at every stage, for the My work and dashboard pages."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tracker.models import Division, Measure, Organization, Role, User
from tests.helpers import TODAY


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


@dataclass
class Agency:
    org: Organization
    palad: Division
    finance: Division
    head: User
    finance_head: User
    executive: User
    admin: User
    m1: Measure
    m9: Measure
    old: Measure


@pytest.fixture
def agency(make_org, make_division, make_user, make_measure, make_assessment, make_progress, fixed_today) -> Agency:
    org = make_org()
    palad, finance = make_division(org, "สำนักปลัด"), make_division(org, "กองคลัง")
    assessment = make_assessment(org, 2568, scores={n: 90.0 for n in range(1, 11)} | {9: 80.5})
    make_assessment(org, 2567, overall_score=84.1, iit_score=88, eit1_score=80, eit2_score=81, oit_score=83)
    m1 = make_measure(org, indicator=1, assessment=assessment, title="จัดทำคู่มือการปฏิบัติงาน", steps=[
        {"text": "ยกร่างคู่มือ (เกิน 20 วัน)", "due": day(-20), "divisions": [palad]},
        {"text": "เสนอคู่มือ (เสร็จแล้ว)", "due": day(-40), "divisions": [palad], "status": "done"},
        {"text": "เผยแพร่คู่มือ (อีก 100 วัน)", "due": day(100), "divisions": [palad]},
    ])
    m9 = make_measure(org, indicator=9, assessment=assessment, title="เผยแพร่ข้อมูลสาธารณะ", steps=[
        {"text": "รวบรวมข้อมูล (เกิน 3 วัน)", "due": day(-3), "divisions": [palad, finance],
         "status": "in_progress", "percent": 40},
        {"text": "ตรวจทานข้อมูล (อีก 5 วัน)", "due": day(5), "divisions": [finance]},
        {"text": "ประกาศผล (อีก 60 วัน, กำลังทำ)", "due": day(60), "divisions": [palad],
         "status": "in_progress", "percent": 20},
    ])
    old = make_measure(org, indicator=2, fiscal_year=2568, start=date(2024, 10, 1), end=date(2025, 9, 30),
                       title="มาตรการปีก่อน", steps=[
                           {"text": "งานค้างจากปีก่อน", "due": date(2025, 9, 30), "divisions": [palad]},
                           {"text": "งานปีก่อนที่เสร็จแล้ว", "due": date(2025, 9, 1), "divisions": [palad], "status": "done"},
                       ])
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad], display_name="หัวหน้าสำนักปลัด")
    make_progress(m9.steps[0], head, 40, "in_progress", note="รวบรวมได้ครึ่งหนึ่ง")
    return Agency(org=org, palad=palad, finance=finance, head=head,
                  finance_head=make_user(org, Role.DIVISION_HEAD, head_of=[finance]),
                  executive=make_user(org, Role.EXECUTIVE), admin=make_user(org, Role.ADMIN),
                  m1=m1, m9=m9, old=old)
