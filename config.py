"""Application settings, read from environment variables (and an optional `.env`)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance")).resolve()

load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {value!r}") from exc


def development_secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """Return the development key kept in instance/, creating it once.

    Every worker and every restart must sign sessions with the same key, so a
    random key is generated only the first time and then reused.
    """
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL makes two processes starting at once agree on one key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    INSTANCE_PATH = str(INSTANCE_DIR)
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Bangkok")
    # The address users open, for links made outside a request (e-mails, the CLI).
    APP_BASE_URL = (os.environ.get("APP_BASE_URL", "").strip() or "http://127.0.0.1:5000").rstrip("/")
    APP_BASE_URL_SET = bool(os.environ.get("APP_BASE_URL", "").strip())

    BABEL_DEFAULT_LOCALE = "th"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("th", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Server-side sessions (tracker.auth.sessions): a session unused this long
    # ends; one without "keep me signed in" ends after SESSION_ABSOLUTE_HOURS
    # anyway, one with it after REMEMBER_DAYS (at most 30).
    SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 8 * 60)
    SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 24)
    REMEMBER_DAYS = max(1, min(env_int("REMEMBER_DAYS", 30), 30))
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_DAYS)
    SESSION_TOUCH_SECONDS = 60  # how often a session's "last active" is written
    # The cookie that lets a browser that signed in before keep signing in
    # while someone guesses the account's password elsewhere.
    DEVICE_COOKIE_NAME = "device"
    # How many reverse proxies stand in front (nginx: 1): the client's address
    # then comes from X-Forwarded-For. TRUSTED_PROXIES is the same setting.
    PROXY_FIX_X_FOR = env_int("PROXY_FIX_X_FOR", env_int("TRUSTED_PROXIES", 0))
    HSTS_ENABLED = env_bool("HSTS", False)
    HSTS_MAX_AGE = env_int("HSTS_MAX_AGE", 365 * 24 * 3600)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a long form must not expire while someone types

    # Uploaded evidence: per-file limit; the request limit leaves room for several files.
    EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024
    EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 10)
    IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 10) * 1024 * 1024
    MAX_CONTENT_LENGTH = EVIDENCE_MAX_BYTES * 5 + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "ita-tracker@localhost")
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 30)
    # Without MAIL_SERVER, e-mails are written here as .eml files (the demo).
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", "")
    # A failed delivery is retried after 5, 10, 20 ... minutes (at most 6 hours
    # apart); after MAIL_MAX_ATTEMPTS tries, about a day, it is shown as failed.
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 10)
    MAIL_RETRY_BASE_SECONDS = 300
    MAIL_RETRY_MAX_SECONDS = 6 * 3600
    # A message claimed by a sender that stopped (crash, power cut) is handed to
    # another sender after this long; well above MAIL_TIMEOUT.
    MAIL_CLAIM_TIMEOUT_SECONDS = 900
    # Administrators get one e-mail, and a banner, when e-mails have been failing this long.
    MAIL_ALERT_AFTER_SECONDS = env_int("MAIL_ALERT_AFTER_SECONDS", 3600)
    # After an outage, messages that had given up get this many more tries once the server answers.
    MAIL_ATTEMPTS_AFTER_OUTAGE = 3

    # Reminder rules: defaults for organizations whose admin changed nothing.
    REMINDER_DAYS_BEFORE = (14, 7, 1)  # due-soon reminders, days before the due date
    REMINDER_OVERDUE_EVERY = 7  # overdue reminders: day 1, then every 7 days late
    REMINDER_ESCALATE_FROM = 14  # overdue reminders from this day late also go to executives
    REMINDER_DIGEST_WEEKDAY = 0  # weekly summary to executives: 0 = Monday ... 6 = Sunday
    REMINDER_SEND_TIME = os.environ.get("REMINDER_SEND_TIME", "08:00")  # organization time
    # The scheduler process: how often the sender runs, and the lease that lets
    # only one scheduler act when several servers share one database.
    REMINDER_SEND_EVERY_MINUTES = env_int("REMINDER_SEND_EVERY_MINUTES", 5)
    REMINDER_LEASE_SECONDS = 120
    # The outbox keeps delivered e-mails (and those given up) this many days,
    # then the scheduler's nightly purge deletes them (tracker.reminders.retention):
    # 400 keeps a whole fiscal year on the pages; at least 31, so that the
    # administrators' "Last runs" and the once-a-day key keep what they need.
    NOTIFICATION_RETENTION_DAYS = max(31, env_int("NOTIFICATION_RETENTION_DAYS", 400))
    NOTIFICATION_PURGE_BATCH = max(1, env_int("NOTIFICATION_PURGE_BATCH", 5000))  # rows per DELETE and commit

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    @classmethod
    def init_app(cls, app) -> None:
        """Hook for settings that must be checked or derived at start-up."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # HTTPS only from now on; HSTS=0 on a plain-HTTP intranet (browsers ignore it there anyway).
    HSTS_ENABLED = env_bool("HSTS", SESSION_COOKIE_SECURE)

    @classmethod
    def init_app(cls, app) -> None:
        if app.config["SESSION_COOKIE_SECURE"]:
            # `__Host-`: the browser accepts the cookie only over HTTPS, from this
            # host, for every path: no sibling sub-domain can plant or read it.
            app.config["SESSION_COOKIE_NAME"] = "__Host-session"
            app.config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"
            app.config["DEVICE_COOKIE_NAME"] = "__Host-device"
        if not app.config.get("SECRET_KEY"):
            raise RuntimeError(
                "SECRET_KEY is not set. Production refuses to start without it: "
                "set the same SECRET_KEY for every worker and machine."
            )
        if len(app.config["SECRET_KEY"]) < 32:
            raise RuntimeError("SECRET_KEY is too short: use at least 32 characters.")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production-use-0123456789"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing keeps the suite quick
    # A slow fixture must not add the "last active" write to a request whose queries a test counts.
    SESSION_TOUCH_SECONDS = 3600
    APP_BASE_URL = "http://tracker.test"
    APP_BASE_URL_SET = True
    SERVER_NAME = None
    MAIL_SERVER = ""


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_environment() -> type[Config]:
    name = os.environ.get("APP_ENV", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise RuntimeError(
            f"APP_ENV must be one of {', '.join(CONFIGS)}, got {name!r}"
        ) from exc
