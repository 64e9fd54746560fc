"""Browser tests: Debian's Chromium driven by Playwright against a live server of the test app.

The browser is never downloaded by Playwright: `/usr/bin/chromium` is used,
installed with apt-get when missing and the tests run as root (as in CI),
otherwise the tests are skipped with the reason.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import TEST_PASSWORD
from tracker.measures.evidence import evidence_directory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def ensure_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0:
        pytest.skip(f"{CHROMIUM} is missing; install it with: sudo apt-get install chromium fonts-thai-tlwg")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-thai-tlwg"], check=True, env=env,
                       timeout=1200)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"could not install Chromium with apt-get: {error}")
    if not CHROMIUM.exists():
        pytest.skip(f"apt-get installed chromium but {CHROMIUM} is still missing")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser():
    executable = ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app, ctx, monkeypatch, fixed_today):
    """The test app served over HTTP on a free port, on the suite's database (a
    file for SQLite, the test database for PostgreSQL), with CSRF checks on as
    in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        shutil.rmtree(evidence_directory(app.instance_path), ignore_errors=True)


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/")


def console_errors(tab) -> list[str]:
    """Errors of the pages of `tab`: console errors (a CSP violation included)
    and failed requests, except the /favicon.ico Chromium asks for on its own."""
    return list(tab.console_errors)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (its own cookies); any console error fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        # A failed load is reported with its URL by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    tab.on("console", on_console)
    tab.on("response", on_response)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.console_errors = errors
    yield tab
    context.close()
    assert console_errors(tab) == [], "the browser logged errors"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
