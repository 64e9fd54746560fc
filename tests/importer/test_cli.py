"""`flask ita import`: JSON on standard output, exit statuses, dry runs, saving in one transaction."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.importer.conftest import SEED
from tests.importer.test_seed import SEED_SCORES
from tracker.extensions import db
from tracker.ita import INDICATOR_NAMES
from tracker.models import Assessment, AuditEvent, Division, Measure, Step
from tests.helpers import count


def run(app, *args):
    return app.test_cli_runner().invoke(args=["ita", "import", *map(str, args)])


def nothing_saved() -> bool:
    return (count(Assessment), count(Measure), count(Step), count(AuditEvent)) == (0, 0, 0, 0)


def test_json_of_the_seed_has_the_issues_shape_and_values(app, ctx):
    outcome = run(app, SEED, "--dry-run", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    data = json.loads(outcome.stdout)  # nothing but JSON on standard output
    assert list(data) == [
        "organization", "fiscal_year", "overall_score", "level", "tools",
        "indicators", "measures", "warnings", "errors",
    ]
    assert data["organization"] == "องค์การบริหารส่วนตำบลเมืองเพีย"
    assert (data["fiscal_year"], data["overall_score"], data["level"]) == (2568, 93.88, "ผ่านดี")
    assert data["tools"] == {"IIT": 97.41, "EIT1": 99.82, "EIT2": 97.88, "OIT": 87.5}
    assert [i["number"] for i in data["indicators"]] == list(range(1, 11))
    assert [i["score"] for i in data["indicators"]] == SEED_SCORES
    assert [i["tool"] for i in data["indicators"]] == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    assert all(i["analysis"] for i in data["indicators"])
    assert len(data["measures"]) == 10
    assert sum(len(m["steps"]) for m in data["measures"]) == 22
    assert {(m["start"], m["end"]) for m in data["measures"]} == {("2025-10-01", "2026-09-30")}
    assert data["measures"][2]["steps"][2]["text"].endswith("แผ่นพับประชาสัมพันธ์ของหน่วยงาน")
    assert data["measures"][2]["steps"][2] | {"text": ""} == {"number": 3, "text": "", "due": "2026-09-30"}
    assert data["measures"][8]["divisions"] == ["สำนักปลัด", "กองคลัง"]
    assert data["measures"][4]["divisions"] == data["measures"][9]["divisions"] == [
        "สำนักปลัด", "หน่วยงานตรวจสอบภายใน",
    ]
    (warning,) = data["warnings"]
    assert "เมืองเพ็ญ" in warning and data["errors"] == []
    # Warnings also go to standard error, in plain text.
    assert "Warning: line 18: The organization is also written" in outcome.stderr
    assert nothing_saved()


def test_a_dry_run_without_json_describes_the_report_and_saves_nothing(app, ctx):
    outcome = run(app, SEED, "--dry-run")
    assert outcome.exit_code == 0
    assert "overall 93.88 (ผ่านดี)" in outcome.stdout
    assert "Measures: 10 with 22 steps, running in fiscal year 2569" in outcome.stdout
    assert nothing_saved()


def test_a_dry_run_into_an_organization_says_what_saving_would_do(app, ctx, make_importing_org):
    target = make_importing_org(divisions=(("สำนักปลัด", "สป."),))
    outcome = run(app, SEED, "--org", target.org.slug, "--dry-run")
    assert outcome.exit_code == 0, outcome.stderr
    assert "new divisions: กองคลัง, หน่วยงานตรวจสอบภายใน" in outcome.stdout
    assert count(Division) == 1 and count(Measure) == 0


def test_saving_creates_exactly_what_it_prints(app, ctx, make_importing_org):
    target = make_importing_org(divisions=(("สำนักปลัด", "สป."), ("กองคลัง", "กค.")))
    outcome = run(app, SEED, "--org", target.org.name)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.strip() == (
        f"Imported into {target.org.name}: assessment of fiscal year 2568 (created), "
        "10 measures, 22 steps; new divisions: หน่วยงานตรวจสอบภายใน"
    )
    assert (count(Assessment), count(Measure), count(Step)) == (1, 10, 22)
    assert sorted(db.session.scalars(sa.select(Division.name))) == sorted(
        ["สำนักปลัด", "กองคลัง", "หน่วยงานตรวจสอบภายใน"]
    )
    assert db.session.scalars(sa.select(Assessment)).one().source_name == SEED.name
    # Command-line changes have no actor in the audit trail.
    assert set(db.session.scalars(sa.select(AuditEvent.actor_id))) == {None}


def test_saving_with_json_keeps_standard_output_for_the_json(app, ctx, make_importing_org):
    target = make_importing_org()
    outcome = run(app, SEED, "--org", str(target.org.id), "--json")
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["fiscal_year"] == 2568
    assert "Imported into" in outcome.stderr
    assert count(Measure) == 10 and count(Division) == 4


@pytest.mark.parametrize(
    "args",
    [
        ("missing-report.txt", "--dry-run"),  # no such file
        (SEED,),  # saving needs --org
        (SEED, "--org", "no-such-org"),
        (SEED, "--dry-run", "--no-such-option"),
    ],
)
def test_usage_errors_exit_with_2(app, ctx, args):
    outcome = run(app, *args)
    assert outcome.exit_code == 2, outcome.output
    assert nothing_saved()


def test_org_is_required_to_save_and_says_how_to_only_read(app, ctx):
    outcome = run(app, SEED)
    assert "--org is required to save the report; add --dry-run" in outcome.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF file"),
        ("# บันทึกข้อความ\n\nเรื่อง ขออนุมัติจัดซื้อวัสดุ\n".encode(), "does not look like an ITA report"),
    ],
)
def test_a_file_that_is_not_a_report_exits_with_1_and_says_why(app, ctx, make_importing_org, tmp_path,
                                                                content, reason):
    target = make_importing_org()
    path = tmp_path / "report.txt"
    path.write_bytes(content)
    outcome = run(app, path, "--org", target.org.slug)
    assert outcome.exit_code == 1
    assert reason in outcome.stderr and outcome.stdout == ""
    assert nothing_saved()


def test_json_of_a_bad_file_is_still_json_with_its_errors(app, ctx, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 ...")
    outcome = run(app, path, "--dry-run", "--json")
    assert outcome.exit_code == 1
    assert json.loads(outcome.stdout)["errors"] == [
        "scan.pdf: The file is a PDF file; upload the report as a Word document (.docx) or as text."
    ]


def test_the_size_limit_applies_before_reading(app, ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024 * 1024)
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    outcome = run(app, path, "--dry-run")
    assert outcome.exit_code == 1
    assert "big.txt: The file is 2.0 MB; the limit is 1.0 MB." in outcome.stderr


def test_importing_the_same_year_again_needs_replace(app, ctx, make_importing_org, make_progress):
    target = make_importing_org()
    assert run(app, SEED, "--org", target.org.slug).exit_code == 0
    events = count(AuditEvent)
    again = run(app, SEED, "--org", target.org.slug)
    assert again.exit_code == 1
    assert "add --replace" in again.stderr
    assert (count(Measure), count(Step), count(AuditEvent)) == (10, 22, events)

    step = db.session.scalars(sa.select(Step).order_by(Step.id)).first()
    make_progress(step, target.admin, 50)
    replaced = run(app, SEED, "--org", target.org.slug, "--replace")
    assert replaced.exit_code == 0, replaced.stderr
    assert "(updated), 10 measures (0 new, 10 kept, 0 deleted), 22 steps (0 new, 22 kept, 0 deleted)" in replaced.stdout
    assert db.session.get(Step, step.id).percent == 50


def test_replacing_does_not_delete_reported_steps_without_the_flag(app, ctx, make_importing_org,
                                                                   make_report, make_measure_row,
                                                                   make_progress, tmp_path):
    target = make_importing_org()
    first = tmp_path / "first.txt"
    first.write_text(make_report(), encoding="utf-8")
    assert run(app, first, "--org", target.org.slug).exit_code == 0
    step = db.session.scalars(sa.select(Step).where(Step.text == "รายงานผล").order_by(Step.id)).first()
    make_progress(step, target.admin, 20)

    rows = [make_measure_row(n, steps="1. จัดทำแผน" if n == 1 else "1. จัดทำแผน 2. รายงานผล")
            for n in INDICATOR_NAMES]
    second = tmp_path / "second.txt"
    second.write_text(make_report(measure_rows=rows), encoding="utf-8")
    refused = run(app, second, "--org", target.org.slug, "--replace")
    assert refused.exit_code == 1
    assert "indicator 1 step 2: รายงานผล" in refused.stderr and "--delete-reported-steps" in refused.stderr
    assert db.session.get(Step, step.id) is not None

    done = run(app, second, "--org", target.org.slug, "--replace", "--delete-reported-steps")
    assert done.exit_code == 0, done.stderr
    assert db.session.get(Step, step.id) is None
    assert count(Step) == 19
