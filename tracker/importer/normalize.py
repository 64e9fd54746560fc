"""Clean text that went through Word, PDF converters or HTML, and decode uploaded bytes."""
from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile

from tracker.importer.findings import Finding

class ImportReadError(ValueError):
    """An upload that cannot be read as a report at all (binary, too big, broken).

    `code` and `params` name the problem as a `Finding` does (see
    `tracker.importer.findings.MESSAGES`); the exception's text is the
    English message, for logs and the CLI.
    """

    def __init__(self, code: str, **params) -> None:
        self.finding = Finding(code, params)
        super().__init__(self.finding.message)

    @property
    def code(self) -> str:
        return self.finding.code


# Characters that carry no text but break matching: zero-width space, joiners,
# word joiner and the byte-order mark (which Word leaves at the start of exports).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# No-break, ideographic and the typographic spaces: all become a plain space.
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# PDF converters and old Thai keyboards write sara am as nikhahit + sara aa,
# sometimes with the tone mark between them (น + ํ + ้ + า).
_SPLIT_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_LINE_BREAKS = re.compile(r"\r\n?")


def clean_text(text: str) -> str:
    """Normalize characters and line ends; keep the lines, tabs and tags as they are.

    CRLF and CR become LF; the byte-order mark and zero-width characters go;
    no-break and other odd spaces become plain spaces; `ํา` becomes `ำ`; the
    result is in Unicode NFC (which also puts Thai vowel and tone marks in
    their canonical order).
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_INVISIBLE)
    text = _ODD_SPACES.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    return _SPLIT_SARA_AM.sub("\\1\u0e33", text)


# Only ASCII tag names, so that Thai text such as "คะแนน < 85" is left alone.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BREAK_TAGS = re.compile(r"<br\s*/?>|</p>\s*<p(?:\s[^<>]*)?>", re.IGNORECASE)


def strip_html(text: str) -> str:
    """Drop stray HTML tags and unescape entities; `<br>` and `</p><p>` become line breaks.

    Entities are unescaped after the tags are removed, so that an escaped
    `&lt;p&gt;` written as text survives as `<p>`.
    """
    text = _BREAK_TAGS.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


_SPACE_RUNS = re.compile(r"[^\S\n]+")


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs into one space and trim every line."""
    lines = (_SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def clean_fragment(text: str) -> str:
    """Clean one paragraph or cell: characters, tags, entities and spacing."""
    return collapse_spaces(strip_html(clean_text(text)))


def without_spaces(text: str) -> str:
    """The text with every space removed: a key for comparing Thai names whose
    words were broken by spaces (`การปรับปรุงระบบ การทำงาน`)."""
    return re.sub(r"\s+", "", text)


# --- uploaded bytes ----------------------------------------------------------

_BYTE_ORDER_MARKS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
_BINARY_SIGNATURES = (
    (b"%PDF", "pdf_file", {}),
    (b"\x89PNG", "image_file", {"kind": "PNG"}),
    (b"\xff\xd8\xff", "image_file", {"kind": "JPEG"}),
    (b"GIF8", "image_file", {"kind": "GIF"}),
    (b"\xd0\xcf\x11\xe0", "old_office_file", {}),
)
_ZIP_SIGNATURE = b"PK\x03\x04"
# Text may hold a stray form feed or vertical tab; more than this share of other
# control characters means the bytes are not text.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def is_docx(data: bytes) -> bool:
    """True when the bytes are a ZIP package holding `word/document.xml`."""
    if not data.startswith(_ZIP_SIGNATURE):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


def decode_upload(data: bytes) -> str:
    """Decode an uploaded text file, refusing anything that is not text.

    Tries UTF-8 (with or without a byte-order mark), UTF-16 when it starts
    with a byte-order mark, then Windows-874 (a superset of TIS-620, the Thai
    encoding older Windows programs write). Raises `ImportReadError` for
    PDFs, images, ZIP packages (a .docx goes to the Word reader instead),
    bytes with NULs and bytes that no Thai encoding can decode.
    """
    for signature, code, params in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ImportReadError(code, **params)
    if data.startswith(_ZIP_SIGNATURE):
        if is_docx(data):
            raise ImportReadError("docx_given_as_text")
        raise ImportReadError("zip_file")
    for bom, codec, name in _BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                return _checked_text(data.decode(codec))
            except UnicodeDecodeError as exc:
                raise ImportReadError("bad_unicode", encoding=name) from exc
    if b"\x00" in data:
        raise ImportReadError("binary_file")
    for encoding in ("utf-8", "cp874"):
        try:
            return _checked_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ImportReadError("unknown_encoding")


def _checked_text(text: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls and controls > _MAX_CONTROL_SHARE * len(text):
        raise ImportReadError("binary_file")
    return text
