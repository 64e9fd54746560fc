"""Configuration: secrets come from the environment or instance/, never from code."""
from pathlib import Path

import pytest

from config import ProductionConfig, development_secret_key
from tracker import create_app


def test_development_key_is_generated_once_and_reused(tmp_path):
    first = development_secret_key(tmp_path)
    second = development_secret_key(tmp_path)
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_development_app_uses_the_instance_key(tmp_path):
    app = create_app("development", INSTANCE_PATH=str(tmp_path), SECRET_KEY=None,
                     SQLALCHEMY_DATABASE_URI="sqlite://")
    again = create_app("development", INSTANCE_PATH=str(tmp_path), SECRET_KEY=None,
                       SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SECRET_KEY"] == again.config["SECRET_KEY"] == (Path(tmp_path) / "secret_key").read_text()


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, INSTANCE_PATH=str(tmp_path), SECRET_KEY=None,
                   SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_cookies_are_secure(tmp_path):
    app = create_app(ProductionConfig, INSTANCE_PATH=str(tmp_path), SECRET_KEY="x" * 40,
                     SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_wsgi_module_starts_no_scheduler():
    source = (Path(__file__).parent.parent / "wsgi.py").read_text()
    assert "scheduler" not in source.split('"""')[-1].lower()


def test_the_server_process_tunes_garbage_collection():
    """wsgi.py (gunicorn, the scheduler) keeps start-up objects out of collections and collects less often."""
    import gc

    from tracker import GC_THRESHOLDS, tune_garbage_collection

    wsgi_source = (Path(__file__).resolve().parent.parent / "wsgi.py").read_text(encoding="utf-8")
    assert "tune_garbage_collection()" in wsgi_source
    before = gc.get_threshold()
    try:
        tune_garbage_collection()
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
