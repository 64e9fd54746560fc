"""Evidence files: which are accepted (by content as well as by name) and how they are kept.

A file is accepted when its extension is one of ours AND its bytes are what
the extension says (an `.exe` renamed `.pdf` is refused). It is stored under
`instance/evidence/` with a random name; the name the user gave is kept for
display only. Files written during a transaction that does not commit are
deleted again, so a failed update leaves no orphan on disk.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

CHUNK = 1 << 16
MAX_NAME_LENGTH = 255
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{2,5}$")


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str  # how people name the format: "PDF", "Word"...
    content_type: str
    extensions: tuple[str, ...]
    family: str
    inline: bool = False  # shown in the browser rather than downloaded


KINDS = {
    kind.key: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf", (".pdf",), "pdf", inline=True),
        FileKind("png", "PNG", "image/png", (".png",), "image", inline=True),
        FileKind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), "image", inline=True),
        FileKind("gif", "GIF", "image/gif", (".gif",), "image", inline=True),
        FileKind("webp", "WebP", "image/webp", (".webp",), "image", inline=True),
        FileKind("docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 (".docx",), "word"),
        FileKind("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 (".xlsx",), "excel"),
        FileKind("pptx", "PowerPoint",
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",), "powerpoint"),
        FileKind("doc", "Word 97-2003", "application/msword", (".doc",), "word"),
        FileKind("xls", "Excel 97-2003", "application/vnd.ms-excel", (".xls",), "excel"),
        FileKind("ppt", "PowerPoint 97-2003", "application/vnd.ms-powerpoint", (".ppt",), "powerpoint"),
        FileKind("odt", "OpenDocument Text", "application/vnd.oasis.opendocument.text", (".odt",), "word"),
        FileKind("ods", "OpenDocument Spreadsheet", "application/vnd.oasis.opendocument.spreadsheet",
                 (".ods",), "excel"),
        FileKind("odp", "OpenDocument Presentation", "application/vnd.oasis.opendocument.presentation",
                 (".odp",), "powerpoint"),
    )
}
KIND_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}
ACCEPTED_EXTENSIONS = tuple(KIND_BY_EXTENSION)
# For the file input's `accept` attribute: a hint to the browser, never a check.
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_EXTENSIONS)

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Legacy Office files are OLE containers; the name of their main stream (in
# UTF-16 in the container's directory) says which program wrote them. An
# installer (.msi) is an OLE container too, but has none of these.
_OLE_STREAMS = (
    ("doc", ("WordDocument",)),
    ("xls", ("Workbook", "Book")),
    ("ppt", ("PowerPoint Document",)),
)
_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OOXML_PARTS = (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml"), ("pptx", "ppt/presentation.xml"))


class Upload(Protocol):
    """What a view passes for each file: Werkzeug's FileStorage fits."""

    filename: str | None
    stream: IO[bytes]


# --- recognising content ------------------------------------------------------

def sniff(stream: IO[bytes]) -> FileKind | None:
    """The kind of file the bytes are, whatever its name says; None when not one we accept."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    key = None
    if head.startswith(b"%PDF-"):
        key = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        key = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        key = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        key = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        key = "webp"
    elif head.startswith(b"PK\x03\x04"):
        key = _zip_kind(stream)
    elif head.startswith(_OLE_SIGNATURE):
        key = _ole_kind(stream)
    stream.seek(0)
    return KINDS.get(key) if key else None


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                with archive.open("mimetype") as member:
                    return _ODF_TYPES.get(member.read(100).strip())
            if "[Content_Types].xml" in names:
                present = set(names)
                return next((key for key, part in _OOXML_PARTS if part in present), None)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError):
        return None
    return None


def _ole_kind(stream: IO[bytes]) -> str | None:
    patterns = [(key, name.encode("utf-16-le")) for key, names in _OLE_STREAMS for name in names]
    longest = max(len(p) for _, p in patterns)
    tail = b""
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        window = tail + chunk
        for key, pattern in patterns:
            if pattern in window:
                return key
        tail = window[-longest:]
    return None


# --- names ----------------------------------------------------------------------

_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}
# Zero-width joiners do occur in Thai text; direction overrides (which can
# make "xyz.exe" look like "exe.pdf") and other format characters do not.
_KEEP_FORMAT = {"\u200c", "\u200d"}


def has_path_parts(name: str | None) -> bool:
    """True for names that try to point elsewhere: `../../x.pdf`, `a/b.pdf`, `C:\\x.pdf`."""
    text = name or ""
    return "/" in text or "\\" in text or text.strip() in {".", ".."} or "\x00" in text


def display_name(name: str | None, fallback_extension: str = "") -> str:
    """The user's file name, made safe to show and to put in a download header.

    Keeps Thai text; drops folders, control and direction-override
    characters, and leading dots; shortens to 255 characters keeping the
    extension.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = re.sub(r"\s", " ", text)
    text = "".join(
        ch for ch in text if ch in _KEEP_FORMAT or unicodedata.category(ch) not in _INVISIBLE
    )
    text = " ".join(text.split()).strip(" .")
    if not text or text.startswith("."):
        text = "file" + fallback_extension
    if len(text) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(text)
        ext = ext[:16]
        text = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return text


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower()


# --- checking uploads ----------------------------------------------------------

@dataclass
class CheckedUpload:
    """A file that passed every check, ready to be stored."""

    stream: IO[bytes]
    name: str  # for display
    kind: FileKind
    size: int


def accepted_types_text() -> str:
    return "PDF, JPG, PNG, GIF, WebP, Word, Excel, PowerPoint, OpenDocument"


def _measured(stream: IO[bytes], limit: int) -> tuple[IO[bytes], int]:
    """The stream (seekable) and its size; reads at most `limit + 1` bytes of a
    stream that cannot seek, which is enough to know it is too large."""
    if stream.seekable():
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        return stream, size
    copy = tempfile.SpooledTemporaryFile(max_size=1 << 20)
    size = 0
    while size <= limit and (chunk := stream.read(CHUNK)):
        copy.write(chunk)
        size += len(chunk)
    copy.seek(0)
    return copy, size


def check_uploads(
    uploads: Iterable[Upload], *, max_bytes: int, max_files: int
) -> tuple[list[CheckedUpload], list]:
    """Check each file's name, size and content. Returns the accepted files and
    the messages for the refused ones (empty when all are fine)."""
    chosen = [u for u in uploads if u is not None and (u.filename or "").strip()]
    errors: list = []
    if len(chosen) > max_files:
        return [], [_l("You can attach at most %(count)d files to one update.", count=max_files)]
    checked: list[CheckedUpload] = []
    limit_mb = max(1, round(max_bytes / (1024 * 1024)))
    for upload in chosen:
        raw_name = upload.filename or ""
        name = display_name(raw_name)
        if has_path_parts(raw_name):
            errors.append(_l("The file name “%(name)s” contains folder parts (such as ../). "
                             "Rename the file, for example to “%(safe)s”, and attach it again.",
                             name=raw_name, safe=name))
            continue
        expected = KIND_BY_EXTENSION.get(extension_of(name))
        if expected is None:
            errors.append(_l("“%(name)s”: this type of file is not accepted. Attach %(types)s files.",
                             name=name, types=accepted_types_text()))
            continue
        stream, size = _measured(upload.stream, max_bytes)
        if size == 0:
            errors.append(_l("“%(name)s” is empty.", name=name))
            continue
        if size > max_bytes:
            errors.append(_l("“%(name)s” is larger than %(limit)d MB. Reduce its size (for example scan at a "
                             "lower resolution) or split it.", name=name, limit=limit_mb))
            continue
        actual = sniff(stream)
        if actual is None or not _same_format(expected, actual):
            errors.append(_l("“%(name)s” is not a real %(type)s file: its content does not match its name. "
                             "Open it and save it again as %(type)s, then attach it again.",
                             name=name, type=expected.label))
            continue
        checked.append(CheckedUpload(stream=stream, name=name, kind=actual, size=size))
    return ([] if errors else checked), errors


def _same_format(expected: FileKind, actual: FileKind) -> bool:
    # A photo saved as .jpg that is really a PNG is still the photo the user meant.
    return expected.key == actual.key or expected.family == actual.family == "image"


# --- storage -------------------------------------------------------------------

@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size: int
    sha256: str


def evidence_directory(instance_path: str | Path) -> Path:
    return Path(instance_path) / "evidence"


def stored_path(instance_path: str | Path, stored_name: str) -> Path | None:
    """Where a stored file lives; None for a name we never generate."""
    if not STORED_NAME.match(stored_name or ""):
        return None
    return evidence_directory(instance_path) / stored_name


def store(upload: CheckedUpload, instance_path: str | Path, session: Session) -> StoredFile:
    """Write the file under a new random name and hash it.

    The file is deleted again if `session`'s transaction does not commit.
    """
    directory = evidence_directory(instance_path)
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    stored_name = secrets.token_hex(16) + upload.kind.extensions[0]
    path = directory / stored_name
    _forget_unless_committed(session, path)
    digest = hashlib.sha256()
    size = 0
    upload.stream.seek(0)
    with open(path, "xb") as out:
        while chunk := upload.stream.read(CHUNK):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return StoredFile(stored_name=stored_name, size=size, sha256=digest.hexdigest())


_PENDING = "tracker.evidence.uncommitted_files"


def _forget_unless_committed(session: Session, path: Path) -> None:
    session.info.setdefault(_PENDING, []).append(path)


@event.listens_for(Session, "after_commit")
def _files_committed(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    for path in session.info.pop(_PENDING, []):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
