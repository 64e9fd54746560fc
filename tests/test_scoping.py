"""Organizations never see each other's data; roles gate the admin pages."""
import pytest

from tracker.models import Role


@pytest.fixture
def two_orgs(make_org, make_division, make_user, make_measure):
    org_a, org_b = make_org(), make_org()
    division_a, division_b = make_division(org_a), make_division(org_b)
    measure_b = make_measure(org_b, divisions=[division_b], steps=["ขั้นตอนของ B"])
    user_a = make_user(org_a, Role.ADMIN)
    return user_a, measure_b, division_a


def test_user_of_another_org_gets_404_for_measure_and_step(client, sign_in, two_orgs):
    user_a, measure_b, _ = two_orgs
    sign_in(user_a)
    assert client.get(f"/measures/{measure_b.id}").status_code == 404
    assert client.get(f"/steps/{measure_b.steps[0].id}").status_code == 404


def test_the_same_urls_work_inside_the_org(client, sign_in, make_user, two_orgs):
    _, measure_b, _ = two_orgs
    sign_in(make_user(measure_b.organization, Role.STAFF))
    page = client.get(f"/measures/{measure_b.id}")
    assert page.status_code == 200
    assert "ขั้นตอนของ B" in page.get_data(as_text=True)
    assert client.get(f"/steps/{measure_b.steps[0].id}").status_code == 200


def test_lists_and_dashboard_show_only_own_measures(client, sign_in, make_org, make_user, make_measure):
    org_a, org_b = make_org(), make_org()
    make_measure(org_a, title="มาตรการของ A", steps=["ขั้นตอนของ A"])
    make_measure(org_b, title="มาตรการของ B", steps=["ขั้นตอนของ B"])
    sign_in(make_user(org_a, Role.EXECUTIVE))
    for path in ("/measures", "/steps"):
        body = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "มาตรการของ A" in body, path
        assert "มาตรการของ B" not in body, path


@pytest.mark.parametrize("role", [Role.STAFF, Role.DIVISION_HEAD, Role.EXECUTIVE])
def test_non_admins_get_403_on_admin_pages(client, sign_in, make_user, role):
    sign_in(make_user(role=role))
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์" in response.get_data(as_text=True)


def test_admin_sees_only_own_users(client, sign_in, make_org, make_user):
    org_a, org_b = make_org(), make_org()
    make_user(org_b, email="other@example.org")
    sign_in(make_user(org_a, Role.ADMIN, email="admin-a@example.org"))
    body = client.get("/admin/").get_data(as_text=True)
    assert "admin-a@example.org" in body
    assert "other@example.org" not in body


def test_pages_need_sign_in(client, ctx):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
