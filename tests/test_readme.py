"""The README tells a new user how to start, and what removes every test skip."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Every way a test skips itself, and the README's words that remove it.
SKIPS = {
    "tests/conftest.py": ["needs PostgreSQL", "postgresql", "TEST_DATABASE_URL"],
    "tests/browser/conftest.py": ["/usr/bin/chromium is missing", "`chromium`", "fonts-thai-tlwg"],
    "tests/reports/test_pdf.py": ["WeasyPrint cannot load Pango", "libpango-1.0-0", "libpangoft2-1.0-0",
                                  "pdftotext (poppler-utils) is not installed", "poppler-utils"],
    "tests/test_base_url.py": ["needs make", "`make`"],
    "tests/test_migrations.py": ["trigram indexes exist on PostgreSQL only", "postgresql"],
    "tests/backup/test_backup.py": ["the portable dump is PostgreSQL's fallback without pg_dump", "postgresql"],
    "tests/drafting/test_document.py": ["WeasyPrint cannot load Pango", "libreoffice-writer-nogui",
                                        "LibreOffice (libreoffice-writer-nogui) or pdftoppm is not installed"],
}
SKIP_CALL = re.compile(r"pytest\.skip\(|pytest\.mark\.skipif\(|pytest\.importorskip\(")


def test_make_run_settings_are_documented():
    for words in ("make run PORT=5101", "HOST=0.0.0.0", "PYTHON=", "APP_BASE_URL=http://HOST:PORT",
                  "first run", "1–2 minutes"):
        assert words in README, words


def test_every_file_that_skips_tests_is_documented_with_the_package_that_removes_the_skip():
    skipping = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "tests").rglob("*.py")
                      if path.name != "test_readme.py" and SKIP_CALL.search(path.read_text(encoding="utf-8")))
    assert skipping == sorted(SKIPS), "a test file skips for a reason the README does not explain"
    for words in SKIPS.values():
        for word in words:
            assert word in README, word
