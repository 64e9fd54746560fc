"""The document the product writes is read back by its own importer into the same report."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REPORTS = {
    "muangphia": ("ita_report_muangphia_2568.txt", "องค์การบริหารส่วนตำบลเมืองเพีย", 2568),
    "phonthong": ("ita_report_phonthong_2567.txt", "เทศบาลตำบลโพนทอง", 2567),
}
COMPARED = ("organization", "fiscal_year", "overall_score", "level", "tools", "indicators", "measures")


def read_json(runner, path: Path) -> dict:
    result = runner.invoke(args=["ita", "import", str(path), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def what_matters(report: dict) -> dict:
    """Everything a report says, without where in the file it was read."""
    kept = {key: report[key] for key in COMPARED}
    kept["indicators"] = [{k: v for k, v in i.items() if k != "source"} for i in kept["indicators"]]
    kept["measures"] = [{k: v for k, v in m.items() if k != "source"} for m in kept["measures"]]
    return kept


@pytest.fixture
def imported(app, make_org, tmp_path):
    """`imported(key)`: the organization of a fixture report with that report imported; returns (org, original JSON)."""
    runner = app.test_cli_runner()

    def make(key: str):
        filename, name, _year = REPORTS[key]
        org = make_org(name=name, slug=key)
        from tracker.extensions import db

        db.session.commit()
        result = runner.invoke(args=["ita", "import", str(FIXTURES / filename), "--org", key])
        assert result.exit_code == 0, result.output
        return org, read_json(runner, FIXTURES / filename)

    return make


@pytest.mark.parametrize("key", sorted(REPORTS))
@pytest.mark.parametrize("output_format", ["docx", "txt"])
def test_draft_reads_back_as_the_report_it_came_from(app, imported, tmp_path, key, output_format):
    org, original = imported(key)
    runner = app.test_cli_runner()
    written = tmp_path / f"draft.{output_format}"

    result = runner.invoke(args=["ita", "draft", "--org", key, "--assessment-year", str(REPORTS[key][2]),
                                 "--format", output_format, "-o", str(written)])

    assert result.exit_code == 0, result.output
    again = read_json(runner, written)
    assert what_matters(again) == what_matters(original)
    assert len(original["measures"]) == 10 and original["indicators"][0]["analysis"]


def test_thai_digits_read_back_the_same(app, imported, tmp_path):
    org, original = imported("phonthong")
    runner = app.test_cli_runner()
    written = tmp_path / "draft.docx"
    result = runner.invoke(args=["ita", "draft", "--org", "phonthong", "--assessment-year", "2567",
                                 "--thai-digits", "-o", str(written)])
    assert result.exit_code == 0, result.output
    assert what_matters(read_json(runner, written)) == what_matters(original)


def test_draft_exit_codes(app, imported, tmp_path):
    imported("muangphia")
    runner = app.test_cli_runner()
    out = tmp_path / "x.docx"

    no_assessment = runner.invoke(args=["ita", "draft", "--org", "muangphia", "--assessment-year", "2560", "-o", str(out)])
    unknown_org = runner.invoke(args=["ita", "draft", "--org", "nowhere", "--assessment-year", "2568", "-o", str(out)])
    no_output = runner.invoke(args=["ita", "draft", "--org", "muangphia", "--assessment-year", "2568"])
    bad_format = runner.invoke(args=["ita", "draft", "--org", "muangphia", "--assessment-year", "2568",
                                     "--format", "odt", "-o", str(out)])

    assert no_assessment.exit_code == 1 and "2560" in no_assessment.output
    assert unknown_org.exit_code == 2
    assert no_output.exit_code == 2 and bad_format.exit_code == 2
    assert not out.exists()
