"""The migrations build exactly the schema the models describe."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.extensions import db
from tracker.search.indexes import include_object


def test_models_and_migrations_agree(app, ctx):
    # The session fixture built the schema with `flask db upgrade` from nothing.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_object": include_object},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations disagree: {differences}"


def test_schema_is_at_the_latest_revision(app, ctx):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(Config(file_=None, ini_section="alembic", attributes={}) if False else _config(app))
    heads = script.get_heads()
    assert len(heads) == 1, f"migrations have several heads: {heads}"
    with db.engine.connect() as connection:
        current = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    assert current == heads[0]


def _config(app):
    return app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)


def test_search_has_trigram_indexes_on_postgresql(app, ctx):
    """Substring search on PostgreSQL is served by pg_trgm GIN indexes."""
    from tests.conftest import is_postgres

    if not is_postgres():
        import pytest

        pytest.skip("trigram indexes exist on PostgreSQL only")
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix_trgm_%'"
        )).all()
    definitions = dict(rows)
    assert "ix_trgm_steps_text" in definitions
    assert len(definitions) == 7
    assert all("gin_trgm_ops" in d and "USING gin" in d for d in definitions.values())

def test_existing_steps_get_their_current_due_date_as_the_original(tmp_path):
    """Migration 0008 on a database that has steps: each keeps its due date as the original."""
    import flask_migrate

    from tracker import create_app

    other = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}",
                       INSTANCE_PATH=str(tmp_path))
    with other.app_context():
        flask_migrate.upgrade(revision="0004")
        with db.engine.begin() as connection:
            now = "2026-01-01 00:00:00"
            connection.execute(sa.text(
                "INSERT INTO organizations (id, name, kind, slug, timezone, created_at) "
                "VALUES (1, 'อบต.ทดสอบ', 'sao', 'test', 'Asia/Bangkok', :now)"), {"now": now})
            connection.execute(sa.text(
                "INSERT INTO measures (id, organization_id, fiscal_year, indicator_number, title, start_date, "
                "end_date, position, created_at, updated_at) "
                "VALUES (1, 1, 2569, 9, 'มาตรการ', '2025-10-01', '2026-09-30', 1, :now, :now)"), {"now": now})
            connection.execute(sa.text(
                "INSERT INTO steps (id, organization_id, measure_id, position, text, due_date, percent, status, "
                "version, created_at, updated_at) "
                "VALUES (1, 1, 1, 1, 'ขั้นตอน', '2026-04-30', 0, 'not_started', 1, :now, :now)"), {"now": now})
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            row = connection.execute(sa.text("SELECT due_date, original_due_date FROM steps")).one()
        db.engine.dispose()
    assert str(row.original_due_date) == str(row.due_date) == "2026-04-30"
