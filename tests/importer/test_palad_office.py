"""The palad's office keeps its name as written (`สำนักปลัดเทศบาล`), and is matched to the
organization's `สำนักปลัด` in either direction, the preview saying so."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.html_forms import form_fields
from tests.importer.test_views import PREVIEW, token_of, upload
from tracker.extensions import db
from tracker.importer import match_divisions, parse_text, split_divisions
from tracker.importer.divisions import other_forms
from tracker.ita import INDICATOR_NAMES
from tracker.models import Division, Step

pytestmark = pytest.mark.usefixtures("imports_dir")

MUNICIPALITY = "เทศบาลตำบลโพนทอง"
SAO = "องค์การบริหารส่วนตำบลเมืองเพีย"


@pytest.mark.parametrize(("written", "read"), [
    ("สำนักปลัดเทศบาล", ["สำนักปลัดเทศบาล"]),
    ("สำนักปลัดองค์การบริหารส่วนตำบล", ["สำนักปลัดองค์การบริหารส่วนตำบล"]),
    ("สำนักปลัดองค์การบริหารส่วนจังหวัด", ["สำนักปลัดองค์การบริหารส่วนจังหวัด"]),
    ("สำนักปลัดเทศบาล/กองคลัง", ["สำนักปลัดเทศบาล", "กองคลัง"]),
    ("สำนักปลัดเทศบาล และ กองคลัง", ["สำนักปลัดเทศบาล", "กองคลัง"]),
    # The organization's name as a separate designation is not part of the division's.
    ("สำนักปลัด อบต.เมืองเพีย", ["สำนักปลัด"]),
    ("สำนักปลัดอบต.เมืองเพีย", ["สำนักปลัด"]),
    ("กองคลัง เทศบาลตำบลโพนทอง", ["กองคลัง"]),
    ("สำนักปลัดเทศบาล เทศบาลตำบลโพนทอง", ["สำนักปลัดเทศบาล"]),
    ("สำนักปลัด องค์การบริหารส่วนตำบลเมืองเพีย", ["สำนักปลัด"]),
    ("สำนักปลัด อบต. เมืองเพีย และ กองคลัง อบต.เมืองเพีย", ["สำนักปลัด", "กองคลัง"]),
    ("กองคลัง\nเทศบาลตำบลโพนทอง", ["กองคลัง"]),
])
def test_names_are_kept_as_written_and_designations_cut(written, read):
    assert split_divisions(written) == read


def test_short_and_long_forms_of_the_palads_office():
    assert other_forms("สำนักปลัดเทศบาล") == ["สำนักปลัด"]
    assert other_forms("สำนักปลัด องค์การบริหารส่วนตำบล") == ["สำนักปลัด"]
    assert "สำนักปลัดเทศบาล" in other_forms("สำนักปลัด")
    assert other_forms("กองคลังเทศบาล") == [] and other_forms("กองคลัง") == []


class _Division:
    def __init__(self, id, name, short_name=None):
        self.id, self.name, self.short_name = id, name, short_name


@pytest.mark.parametrize(("existing", "read"), [
    ("สำนักปลัด", "สำนักปลัดเทศบาล"),  # the longer written form to the short one
    ("สำนักปลัดเทศบาล", "สำนักปลัด"),  # and the reverse
    ("สำนักปลัด", "สำนักปลัดองค์การบริหารส่วนตำบล"),
    ("สำนักปลัดองค์การบริหารส่วนตำบล", "สำนักปลัด"),
])
def test_matching_takes_the_other_form(existing, read):
    match = match_divisions([read], [_Division(1, existing), _Division(2, "กองคลัง")])
    assert match.division_ids == [1] and match.new_names == []
    assert match.other_forms == {read: [1]}


def test_the_name_as_written_wins_over_another_form():
    match = match_divisions(["สำนักปลัดเทศบาล"], [_Division(1, "สำนักปลัด"), _Division(2, "สำนักปลัดเทศบาล")])
    assert match.division_ids == [2] and match.other_forms == {}


def test_the_seed_reads_as_before(seed_text):
    result = parse_text(seed_text)
    palad, audit, finance = "สำนักปลัด", "หน่วยงานตรวจสอบภายใน", "กองคลัง"
    assert result.division_names == [palad, finance, audit]
    assert [m.divisions for m in result.measures] == [
        [palad], [finance], [palad], [palad], [palad, audit], [palad], [palad], [palad], [palad, finance],
        [palad, audit],
    ]


@pytest.mark.parametrize(("organization", "existing", "written"), [
    (MUNICIPALITY, "สำนักปลัด", "สำนักปลัดเทศบาล"),
    (MUNICIPALITY, "สำนักปลัดเทศบาล", "สำนักปลัด เทศบาลตำบลโพนทอง"),
    (SAO, "สำนักปลัด", "สำนักปลัดองค์การบริหารส่วนตำบล"),
    (SAO, "สำนักปลัดองค์การบริหารส่วนตำบล", "สำนักปลัด อบต.เมืองเพีย"),
])
def test_the_preview_matches_the_other_form_and_says_so(
    client, make_importing_org, sign_in, make_report, make_measure_row, organization, existing, written
):
    target = make_importing_org(divisions=((existing, None), ("กองคลัง", "กค.")), name=organization)
    sign_in(target.admin)
    rows = [make_measure_row(n, divisions=f"{written}/กองคลัง") for n in INDICATOR_NAMES]
    token = token_of(upload(client, make_report(organization=organization, measure_rows=rows).encode()))
    html = client.get(f"/import/{token}").get_data(as_text=True)
    office = target.divisions[existing]
    fields = form_fields(html, PREVIEW)
    assert fields["division_0"] == str(office.id)
    assert f"ส่วนราชการ “{existing}” ของหน่วยงาน" in html  # the preview says which division it took
    assert "สร้างส่วนราชการใหม่" not in html
    done = client.post(f"/import/{token}", data={**fields, "confirm": "y"})
    assert done.status_code == 302
    assert sorted(db.session.scalars(sa.select(Division.name))) == sorted([existing, "กองคลัง"])
    step = db.session.scalars(sa.select(Step)).first()
    assert {d.name for d in step.divisions} == {existing, "กองคลัง"}


def test_a_dry_run_says_which_division_another_form_is_taken_as(app, ctx, make_importing_org):
    from tests.importer.conftest import SEED

    target = make_importing_org(divisions=(("สำนักปลัดองค์การบริหารส่วนตำบล", None), ("กองคลัง", "กค.")))
    outcome = app.test_cli_runner().invoke(args=["ita", "import", str(SEED), "--org", target.org.slug, "--dry-run"])
    assert outcome.exit_code == 0, outcome.output
    assert "'สำนักปลัด' is taken as the division 'สำนักปลัดองค์การบริหารส่วนตำบล'" in outcome.output
    assert "new divisions: หน่วยงานตรวจสอบภายใน" in outcome.output
