"""Backup and restore: taken while progress with evidence is written, restored consistent, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from tests.conftest import TODAY, is_postgres
from tests.measures.files import PDF, upload
from tracker import create_app
from tracker.backup.archive import BackupError
from tracker.backup.services import create_backup, restore_backup
from tracker.extensions import db
from tracker.measures.evidence import stored_path
from tracker.measures.services import record_progress
from tracker.models import Evidence, Measure, Organization, ProgressUpdate, Role, Step, User


def restore_url(database_url: str, tmp_path: Path) -> str:
    if not is_postgres():
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    return sa.make_url(database_url).set(database=f"{sa.make_url(database_url).database}_restore").render_as_string(
        hide_password=False
    )


@pytest.fixture
def target(app, database_url, tmp_path):
    """A second application on its own empty database and instance folder (test_..._restore on PostgreSQL)."""
    url = restore_url(database_url, tmp_path)
    admin_engine = None
    if is_postgres():
        admin_engine = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        name = sa.make_url(url).database
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    restored = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(tmp_path / "restored-instance"))
    yield restored
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin_engine is not None:
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture
def office(make_org, make_division, make_user, make_measure):
    org = make_org(slug="backup-office")
    division = make_division(org, "สำนักปลัด")
    clerk = make_user(org, Role.STAFF, divisions=[division])
    measure = make_measure(org, divisions=[division], steps=[f"ขั้นตอน {n}" for n in range(1, 4)])
    return org, clerk, measure


def write_progress(app, user_id: int, step_ids: list[int], started: threading.Event, stop: threading.Event,
                   written: list[int], errors: list[BaseException]) -> None:
    """Record progress with a file again and again, as clerks do, until told to stop."""
    try:
        n = 0
        while not stop.is_set() and n < 200:
            with app.app_context():
                user = db.session.get(User, user_id)
                step = db.session.get(Step, step_ids[n % len(step_ids)])
                update = record_progress(
                    user, step, percent=min(99, n + 1), status="in_progress", note=f"ความคืบหน้าครั้งที่ {n}",
                    work_date=TODAY, files=[upload(f"หลักฐาน-{n}.pdf", PDF + str(n).encode())],
                    base_version=step.version, today=TODAY,
                )
                db.session.commit()
                written.append(update.id)
            n += 1
            if n >= 3:
                started.set()
    except BaseException as error:  # pragma: no cover - reported by the test
        errors.append(error)
        started.set()


def evidence_files_present(app) -> tuple[int, list[str]]:
    """(evidence records, those whose file is missing or differs from its checksum)."""
    with app.app_context():
        rows = db.session.execute(sa.select(Evidence.stored_name, Evidence.sha256)).all()
        bad = []
        for stored_name, checksum in rows:
            path = stored_path(app.instance_path, stored_name)
            if path is None or not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != checksum:
                bad.append(stored_name)
        return len(rows), bad


def test_a_backup_taken_while_progress_is_written_restores_consistent(app, ctx, office, target, tmp_path):
    org, clerk, measure = office
    started, stop, after_backup = threading.Event(), threading.Event(), threading.Event()
    written, errors = [], []
    writer = threading.Thread(
        target=write_progress, args=(app, clerk.id, [s.id for s in measure.steps], started, stop, written, errors)
    )
    writer.start()
    try:
        assert started.wait(timeout=60)
        archive = tmp_path / "backup.zip"
        manifest = create_backup(archive)
        during = len(written)
        # Let the clerk write once more after the backup, so that it is a moment's copy, not the end state.
        for _ in range(600):
            if len(written) > during:
                break
            threading.Event().wait(0.05)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert errors == []
    assert manifest.database == ("pg_dump" if is_postgres() else "sqlite")
    assert manifest.evidence == manifest.tables["evidence"] >= 3

    with target.app_context():
        restore_backup(archive)
        restored_updates = db.session.scalar(sa.select(sa.func.count(ProgressUpdate.id)))
        assert db.session.scalar(sa.select(Organization.slug)) == "backup-office"
        # Every update the backup holds comes with its evidence file, and nothing the clerk wrote later.
        assert restored_updates == manifest.tables["progress_updates"]
        assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == restored_updates
        # The restored database works: new rows get new ids.
        step = db.session.scalars(sa.select(Step).order_by(Step.id)).first()
        user = db.session.scalars(sa.select(User)).first()
        record_progress(user, step, percent=99, status="in_progress", note="หลังกู้คืน", work_date=TODAY,
                        files=[upload("ใหม่.pdf", PDF)], base_version=step.version, today=TODAY)
        db.session.commit()
    assert restored_updates < len(written)
    records, missing = evidence_files_present(target)
    assert records == restored_updates + 1 and missing == []


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(app, ctx, office, target, tmp_path):
    archive = tmp_path / "backup.zip"
    with app.app_context():
        create_backup(archive)
    with target.app_context():
        restore_backup(archive)
        with pytest.raises(BackupError, match="not empty"):
            restore_backup(archive)
        restore_backup(archive, force=True)
        assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 1


def test_a_damaged_backup_is_refused_before_anything_changes(app, ctx, office, target, tmp_path):
    archive = tmp_path / "backup.zip"
    with app.app_context():
        create_backup(archive)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("database"):
                data = data[:-10] + b"0123456789"
            copy.writestr(item, data)
    with target.app_context():
        flask_migrate.upgrade()
        db.session.add(Organization(name="ยังอยู่", slug="still-here"))
        db.session.commit()
        with pytest.raises(BackupError, match="checksum"):
            restore_backup(damaged, force=True)
        assert db.session.scalar(sa.select(Organization.slug)) == "still-here"
    with pytest.raises(BackupError, match="not a backup"):
        with target.app_context():
            (tmp_path / "junk.zip").write_bytes(b"junk")
            restore_backup(tmp_path / "junk.zip")


def test_a_portable_dump_restores_too(app, ctx, office, target, tmp_path):
    if not is_postgres():
        pytest.skip("the portable dump is PostgreSQL's fallback without pg_dump")
    archive = tmp_path / "backup.zip"
    manifest = create_backup(archive, use_pg_dump=False)
    assert manifest.database == "rows"
    with target.app_context():
        restore_backup(archive)
        assert db.session.scalar(sa.select(sa.func.count(Step.id))) == 3


def test_an_older_backup_is_migrated_after_restoring(target, tmp_path):
    """A backup made at revision 0004 (before this release's tables) comes back at the current head."""
    old = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}",
                     INSTANCE_PATH=str(tmp_path / "old-instance"))
    archive = tmp_path / "old.zip"
    with old.app_context():
        flask_migrate.upgrade(revision="0004")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO organizations (name, slug, kind, timezone, created_at) "
                "VALUES ('อบต.เก่า', 'old', 'sao', 'Asia/Bangkok', '2026-01-01 00:00:00')"
            ))
        manifest = create_backup(archive)
        db.engine.dispose()
    assert manifest.revision == "0004"
    with target.app_context():
        restore_backup(archive)
        assert db.session.scalar(sa.select(Organization.slug)) == "old"
        head = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        assert head != "0004"
        assert "mail_alerts" in sa.inspect(db.engine).get_table_names()


def test_the_cli_writes_and_restores(app, ctx, office, target, tmp_path):
    archive = tmp_path / "cli.zip"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert "evidence files" in result.output
    runner = target.test_cli_runner()
    with target.app_context():  # the source's context is open (the factories): the command must not use it
        result = runner.invoke(args=["backup", "restore", str(archive)])
        again = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert again.exit_code == 1 and "--force" in again.output
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    assert manifest["format"] == "ita-tracker-backup" and all(len(v) == 64 for v in manifest["members"].values())
