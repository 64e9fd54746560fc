"""Absolute links for e-mails, calendar feeds and exports made outside a request."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.routing import MapAdapter


def external_url(endpoint: str, **values: Any) -> str:
    """`APP_BASE_URL` + the path of `endpoint`; works in the scheduler and the CLI,
    where there is no request to take the host from.

    The URL map is bound to the base address once per application (the
    application registers no URL defaults, so this is what `url_for` builds):
    a job may build tens of thousands of links.
    """
    return _adapter().build(endpoint, values, force_external=True)


def _adapter() -> MapAdapter:
    base = current_app.config["APP_BASE_URL"].rstrip("/")
    adapters = current_app.extensions.setdefault("tracker_external_urls", {})
    if base not in adapters:
        parts = urlsplit(base)
        adapters[base] = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                                  url_scheme=parts.scheme or "http")
    return adapters[base]


def external_urls(endpoint: str, values: Iterable[Mapping[str, Any]]) -> list[str]:
    """`external_url(endpoint, **v)` for each `v` of `values`."""
    adapter = _adapter()
    return [adapter.build(endpoint, dict(v), force_external=True) for v in values]


# A stand-in id (the largest an INTEGER column holds), to find where the id stands in a URL.
_PLACEHOLDER = 2**31 - 1


def url_with_id(endpoint: str, argument: str, **values: Any) -> Callable[[int], str]:
    """`url_for(endpoint, argument=id, **values)` for many ids: the URL is built once
    around a placeholder and each id put in its place (for a list of a thousand rows)."""
    url = url_for(endpoint, **{argument: _PLACEHOLDER}, **values)
    parts = url.split(str(_PLACEHOLDER))
    if len(parts) != 2:  # the number stands elsewhere too: build each URL
        return lambda value: url_for(endpoint, **{argument: value}, **values)
    prefix, suffix = parts
    return lambda value: f"{prefix}{int(value)}{suffix}"


def base_url_problem(config: Mapping, opened_host: str) -> str | None:
    """Why links made outside a request may not lead where the administrator is:
    "missing" (production without APP_BASE_URL), "differs" (it names another
    host than `opened_host`, the one in the browser) or None.

    Only host and port are compared: behind a proxy that ends HTTPS the
    application sees plain HTTP while users open https://.
    """
    configured = urlsplit(config["APP_BASE_URL"]).netloc.lower()
    if not config.get("APP_BASE_URL_SET") and config.get("ENV_NAME") == "production":
        return "missing"
    if configured != opened_host.lower():
        return "differs"
    return None


def init_app(app: Flask) -> None:
    app.add_template_global(url_with_id)

    @app.template_global("base_url_problem")
    def base_url_problem_here() -> str | None:
        return base_url_problem(current_app.config, request.host)
