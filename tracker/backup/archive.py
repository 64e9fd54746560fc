"""Backup archives: a zip of the database, the evidence files and a manifest of their SHA-256 checksums.

Layout:
    manifest.json              format, revision, time, database kind, every member's SHA-256
    database.sqlite3           SQLite: a copy made with SQLite's online backup API
    database.pgdump            PostgreSQL with pg_dump installed: its custom format
    database/<table>.jsonl     otherwise: one JSON object per row, read in one snapshot
    evidence/<stored name>     each file an evidence record of that database names
"""
from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMAT = "ita-tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_DUMP_MEMBER = "database.pgdump"
ROWS_FOLDER = "database/"
EVIDENCE_FOLDER = "evidence/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why (in English, for the CLI)."""


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def encode_value(value: Any) -> Any:
    """A column value as JSON, with its type kept where JSON has none."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (bytes, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (kind, text), = value.items()
        if kind == "$datetime":
            return datetime.fromisoformat(text)
        if kind == "$date":
            return date.fromisoformat(text)
        if kind == "$decimal":
            return Decimal(text)
        if kind == "$bytes":
            return base64.b64decode(text)
    return value


@dataclass
class Manifest:
    revision: str | None
    created_at: str
    database: str  # "sqlite", "pg_dump" or "rows"
    tables: dict[str, int]  # rows per table (what was read)
    members: dict[str, str]  # member name -> SHA-256
    evidence: int

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT, "version": FORMAT_VERSION, **self.__dict__}, ensure_ascii=False, indent=1, sort_keys=True
        )

    @classmethod
    def read(cls, archive: zipfile.ZipFile) -> Manifest:
        try:
            data = json.loads(archive.read(MANIFEST))
        except KeyError as error:
            raise BackupError("This is not an ITA Tracker backup: it has no manifest.") from error
        if data.get("format") != FORMAT:
            raise BackupError("This is not an ITA Tracker backup.")
        if data.get("version", 0) > FORMAT_VERSION:
            raise BackupError("This backup was made by a newer version of ITA Tracker; upgrade first.")
        return cls(
            revision=data.get("revision"), created_at=data["created_at"], database=data["database"],
            tables=data.get("tables", {}), members=data["members"], evidence=data.get("evidence", 0),
        )


def verify(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """Every member the manifest names is there with its checksum, and nothing else."""
    names = set(archive.namelist()) - {MANIFEST}
    missing = set(manifest.members) - names
    if missing:
        raise BackupError(f"The backup is incomplete: {len(missing)} parts are missing, e.g. {sorted(missing)[0]}.")
    extra = names - set(manifest.members)
    if extra:
        raise BackupError(f"The backup holds parts its manifest does not list, e.g. {sorted(extra)[0]}.")
    for name, expected in manifest.members.items():
        try:
            with archive.open(name) as stream:
                actual = sha256_of(stream)
        except (zipfile.BadZipFile, OSError) as error:
            raise BackupError(f"The backup is damaged at {name}: {error}") from error
        if actual != expected:
            raise BackupError(f"The backup is damaged: the checksum of {name} does not match.")


def open_archive(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise BackupError(f"No such file: {path}") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"This is not a backup archive ({error}).") from error
