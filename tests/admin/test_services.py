"""Managing users and divisions: admins only, audited, no admin locks themselves out, no change is overwritten."""
import pytest

from tracker.auth import services as users
from tracker.auth.services import authenticate, generate_password, user_edit_values
from tracker.concurrency import EditConflict, edit_token
from tracker.errors import NotFound, PermissionDenied, ValidationFailed
from tracker.extensions import db
from tracker.models import Role
from tracker.orgs import services as divisions

from tests.conftest import TEST_PASSWORD
from tests.helpers import actions


@pytest.fixture
def org_admin(make_org, make_division, make_user):
    org = make_org()
    palad, finance = make_division(org, "สำนักปลัด", "สป."), make_division(org, "กองคลัง", "กค.")
    return org, make_user(org, Role.ADMIN), palad, finance


def test_generated_passwords_are_long_and_different():
    first, second = generate_password(), generate_password()
    assert first != second and len(first) >= 14
    assert not set(first) & set("0O1lI")


def test_admin_creates_and_edits_a_user(org_admin):
    org, admin, palad, finance = org_admin
    user = users.create_user(org, email="Head@Example.org", display_name="หัวหน้า", role="staff",
                             password="a-long-password", divisions=[palad], actor=admin)
    changes = users.update_user(admin, user, display_name="ผู้อำนวยการกองคลัง", email="head@example.org",
                                role="division_head", division_ids=[finance.id], head_ids=[str(finance.id)],
                                base_token=None)
    db.session.commit()
    assert set(changes) == {"display_name", "role", "divisions", "heads"}
    assert [(m.division_id, m.is_head) for m in user.memberships] == [(finance.id, True)]
    assert actions() == ["user.create", "user.update"]


def test_only_admins_manage_users(org_admin, make_user):
    org, admin, palad, _ = org_admin
    executive = make_user(org, Role.EXECUTIVE)
    with pytest.raises(PermissionDenied):
        users.create_user(org, email="x@example.org", display_name="x", role="staff", password="a-long-password",
                          actor=executive)
    with pytest.raises(PermissionDenied):
        users.set_user_active(executive, admin, False, base_token=None)
    with pytest.raises(PermissionDenied):
        divisions.create_division(org, "กองใหม่", actor=executive)


def test_admins_cannot_reach_other_organizations(org_admin, make_org, make_user):
    _, admin, _, _ = org_admin
    stranger = make_user(make_org())
    with pytest.raises(NotFound):
        users.set_user_active(admin, stranger, False, base_token=None)


def test_no_self_lockout(org_admin):
    _, admin, _, _ = org_admin
    with pytest.raises(ValidationFailed) as caught:
        users.set_user_active(admin, admin, False, base_token=None)
    assert caught.value.field == "active"
    with pytest.raises(ValidationFailed) as caught:
        users.update_user(admin, admin, display_name=admin.display_name, email=admin.email, role="executive",
                          base_token=None)
    assert caught.value.field == "role"
    db.session.rollback()
    assert admin.active and admin.role == Role.ADMIN
    assert actions() == []


def test_deactivation_signs_out_and_blocks_sign_in(org_admin, make_user):
    org, admin, _, _ = org_admin
    user = make_user(org)
    token = user.session_token
    assert users.set_user_active(admin, user, False, base_token=None)
    db.session.commit()
    assert user.session_token != token
    assert authenticate(user.email, TEST_PASSWORD) is None
    assert users.set_user_active(admin, user, False, base_token=None) is False  # nothing to do
    assert users.set_user_active(admin, user, True, base_token=None)
    db.session.commit()
    assert authenticate(user.email, TEST_PASSWORD) is not None
    assert actions() == ["user.deactivate", "user.activate"]


def test_admin_sets_a_password(org_admin, make_user):
    org, admin, _, _ = org_admin
    user = make_user(org)
    users.set_password_for(admin, user, "new-password-123")
    db.session.commit()
    assert user.check_password("new-password-123")
    with pytest.raises(ValidationFailed):
        users.set_password_for(admin, user, "short")


def test_archived_divisions_cannot_be_newly_joined(org_admin, make_user):
    org, admin, palad, finance = org_admin
    user = make_user(org, divisions=[palad])
    palad.active = False
    db.session.commit()
    # Staying in an archived division is fine; joining one is not.
    users.update_user(admin, user, display_name=user.display_name, email=user.email, role="staff",
                      division_ids=[palad.id], base_token=None)
    other = make_user(org)
    with pytest.raises(ValidationFailed) as caught:
        users.update_user(admin, other, display_name=other.display_name, email=other.email, role="staff",
                          division_ids=[palad.id], base_token=None)
    assert caught.value.field == "divisions"


def test_rename_and_archive_divisions(org_admin, make_measure, make_progress, make_user):
    org, admin, palad, finance = org_admin
    changes = divisions.update_division(admin, finance, name="กองคลัง", short_name="กค", base_token=None)
    assert changes == {"short_name": ["กค.", "กค"]}
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        divisions.update_division(admin, finance, name="สำนัก ปลัด", short_name=None, base_token=None)
    assert caught.value.field == "name"
    db.session.rollback()
    measure = make_measure(org, divisions=[finance], steps=["ขั้นตอนที่ยังไม่เสร็จ"])
    with pytest.raises(ValidationFailed) as caught:
        divisions.set_division_active(admin, finance, False)
    assert "1" in str(caught.value.message)
    make_progress(measure.steps[0], make_user(org, divisions=[finance]), 100)
    assert divisions.set_division_active(admin, finance, False)
    assert divisions.set_division_active(admin, finance, True)
    db.session.commit()
    assert actions() == ["division.update", "division.archive", "division.restore"]


# --- forms opened before someone else's change ----------------------------------------

def test_a_stale_user_form_is_refused_and_changes_nothing(org_admin, make_user):
    org, admin, palad, finance = org_admin
    other_admin, user = make_user(org, Role.ADMIN), make_user(org, divisions=[palad])
    opened = edit_token(user_edit_values(user))
    users.update_user(admin, user, display_name="ชื่อจากผู้ดูแลคนแรก", email=user.email, role="staff",
                      division_ids=[palad.id], base_token=opened)
    db.session.commit()
    with pytest.raises(EditConflict) as caught:
        users.update_user(other_admin, user, display_name="ชื่อจากผู้ดูแลคนที่สอง", email=user.email,
                          role="division_head", division_ids=[finance.id], head_ids=[finance.id], base_token=opened)
    db.session.rollback()
    assert caught.value.current["display_name"] == user.display_name == "ชื่อจากผู้ดูแลคนแรก"
    assert (user.role, user.division_ids) == (Role.STAFF, {palad.id})
    with pytest.raises(EditConflict):  # nor is the account switched off from the outdated page
        users.set_user_active(other_admin, user, False, base_token=opened)
    db.session.rollback()
    assert user.active and actions() == ["user.update"]
    assert users.set_user_active(other_admin, user, False, base_token=caught.value.token)


def test_a_new_password_or_a_sign_in_leaves_a_user_form_valid(org_admin, make_user):
    org, admin, palad, _ = org_admin
    user = make_user(org, divisions=[palad])
    opened = edit_token(user_edit_values(user))
    users.set_password_for(admin, user, "another-password-1")
    assert authenticate(user.email, "another-password-1") == user  # records the last sign-in
    db.session.commit()
    changes = users.update_user(admin, user, display_name="ชื่อใหม่", email=user.email, role="staff",
                                division_ids=[palad.id], base_token=opened)
    assert set(changes) == {"display_name"} and user.display_name == "ชื่อใหม่"


def test_a_stale_division_form_is_refused(org_admin, make_user):
    org, admin, _, finance = org_admin
    opened = edit_token(divisions.division_edit_values(finance))
    divisions.update_division(admin, finance, name="กองคลัง", short_name="กค", base_token=opened)
    db.session.commit()
    with pytest.raises(EditConflict) as caught:
        divisions.update_division(make_user(org, Role.ADMIN), finance, name="กองการคลัง", short_name="กค.",
                                  base_token=opened)
    db.session.rollback()
    assert caught.value.current == {"name": "กองคลัง", "short_name": "กค"}
    assert finance.name == "กองคลัง" and actions() == ["division.update"]
