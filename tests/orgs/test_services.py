"""Organizations and divisions: creating and finding them, the order and archive of divisions, the commands."""
from __future__ import annotations

import pytest

from tests.helpers import actions, count
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import Division, Organization, Role, StepStatus
from tracker.orgs.services import (
    create_division,
    create_organization,
    divisions_in_use,
    find_division,
    find_organization,
    require_organization,
    set_division_active,
)


def test_an_organization_is_found_by_slug_name_or_id(ctx):
    org = create_organization("องค์การบริหารส่วนตำบลเมืองเพีย", slug="muangphia")
    db.session.commit()
    assert find_organization("MuangPhia") == org
    assert find_organization("องค์การบริหารส่วนตำบล  เมืองเพีย") is None  # spaces squashed, not ignored
    assert find_organization("องค์การบริหารส่วนตำบล เมืองเพีย".replace(" ", "")) == org
    assert find_organization(str(org.id)) == org
    assert find_organization("nowhere") is None
    with pytest.raises(ValidationFailed, match="nowhere"):
        require_organization("nowhere")
    assert actions() == ["organization.create"]


@pytest.mark.parametrize("fields, field", [
    (dict(name="  "), "name"),
    (dict(name="อบต. ทดสอบ", slug="Not A Slug!"), "slug"),
])
def test_an_organization_needs_a_name_and_a_web_name_that_works(ctx, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        create_organization(**fields)
    assert refused.value.field == field
    assert count(Organization) == 0


def test_names_and_web_names_are_unique(ctx):
    create_organization("อบต. ทดสอบ", slug="test")
    with pytest.raises(ValidationFailed) as same_name:
        create_organization("อบต.  ทดสอบ", slug="other")
    with pytest.raises(ValidationFailed) as same_slug:
        create_organization("อบต. อื่น", slug="test")
    assert (same_name.value.field, same_slug.value.field) == ("name", "slug")


def test_divisions_keep_their_order_and_are_found_without_spaces_or_dots(make_org):
    org = make_org()
    finance = create_division(org, "กองคลัง", short_name="กค.")
    palad = create_division(org, "สำนักปลัด")
    db.session.commit()
    assert [d.name for d in divisions_in_use(org.id)] == ["กองคลัง", "สำนักปลัด"]
    assert find_division(org.id, "กอง คลัง") == finance
    assert find_division(org.id, "กค") == finance
    assert find_division(org.id, "") is None
    with pytest.raises(ValidationFailed):
        create_division(org, "สำนัก ปลัด")  # the same name, written with a space
    assert palad.position > finance.position


def test_a_division_with_open_steps_cannot_be_archived(make_org, make_user, make_measure):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    division = create_division(org, "กองช่าง")
    db.session.commit()
    measure = make_measure(org, steps=[{"text": "ซ่อมถนน", "divisions": [division]}])
    with pytest.raises(ValidationFailed):
        set_division_active(admin, division, False)
    measure.steps[0].status, measure.steps[0].percent = StepStatus.DONE, 100
    db.session.commit()
    assert set_division_active(admin, division, False) is True
    db.session.commit()
    assert divisions_in_use(org.id) == [] and divisions_in_use(org.id, keep=[division.id]) == [division]


def test_the_commands_create_and_list_organizations_and_divisions(app, ctx):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["orgs", "create", "อบต. บ้านใหม่", "--slug", "banmai"])
    assert made.exit_code == 0, made.output
    added = runner.invoke(args=["divisions", "create", "--org", "banmai", "--name", "กองคลัง", "--short", "กค."])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(args=["divisions", "list", "--org", "banmai"])
    assert "กองคลัง" in listed.output
    refused = runner.invoke(args=["divisions", "create", "--org", "nowhere", "--name", "กองคลัง"])
    assert refused.exit_code == 1 and "nowhere" in refused.output
    assert count(Division) == 1
