"""Fixtures for progress and evidence tests: a small organization at work, and its files on disk."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from tracker.measures.evidence import evidence_directory
from tracker.models import Division, Measure, Organization, Role, Step, User
from tests.helpers import TODAY


@dataclass
class Office:
    """An organization with two divisions, one person per role and a measure of three steps."""

    org: Organization
    palad: Division
    finance: Division
    admin: User
    executive: User
    head: User  # head of สำนักปลัด
    staff: User  # staff of สำนักปลัด
    finance_head: User
    measure: Measure

    @property
    def late_step(self) -> Step:  # overdue, สำนักปลัด
        return self.measure.steps[0]

    @property
    def shared_step(self) -> Step:  # สำนักปลัด and กองคลัง
        return self.measure.steps[1]

    @property
    def finance_step(self) -> Step:  # กองคลัง only
        return self.measure.steps[2]


@pytest.fixture
def office(make_org, make_division, make_user, make_measure) -> Office:
    org = make_org()
    palad, finance = make_division(org, "สำนักปลัด", "สป."), make_division(org, "กองคลัง", "กค.")
    measure = make_measure(org, indicator=9, title="เผยแพร่แผนการดำเนินงาน", steps=[
        {"text": "จัดทำแผนการดำเนินงาน", "due": TODAY - timedelta(days=10), "divisions": [palad]},
        {"text": "เผยแพร่แผนทางเว็บไซต์", "due": TODAY + timedelta(days=7), "divisions": [palad, finance]},
        {"text": "รายงานผลการใช้จ่าย", "due": TODAY + timedelta(days=60), "divisions": [finance]},
    ])
    return Office(
        org=org,
        palad=palad,
        finance=finance,
        admin=make_user(org, Role.ADMIN),
        executive=make_user(org, Role.EXECUTIVE),
        head=make_user(org, Role.DIVISION_HEAD, head_of=[palad]),
        staff=make_user(org, Role.STAFF, divisions=[palad]),
        finance_head=make_user(org, Role.DIVISION_HEAD, head_of=[finance]),
        measure=measure,
    )


@pytest.fixture
def evidence_files(app):
    """A callable listing the stored evidence files; empties the folder afterwards."""
    directory = evidence_directory(app.instance_path)

    def listing() -> list[Path]:
        return sorted(directory.iterdir()) if directory.exists() else []

    yield listing
    shutil.rmtree(directory, ignore_errors=True)
