"""Alembic environment: runs migrations with the application's engine and metadata."""
import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

from tracker.timeutil import UTCDateTime

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def target_metadata():
    import tracker.models  # noqa: F401  (registers every table)

    return migrate_ext.db.metadata


def render_item(type_, obj, autogen_context):
    """Write our column types as plain SQLAlchemy types, so that migration
    files never import application code that may change later."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata(),
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    options = dict(migrate_ext.configure_args)
    options.setdefault("process_revision_directives", skip_empty_autogenerate)
    options.setdefault("render_item", render_item)
    from tracker.search.indexes import include_object

    options.setdefault("include_object", include_object)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode recreates tables; with foreign keys on, dropping the old
            # table would cascade-delete rows of child tables. Must be set
            # outside a transaction, hence before begin().
            connection.execute(sa.text("PRAGMA foreign_keys=OFF"))
            connection.commit()
        context.configure(connection=connection, target_metadata=target_metadata(), **options)
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "sqlite":
            connection.execute(sa.text("PRAGMA foreign_keys=ON"))
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
