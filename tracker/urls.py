"""Absolute links for e-mails, calendar feeds and exports made outside a request."""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """`APP_BASE_URL` + the path of `endpoint`; works in the scheduler and the CLI,
    where there is no request to take the host from."""
    base = current_app.config["APP_BASE_URL"].rstrip("/")
    with current_app.test_request_context("/", base_url=base):
        path = url_for(endpoint, **values)
    return base + path if not path.startswith("http") else path
