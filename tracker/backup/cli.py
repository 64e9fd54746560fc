"""`flask backup create FILE` and `flask backup restore FILE`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .archive import BackupError
from .services import create_backup, restore_backup

backup_cli = click.Group("backup", help="Back up and restore the database and the evidence files.")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pg-dump/--no-pg-dump", default=None,
              help="PostgreSQL: use pg_dump (default: when installed) or a portable dump.")
@with_appcontext
def create(file: Path, pg_dump: bool | None) -> None:
    """Write FILE: a consistent copy of the database, then every evidence file it names, with checksums."""
    try:
        manifest = create_backup(file, use_pg_dump=pg_dump)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest.tables.values())
    click.echo(
        f"Backup written to {file}: database ({manifest.database}, revision {manifest.revision}, {rows} rows) "
        f"and {manifest.evidence} evidence files."
    )


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that is not empty (everything in it is lost).")
@with_appcontext
def restore(file: Path, force: bool) -> None:
    """Restore FILE into an empty database: checks the checksums, then runs the migrations if the backup is older."""
    try:
        manifest = restore_backup(file, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {file} (made {manifest.created_at}, revision {manifest.revision}): "
        f"{sum(manifest.tables.values())} rows and {manifest.evidence} evidence files."
    )
