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
