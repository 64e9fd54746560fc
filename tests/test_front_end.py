"""Front-end files: vendored with checksums, no CDN, no inline script or style."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = list((ROOT / "templates").rglob("*.html"))


def test_vendor_files_match_their_recorded_checksums():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "fetch_assets.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_templates_load_nothing_from_other_sites():
    offenders = [str(p) for p in TEMPLATES if re.search(r"""(src|href)=["']https?://""", p.read_text())]
    assert offenders == []


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)) + " (inline event handler)")
    assert offenders == []


def test_vendor_files_are_served(client):
    for path in ("/static/vendor/bootstrap/bootstrap.min.css", "/static/vendor/sarabun/sarabun-thai-400-normal.woff2",
                 "/static/css/app.css", "/static/js/app.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()
