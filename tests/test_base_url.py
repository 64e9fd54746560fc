"""Links made outside a request lead to the address users open (APP_BASE_URL), and
`make run PORT=… HOST=…` gives that address to every process it starts."""
import email
import json
from datetime import date, timedelta
import os
import re
import shutil
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from tracker.extensions import db
from tracker.models import Role
from tracker.reports.publishing import set_public_page
from tracker.urls import base_url_problem

from .conftest import TEST_PASSWORD


ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"https?://[^\s\"'<>)]+")
SERVED = "http://127.0.0.1:5137"


def environment_without_app_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in {"APP_BASE_URL", "HOST", "PORT", "DATABASE_URL", "INSTANCE_PATH", "APP_ENV", "MAIL_SERVER",
                         "MAIL_OUTBOX_DIR", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}


def links_in_outbox(folder: Path) -> list[str]:
    links = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in message.walk():
            if part.get_content_maintype() == "text":
                links += LINK.findall(part.get_content())
    return links


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("variables, address", [
    (["PORT=5137"], SERVED),
    (["HOST=0.0.0.0", "PORT=5101"], "http://0.0.0.0:5101"),
])
def test_make_run_gives_every_process_it_starts_the_address_it_serves(variables, address):
    result = subprocess.run(["make", "--no-print-directory", "-n", "run", *variables], cwd=ROOT, capture_output=True,
                            text=True, env=environment_without_app_settings(), timeout=60)
    assert result.returncode == 0, result.stderr
    started = [line for line in result.stdout.splitlines() if "flask --app wsgi" in line]
    assert {re.search(r"flask --app wsgi (\w+(?: \w+)?)", line).group(1) for line in started} >= {
        "db upgrade", "demo setup", "reminders scheduler", "run"}
    assert [line for line in started if f"APP_BASE_URL={address} " not in line] == []


def test_the_commands_make_run_starts_write_e_mails_that_link_to_its_address(tmp_path):
    """What `make run PORT=5137` does, without the servers: the demo, then a day's reminders into instance/outbox/."""
    env = environment_without_app_settings() | {
        "APP_BASE_URL": SERVED,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
    }

    # One process runs the commands in turn (starting one per command costs seconds each).
    script = (
        "import json, sys\n"
        "from wsgi import app\n"
        "runner = app.test_cli_runner()\n"
        "outputs = []\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    result = runner.invoke(args=args)\n"
        "    assert result.exit_code == 0, (args, result.output, result.exception)\n"
        "    outputs.append(result.output)\n"
        "print(json.dumps(outputs))\n"
    )
    commands = [
        ["db", "upgrade"],
        ["demo", "setup"],
        # The demo lives in the present (it has late steps whatever today is), and a late
        # step is reminded every 7 days: a week of daily runs writes step reminders.
        *(["reminders", "run", "--date", (date.today() + timedelta(days=n)).isoformat()] for n in range(7)),
        ["reminders", "send-pending"],
    ]
    result = subprocess.run([sys.executable, "-c", script, json.dumps(commands)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    setup = json.loads(result.stdout.splitlines()[-1])[1]
    assert f"Open {SERVED}/ and sign in" in setup
    assert f"open without signing in: {SERVED}/p/muangphia/" in setup
    links = links_in_outbox(tmp_path / "outbox")
    assert len(list((tmp_path / "outbox").glob("*.eml"))) >= 2
    assert any("/steps/" in link for link in links), links
    assert [link for link in links if not link.startswith(SERVED + "/")] == []


@pytest.fixture
def admin(make_org, make_user, make_measure):
    org = make_org(slug="baseurl")
    make_measure(org)
    return make_user(org, Role.ADMIN)


@pytest.fixture
def served_at(app, monkeypatch):
    monkeypatch.setitem(app.config, "APP_BASE_URL", SERVED)
    monkeypatch.setitem(app.config, "APP_BASE_URL_SET", True)


def sign_in_at(client, user, base_url: str) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}, base_url=base_url)
    assert response.status_code == 302, "sign-in failed"


def test_the_test_e_mail_links_to_app_base_url(app, client, sign_in, admin, served_at, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    sign_in(admin)
    assert client.post("/admin/reminders/test").status_code == 302
    links = links_in_outbox(tmp_path)
    assert links and [link for link in links if not link.startswith(SERVED + "/")] == []


def test_the_public_address_and_its_open_button_use_app_base_url(client, sign_in, admin, served_at, fixed_today):
    set_public_page(admin, admin.organization, True)
    db.session.commit()
    sign_in_at(client, admin, SERVED)
    html = client.get("/reports/public/", base_url=SERVED).get_data(as_text=True)
    assert f'value="{SERVED}/p/baseurl/2569"' in html
    assert f'href="{SERVED}/p/baseurl/2569"' in html
    assert 'id="base-url-notice"' not in html  # the administrator is at that address


@pytest.mark.parametrize("path", ["/admin/reminders", "/reports/public/"])
def test_admin_pages_say_when_links_lead_elsewhere(client, sign_in, admin, served_at, path):
    sign_in_at(client, admin, "https://ita.example.go.th")
    html = client.get(path, base_url="https://ita.example.go.th").get_data(as_text=True)
    assert 'id="base-url-notice"' in html
    notice = html.split('id="base-url-notice"')[1].split("</div>\n</div>")[0]
    assert SERVED in notice and "https://ita.example.go.th" in notice
    assert "APP_BASE_URL" in notice


@pytest.mark.parametrize("path", ["/admin/reminders", "/reports/public/"])
def test_admin_pages_say_when_production_has_no_app_base_url(app, client, sign_in, admin, monkeypatch, path):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "APP_BASE_URL", "http://127.0.0.1:5000")
    monkeypatch.setitem(app.config, "APP_BASE_URL_SET", False)
    sign_in_at(client, admin, "http://127.0.0.1:5000")
    html = client.get(path, base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert 'id="base-url-notice"' in html and "http://127.0.0.1:5000" in html


def test_base_url_problem_compares_host_and_port_only():
    configured = {"APP_BASE_URL": "https://ita.example.go.th", "APP_BASE_URL_SET": True, "ENV_NAME": "production"}
    assert base_url_problem(configured, "ita.example.go.th") is None  # HTTPS ended by a proxy
    assert base_url_problem(configured, "ITA.example.go.th") is None
    assert base_url_problem(configured, "127.0.0.1:8000") == "differs"
    assert base_url_problem(configured | {"APP_BASE_URL_SET": False}, "ita.example.go.th") == "missing"
    development = {"APP_BASE_URL": "http://127.0.0.1:5000", "APP_BASE_URL_SET": False, "ENV_NAME": "development"}
    assert base_url_problem(development, "127.0.0.1:5000") is None
    assert base_url_problem(development, "127.0.0.1:5101") == "differs"


def test_config_reads_app_base_url_from_the_environment():
    code = "from config import Config; print(Config.APP_BASE_URL, Config.APP_BASE_URL_SET)"
    env = environment_without_app_settings()
    unset = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert unset.stdout.split() == ["http://127.0.0.1:5000", "False"]
    given = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env | {"APP_BASE_URL": SERVED + "/"},
                           capture_output=True, text=True)
    assert given.stdout.split() == [SERVED, "True"]

