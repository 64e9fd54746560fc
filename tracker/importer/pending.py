"""Imports waiting for the admin's confirmation, kept server-side as JSON files.

The parse result never travels through the browser: the preview form only
sends the admin's edits (due dates, division choices), and the result is read
back from `instance/imports/<token>.json`. A pending import belongs to one
user of one organization and expires; anyone else gets "not found".
"""
from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .result import ParseResult

DEFAULT_MAX_AGE = timedelta(hours=24)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class PendingImport:
    token: str
    organization_id: int
    user_id: int
    created_at: datetime
    filename: str
    result: ParseResult
    # Division name read → id of an existing division (as text) or NEW_DIVISION.
    division_choices: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "organization_id": self.organization_id,
            "user_id": self.user_id,
            "created_at": self.created_at.isoformat(),
            "filename": self.filename,
            "result": self.result.to_json(complete=True),
            "division_choices": self.division_choices,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingImport:
        return cls(
            token=data["token"],
            organization_id=int(data["organization_id"]),
            user_id=int(data["user_id"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            filename=data.get("filename") or "",
            result=ParseResult.from_json(data["result"]),
            division_choices={str(k): str(v) for k, v in (data.get("division_choices") or {}).items()},
        )


class PendingImports:
    """The pending imports kept in one directory."""

    def __init__(self, directory: str | Path, max_age: timedelta = DEFAULT_MAX_AGE) -> None:
        self.directory = Path(directory)
        self.max_age = max_age

    def create(
        self, *, organization_id: int, user_id: int, filename: str, result: ParseResult, now: datetime
    ) -> PendingImport:
        pending = PendingImport(
            token=secrets.token_urlsafe(32),
            organization_id=organization_id,
            user_id=user_id,
            created_at=now,
            filename=filename,
            result=result,
        )
        self.save(pending)
        return pending

    def save(self, pending: PendingImport) -> None:
        """Write atomically, so that a reader never sees half a file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(pending.to_json(), out, ensure_ascii=False)
            os.replace(temporary, self._path(pending.token))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self, token: str, *, organization_id: int, user_id: int, now: datetime) -> PendingImport | None:
        """The pending import if it exists, has not expired and belongs to this user
        of this organization; None otherwise."""
        path = self._path(token)
        if path is None or not path.is_file():
            return None
        try:
            pending = PendingImport.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            return None
        if pending.organization_id != organization_id or pending.user_id != user_id:
            return None
        if self.expired(pending, now):
            path.unlink(missing_ok=True)
            return None
        return pending

    def delete(self, token: str) -> None:
        path = self._path(token)
        if path is not None:
            path.unlink(missing_ok=True)

    def expired(self, pending: PendingImport, now: datetime) -> bool:
        return now - pending.created_at > self.max_age

    def remove_expired(self, now: datetime) -> int:
        """Delete the files of expired (or unreadable) pending imports; returns how many."""
        if not self.directory.is_dir():
            return 0
        removed = 0
        for path in self.directory.glob("*.json"):
            try:
                created = datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["created_at"])
                stale = now - created > self.max_age
            except (ValueError, KeyError, TypeError, OSError):
                stale = True
            if stale:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _path(self, token: str) -> Path | None:
        # The token comes from a URL: only our own alphabet, never a path.
        if not isinstance(token, str) or not _TOKEN.match(token):
            return None
        return self.directory / f"{token}.json"
