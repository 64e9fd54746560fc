"""Making a backup (database first, then the files it names) and restoring one into an empty database.

A job, not a service: it works on the whole database, outside any user's
organization, and is run by an administrator of the machine (the CLI).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..measures.evidence import evidence_directory, stored_path
from ..timeutil import utcnow
from .archive import (
    CHUNK,
    EVIDENCE_FOLDER,
    MANIFEST,
    PG_DUMP_MEMBER,
    ROWS_FOLDER,
    SQLITE_MEMBER,
    BackupError,
    Manifest,
    decode_value,
    encode_value,
    open_archive,
    sha256_of,
    verify,
)

log = logging.getLogger("tracker.backup")

ALEMBIC_TABLE = "alembic_version"
INSERT_BATCH = 500


# --- making a backup ---------------------------------------------------------------------


class _Writer:
    """Members written into the zip with their SHA-256 computed on the way."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.members: dict[str, str] = {}

    def add_file(self, name: str, source: Path, *, compress: bool = True) -> str:
        import hashlib

        digest = hashlib.sha256()
        info = zipfile.ZipInfo(name, date_time=utcnow().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with source.open("rb") as stream, self.archive.open(info, "w", force_zip64=True) as out:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        self.members[name] = digest.hexdigest()
        return self.members[name]

    def add_lines(self, name: str, lines: Iterable[str]) -> None:
        import hashlib

        digest = hashlib.sha256()
        info = zipfile.ZipInfo(name, date_time=utcnow().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with self.archive.open(info, "w", force_zip64=True) as out:
            for line in lines:
                data = (line + "\n").encode()
                digest.update(data)
                out.write(data)
        self.members[name] = digest.hexdigest()


def _sqlite_snapshot(engine: sa.Engine, folder: Path) -> Path:
    """A consistent copy of the SQLite database, made with SQLite's online backup API."""
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    snapshot = folder / "snapshot.sqlite3"
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(snapshot)
    try:
        source.backup(target)  # copies every page under one read lock: one moment's database
    finally:
        target.close()
        source.close()
    return snapshot


def _table_rows(connection: sa.Connection, table: sa.Table) -> Iterator[dict]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=1000).execute(sa.select(table).order_by(*order))
    for row in result.mappings():
        yield dict(row)


def _read_snapshot(connection: sa.Connection) -> tuple[str | None, dict[str, int], list[tuple[str, str]]]:
    """The revision, rows per table and evidence files (stored name, SHA-256) seen by this connection."""
    inspector = sa.inspect(connection)
    names = inspector.get_table_names()
    revision = None
    if ALEMBIC_TABLE in names:
        revision = connection.execute(sa.text(f"SELECT version_num FROM {ALEMBIC_TABLE}")).scalar()
    counts = {
        name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
        for name in names if name != ALEMBIC_TABLE
    }
    files = []
    if "evidence" in names:
        files = [tuple(row) for row in connection.execute(sa.text("SELECT stored_name, sha256 FROM evidence ORDER BY id"))]
    return revision, counts, files


def _libpq_url(engine: sa.Engine) -> tuple[str, dict[str, str]]:
    """The database address for pg_dump/pg_restore, and the environment carrying its password."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_dump_available() -> bool:
    return shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None


def create_backup(target: Path, *, use_pg_dump: bool | None = None) -> Manifest:
    """Write one archive with the database and every evidence file it names.

    The database is read first, as one consistent snapshot; then the files
    its evidence records name (stored once under random names, never
    changed), so that no restored record points at a missing file.
    """
    engine = db.engine
    dialect = engine.dialect.name
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    instance_path = current_app.instance_path
    with tempfile.TemporaryDirectory(prefix="ita-backup-") as folder, zipfile.ZipFile(
        partial, "w", allowZip64=True
    ) as archive:
        writer = _Writer(archive)
        if dialect == "sqlite":
            snapshot = _sqlite_snapshot(engine, Path(folder))
            snapshot_engine = sa.create_engine(f"sqlite:///{snapshot}")
            try:
                with snapshot_engine.connect() as connection:
                    revision, counts, files = _read_snapshot(connection)
            finally:
                snapshot_engine.dispose()
            writer.add_file(SQLITE_MEMBER, snapshot)
            kind = "sqlite"
        elif dialect == "postgresql":
            kind, revision, counts, files = _postgres_database(engine, writer, Path(folder), use_pg_dump)
        else:  # pragma: no cover - the application supports these two engines
            raise BackupError(f"Backups of {dialect} databases are not supported.")
        missing = _add_evidence(writer, files, instance_path)
        manifest = Manifest(
            revision=revision, created_at=utcnow().isoformat(), database=kind, tables=counts,
            members=writer.members, evidence=len(files) - len(missing),
        )
        archive.writestr(MANIFEST, manifest.to_json())
    os.replace(partial, target)
    log.info("Backup %s: %s database at revision %s, %d evidence files", target, kind, revision, manifest.evidence)
    return manifest


def _postgres_database(engine: sa.Engine, writer: _Writer, folder: Path, use_pg_dump: bool | None):
    """The database as of one snapshot: pg_dump's if it can, otherwise rows read through SQLAlchemy."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision, counts, files = _read_snapshot(connection)
            if use_pg_dump is not False and _pg_dump_available():
                snapshot_id = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                dump = folder / "database.pgdump"
                url, env = _libpq_url(engine)
                done = subprocess.run(
                    ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
                     f"--file={dump}", f"--dbname={url}"],
                    env=env, capture_output=True, text=True,
                )
                if done.returncode == 0:
                    writer.add_file(PG_DUMP_MEMBER, dump, compress=False)
                    return "pg_dump", revision, counts, files
                if use_pg_dump:
                    raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
                log.warning("pg_dump failed (%s); writing a portable dump instead", done.stderr.strip())
            metadata = sa.MetaData()
            metadata.reflect(connection)
            for table in metadata.sorted_tables:
                writer.add_lines(
                    f"{ROWS_FOLDER}{table.name}.jsonl",
                    (json.dumps({k: encode_value(v) for k, v in row.items()}, ensure_ascii=False)
                     for row in _table_rows(connection, table)),
                )
            return "rows", revision, counts, files


def _add_evidence(writer: _Writer, files: list[tuple[str, str]], instance_path: str) -> list[str]:
    missing = []
    for stored_name, expected in files:
        path = stored_path(instance_path, stored_name)
        if path is None or not path.is_file():
            log.error("Evidence file %s is named in the database but missing on disk", stored_name)
            missing.append(stored_name)
            continue
        actual = writer.add_file(f"{EVIDENCE_FOLDER}{stored_name}", path, compress=False)
        if expected and actual != expected:
            log.error("Evidence file %s does not match its recorded SHA-256", stored_name)
    return missing


# --- restoring ---------------------------------------------------------------------------


def database_is_empty(engine: sa.Engine) -> bool:
    """No table holds a row (the schema alone, built by `db upgrade`, counts as empty)."""
    with engine.connect() as connection:
        for name in sa.inspect(connection).get_table_names():
            if name == ALEMBIC_TABLE:
                continue
            if connection.execute(sa.text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
                return False
    return True


def _drop_everything(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    else:
        metadata = sa.MetaData()
        with engine.begin() as connection:
            metadata.reflect(connection)
            metadata.drop_all(connection)


def restore_backup(source: Path, *, force: bool = False) -> Manifest:
    """Restore an archive into this application's database (empty, unless `force`) and evidence folder.

    Checks every checksum before changing anything; brings an older backup
    up to date with the migrations.
    """
    engine = db.engine
    with open_archive(Path(source)) as archive:
        manifest = Manifest.read(archive)
        verify(archive, manifest)
        if manifest.database == "pg_dump" and engine.dialect.name != "postgresql":
            raise BackupError("This backup holds a PostgreSQL dump; restore it into a PostgreSQL database.")
        if manifest.database == "pg_dump" and not _pg_dump_available():
            raise BackupError("Restoring this backup needs pg_restore (package postgresql-client).")
        if not database_is_empty(engine) and not force:
            raise BackupError(
                "The database is not empty. Restore into an empty database, or give --force to replace everything in it."
            )
        db.session.remove()
        _drop_everything(engine)
        with tempfile.TemporaryDirectory(prefix="ita-restore-") as folder:
            if manifest.database == "pg_dump":
                _pg_restore(engine, archive, Path(folder))
            else:
                if manifest.revision:
                    flask_migrate.upgrade(revision=manifest.revision)
                _load_rows(engine, archive, manifest, Path(folder))
        flask_migrate.upgrade()  # an older backup gets the newer tables and columns
        written = _restore_evidence(archive, manifest, current_app.instance_path)
    log.info("Restored %s: revision %s, %d evidence files written", source, manifest.revision, written)
    return manifest


def _pg_restore(engine: sa.Engine, archive: zipfile.ZipFile, folder: Path) -> None:
    dump = folder / "database.pgdump"
    with archive.open(PG_DUMP_MEMBER) as stream, dump.open("wb") as out:
        shutil.copyfileobj(stream, out, CHUNK)
    url, env = _libpq_url(engine)
    engine.dispose()  # pg_restore must not wait on our idle connections' locks
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", f"--dbname={url}",
         str(dump)],
        env=env, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


@contextmanager
def _rows_source(archive: zipfile.ZipFile, manifest: Manifest, folder: Path):
    """rows(table_name) -> iterator of row dicts, from the SQLite copy or the JSON lines."""
    if manifest.database == "sqlite":
        snapshot = folder / "snapshot.sqlite3"
        with archive.open(SQLITE_MEMBER) as stream, snapshot.open("wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        source_engine = sa.create_engine(f"sqlite:///{snapshot}")
        metadata = sa.MetaData()
        try:
            with source_engine.connect() as connection:
                metadata.reflect(connection)

                def rows(name: str) -> Iterator[dict]:
                    if name in metadata.tables:
                        yield from _table_rows(connection, metadata.tables[name])

                yield rows
        finally:
            source_engine.dispose()
    else:
        def rows(name: str) -> Iterator[dict]:
            member = f"{ROWS_FOLDER}{name}.jsonl"
            if member not in manifest.members:
                return
            with archive.open(member) as stream:
                for line in stream:
                    yield {k: decode_value(v) for k, v in json.loads(line).items()}

        yield rows


def _load_rows(engine: sa.Engine, archive: zipfile.ZipFile, manifest: Manifest, folder: Path) -> None:
    """Copy every row into the tables the migrations built, parents first, in one transaction."""
    metadata = sa.MetaData()
    with engine.begin() as connection, _rows_source(archive, manifest, folder) as rows:
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            if table.name == ALEMBIC_TABLE:
                continue
            columns = set(table.columns.keys())
            batch = []
            for row in rows(table.name):
                batch.append({k: v for k, v in row.items() if k in columns})
                if len(batch) >= INSERT_BATCH:
                    connection.execute(table.insert(), batch)
                    batch = []
            if batch:
                connection.execute(table.insert(), batch)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, metadata)


def _reset_sequences(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """Identity sequences continue after the restored ids."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": column.name}
            ).scalar()
            if sequence:
                connection.execute(
                    sa.text(f'SELECT setval(:sequence, coalesce(max("{column.name}"), 0) + 1, false) FROM "{table.name}"'),
                    {"sequence": sequence},
                )


def _restore_evidence(archive: zipfile.ZipFile, manifest: Manifest, instance_path: str) -> int:
    directory = evidence_directory(instance_path)
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    written = 0
    for member, checksum in manifest.members.items():
        if not member.startswith(EVIDENCE_FOLDER):
            continue
        path = stored_path(instance_path, member[len(EVIDENCE_FOLDER):])
        if path is None:
            raise BackupError(f"The backup names an evidence file this application never writes: {member}")
        if path.is_file():
            with path.open("rb") as existing:
                if sha256_of(existing) == checksum:
                    continue
        partial = path.with_name(f".{path.name}.part")
        with archive.open(member) as stream, partial.open("wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        os.replace(partial, path)
        written += 1
    return written
