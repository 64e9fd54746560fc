"""An office with an executive, two divisions with a head and a member each, and a measure with two steps."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import shutil

import pytest

from tracker.auth.models import Role
from tracker.measures.evidence import evidence_directory


@dataclass
class Office:
    org: object
    finance: object
    works: object
    executive: object
    admin: object
    finance_head: object
    finance_member: object
    works_head: object
    measure: object
    finance_step: object
    works_step: object


NOON = datetime(2026, 3, 16, 5, 0, tzinfo=timezone.utc)


@pytest.fixture
def office(app, make_org, make_division, make_user, make_measure) -> Office:
    """The office; files stored during the test are removed afterwards (other tests
    check that a refused upload leaves the folder empty)."""
    yield _office(make_org, make_division, make_user, make_measure)
    shutil.rmtree(evidence_directory(app.instance_path), ignore_errors=True)


def _office(make_org, make_division, make_user, make_measure) -> Office:
    org = make_org("องค์การบริหารส่วนตำบลทดสอบ")
    finance = make_division(org, "กองคลัง")
    works = make_division(org, "กองช่าง")
    measure = make_measure(org, title="มาตรการเปิดเผยข้อมูลการจัดซื้อจัดจ้าง", steps=[
        {"text": "ประชาสัมพันธ์ช่องทางการร้องเรียน", "divisions": [finance]},
        {"text": "ตรวจสอบงานก่อสร้าง", "divisions": [works]},
    ])
    return Office(
        org=org, finance=finance, works=works,
        executive=make_user(org, Role.EXECUTIVE, display_name="ปลัด", email="exec@example.org"),
        admin=make_user(org, Role.ADMIN, email="admin@example.org"),
        finance_head=make_user(org, Role.DIVISION_HEAD, head_of=[finance], display_name="ผอ.กองคลัง",
                               email="finance.head@example.org"),
        finance_member=make_user(org, Role.STAFF, divisions=[finance], email="finance.staff@example.org"),
        works_head=make_user(org, Role.DIVISION_HEAD, head_of=[works], email="works.head@example.org"),
        measure=measure, finance_step=measure.steps[0], works_step=measure.steps[1],
    )
