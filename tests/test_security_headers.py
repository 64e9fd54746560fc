"""Headers: HSTS in production (unless switched off), no caching of signed-in pages and downloads,
browser features the application never uses switched off."""
import pytest

from tracker import create_app


def test_every_answer_switches_off_unused_browser_features(client):
    for path in ("/login", "/static/css/app.css", "/no-such-page"):
        policy = client.get(path).headers["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy


def test_signed_in_pages_and_downloads_are_not_stored(client, sign_in, make_user, make_org):
    from tracker.models import Role

    org = make_org()
    sign_in(make_user(org, Role.ADMIN))
    for path in ("/", "/account", "/admin/audit", "/admin/audit.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.mark.parametrize("environment, expected", [({}, "max-age=31536000"), ({"HSTS_ENABLED": False}, None)])
def test_production_asks_for_https_unless_switched_off(database_url, app, tmp_path, environment, expected):
    production = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=str(tmp_path),
                            SECRET_KEY="x" * 40, **environment)
    assert production.test_client().get("/login").headers.get("Strict-Transport-Security") == expected


def test_a_plain_http_intranet_gets_no_hsts_by_default(monkeypatch):
    """HSTS follows SESSION_COOKIE_SECURE unless HSTS says otherwise."""
    import importlib

    import config

    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    reloaded = importlib.reload(config)
    try:
        assert reloaded.ProductionConfig.HSTS_ENABLED is False
        monkeypatch.setenv("HSTS", "1")
        assert importlib.reload(config).ProductionConfig.HSTS_ENABLED is True
    finally:
        monkeypatch.delenv("SESSION_COOKIE_SECURE")
        monkeypatch.delenv("HSTS")
        importlib.reload(config)
