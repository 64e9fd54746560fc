"""Evidence files are checked by content as well as by name, without a database."""
import io

import pytest

from tracker.measures import evidence
from tracker.measures.evidence import check_uploads, display_name, has_path_parts, sniff

from .files import DOC, DOCX, EXE, GIF, JPEG, MSI, ODT, PDF, PLAIN_ZIP, PNG, PPTX, WEBP, XLS, XLSX, upload

MB = 1024 * 1024


@pytest.mark.parametrize("data, kind", [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (GIF, "gif"), (WEBP, "webp"), (DOCX, "docx"),
    (XLSX, "xlsx"), (PPTX, "pptx"), (ODT, "odt"), (DOC, "doc"), (XLS, "xls"),
])
def test_sniff_recognises_accepted_formats(data, kind):
    assert sniff(io.BytesIO(data)).key == kind


@pytest.mark.parametrize("data", [EXE, PLAIN_ZIP, MSI, b"hello", b"", b"<html>%PDF-"])
def test_sniff_refuses_everything_else(data):
    assert sniff(io.BytesIO(data)) is None


def check(*uploads, max_bytes=20 * MB, max_files=10):
    return check_uploads(uploads, max_bytes=max_bytes, max_files=max_files)


@pytest.mark.parametrize("name, data", [
    ("รายงาน.pdf", PDF), ("photo.JPG", JPEG), ("scan.jpg", PNG), ("แผน.docx", DOCX), ("งบ.xlsx", XLSX),
    ("old.doc", DOC), ("old.xls", XLS), ("slides.pptx", PPTX), ("ร่าง.odt", ODT),
])
def test_good_files_pass(name, data):
    accepted, errors = check(upload(name, data))
    assert errors == []
    assert accepted[0].name == name


def test_an_executable_renamed_pdf_is_refused():
    accepted, errors = check(upload("report.pdf", EXE))
    assert accepted == []
    assert "PDF" in str(errors[0])


@pytest.mark.parametrize("name, data", [("sheet.xlsx", DOCX), ("doc.docx", PLAIN_ZIP), ("setup.doc", MSI),
                                        ("pic.png", PDF)])
def test_content_must_match_the_extension(name, data):
    assert check(upload(name, data))[1]


@pytest.mark.parametrize("name", ["virus.exe", "page.html", "image.svg", "noextension", "macro.docm"])
def test_other_extensions_are_refused(name):
    assert check(upload(name, PDF))[1]


def test_size_limit_and_empty_files():
    assert check(upload("big.pdf", PDF + b"0" * (2 * MB)), max_bytes=MB)[1]
    assert check(upload("empty.pdf", b""))[1]
    assert check(upload("ok.pdf", PDF), max_bytes=len(PDF))[1] == []


def test_count_limit():
    files = [upload(f"{n}.pdf", PDF) for n in range(3)]
    assert check(*files, max_files=2)[1]
    assert len(check(*files, max_files=3)[0]) == 3


def test_one_bad_file_refuses_the_lot():
    accepted, errors = check(upload("good.pdf", PDF), upload("bad.pdf", EXE))
    assert accepted == [] and len(errors) == 1


def test_unselected_file_inputs_are_ignored():
    assert check(upload("", b"")) == ([], [])


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\..\\x.pdf", "a/b.pdf", "C:\\Users\\x.pdf", ".."])
def test_names_with_folder_parts_are_refused(name):
    assert has_path_parts(name)
    accepted, errors = check(upload(name, PDF))
    assert accepted == [] and len(errors) == 1


@pytest.mark.parametrize("raw, shown", [
    ("../../x.pdf", "x.pdf"),
    ("รายงานผล ไตรมาส ๒.pdf", "รายงานผล ไตรมาส ๒.pdf"),
    ("evil\u202egpj.exe.pdf", "evilgpj.exe.pdf"),
    ("a\r\nb.pdf", "a b.pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("", "file.pdf"),
])
def test_display_names_are_safe(raw, shown):
    assert display_name(raw, ".pdf") == shown


def test_long_names_keep_their_extension():
    name = display_name("ก" * 400 + ".pdf")
    assert len(name) == 255 and name.endswith(".pdf")


def test_stored_path_accepts_only_generated_names(tmp_path):
    assert evidence.stored_path(tmp_path, "0123456789abcdef0123456789abcdef.pdf") is not None
    assert evidence.stored_path(tmp_path, "../secret_key") is None
