"""ITA Tracker: follow up a Thai public agency's ITA improvement measures."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# The browser features the application never uses, switched off for it and anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "midi",
                    "accelerometer", "gyroscope", "magnetometer", "display-capture")
)


def create_app(config: Any = None, **overrides: Any) -> Flask:
    """Build the application.

    `config` is a config class or its name ("development", "production",
    "testing"); without it, APP_ENV chooses. `overrides` replace single
    settings (tests use them for the database URL and instance path).
    """
    from flask import Flask

    from config import CONFIGS, config_from_environment

    if config is None:
        config = config_from_environment()
    elif isinstance(config, str):
        config = CONFIGS[config]

    instance_path = overrides.get("INSTANCE_PATH", getattr(config, "INSTANCE_PATH"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.init_app(app)
    trust_proxies(app)

    configure_logging(app)
    init_extensions(app)

    from .web import transaction

    transaction.init_app(app)
    register_domains(app)
    add_security_headers(app)

    from . import input as input_checks
    from .web.errors import register_error_pages

    register_error_pages(app)
    input_checks.init_app(app)
    return app


# Python's cyclic garbage collector runs after every 700 new objects by default;
# a page of a thousand rows makes tens of thousands (ORM rows, template output)
# and each full collection walks every object of the process, the application's
# modules and compiled templates included.
GC_THRESHOLDS = (10_000, 20, 20)


def tune_garbage_collection() -> None:
    """For a server process, once the application is built: what exists now
    (modules, the URL map, compiled templates) is kept out of every later
    collection (`gc.freeze`), and collections run less often. The profile of
    the dashboard of 1,000 measures showed a third of its CPU time in them."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def trust_proxies(app: Flask) -> None:
    """Behind a reverse proxy every request comes from the proxy's address: with
    PROXY_FIX_X_FOR = the number of proxies in front, the client's address
    (for sign-in limits and the audit trail) and scheme come from their headers."""
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def configure_logging(app: Flask) -> None:
    """Our own messages at LOG_LEVEL; libraries only when they warn."""
    level = getattr(logging, str(app.config.get("LOG_LEVEL", "INFO")).upper(), logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("tracker").setLevel(level)


def init_extensions(app: Flask) -> None:
    import sqlalchemy as sa

    from . import labels
    from . import models  # noqa: F401  (every table in the metadata)
    from .extensions import babel, csrf, db, login_manager, migrate
    from .web import locale

    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            # SQLite ignores foreign keys (and ON DELETE) unless asked on every connection.
            sa.event.listen(engine, "connect", _sqlite_pragmas)

    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=locale.select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    locale.init_app(app)
    labels.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to open this page.")

    from .auth.web import load_user

    login_manager.user_loader(load_user)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# Each domain registers its blueprints, commands and menu entries.
DOMAINS = (
    "main",
    "auth",
    "orgs",
    "measures",
    "importer",
    "drafting",
    "dashboard",
    "admin",
    "reminders",
    "demo",
    "reports",
    "backup",
    "instructions",
    "inbox",
    "search",
)


def register_domains(app: Flask) -> None:
    from importlib import import_module

    from . import navigation, urls
    from .web import routing

    routing.init_app(app)
    urls.init_app(app)
    navigation.init_app(app)
    for name in DOMAINS:
        import_module(f"{__name__}.{name}").init_app(app)


def add_security_headers(app: Flask) -> None:
    from flask import request
    from flask_login import current_user

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config.get("HSTS_ENABLED"):
            response.headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_MAX_AGE']}")
        if request.endpoint != "static" and current_user.is_authenticated:
            # Signed-in pages and downloads must not stay in a shared computer's cache or a proxy.
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
            response.headers.pop("Last-Modified", None)
        return response
