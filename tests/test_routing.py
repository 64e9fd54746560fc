"""Numbers in URLs that no row can have: every route answers 404, never 500, signed in or out."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from tracker.extensions import db
from tracker.models import Role
from tracker.reports.publishing import set_public_page
from tracker.web.routing import MAX_ID, MAX_PAGE

TOO_LARGE = "99999999999999999999"  # beyond 64 bits: OverflowError on SQLite
PLACEHOLDER = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def rules_with_an_int(app):
    rules = [rule for rule in app.url_map.iter_rules()
             if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]
    assert len(rules) >= 20, "the walk found too few routes with an id"
    return rules


def path_of(rule, number: str, slug: str) -> str:
    def fill(match):
        converter, name = match.groups()
        if converter == "int":
            return number
        return slug if name == "slug" else "x"

    return PLACEHOLDER.sub(fill, rule.rule)


@pytest.fixture
def public_org(make_org, make_user, make_measure):
    org = make_org(slug="overflow")
    admin = make_user(org, Role.ADMIN)
    make_measure(org)
    set_public_page(admin, org, True)
    db.session.commit()
    return org, admin


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "admin"])
def test_every_route_with_an_id_answers_404_for_a_number_too_large(app, client, sign_in, public_org, signed_in):
    org, admin = public_org
    if signed_in:
        sign_in(admin)
    answers = {}
    for rule in rules_with_an_int(app):
        path = path_of(rule, TOO_LARGE, org.slug)
        for method in sorted(rule.methods - SKIPPED_METHODS):
            answers[f"{method} {path}"] = client.open(path, method=method).status_code
    assert {url: status for url, status in answers.items() if status != 404} == {}


def test_the_largest_id_still_routes_and_one_more_does_not(app, client, public_org):
    org, _admin = public_org
    assert client.get(f"/p/{org.slug}/{MAX_ID}").status_code == 404  # routed: the view finds no such year
    adapter = app.url_map.bind("tracker.test")
    assert adapter.match(f"/steps/{MAX_ID}") == ("measures.step_detail", {"step_id": MAX_ID})
    with pytest.raises(Exception) as refused:
        adapter.match(f"/steps/{MAX_ID + 1}")
    assert getattr(refused.value, "code", None) == 404


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "admin"])
def test_no_page_breaks_on_oversized_numbers_in_its_query_string(app, client, sign_in, public_org, signed_in):
    org, admin = public_org
    if signed_in:
        sign_in(admin)
    query = "&".join(f"{name}={TOO_LARGE}" for name in
                     ("page", "year", "fiscal_year", "division", "indicator", "actor", "user"))
    answers = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = path_of(rule, "1", org.slug)
        answers[path] = client.get(f"{path}?{query}").status_code
    assert {url: status for url, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize("path", ["/admin/audit", "/reminders/"])
@pytest.mark.parametrize("page, status", [
    ("1", 200), ("", 200), ("0", 404), ("-1", 404), ("abc", 404), ("٣", 404), ("7", 404),
    (str(MAX_PAGE + 1), 404), (TOO_LARGE, 404), ("9" * 5000, 404),
])
def test_page_numbers_out_of_range_are_404(client, sign_in, public_org, path, page, status):
    _org, admin = public_org
    sign_in(admin)
    assert client.get(f"{path}?page={page}").status_code == status
