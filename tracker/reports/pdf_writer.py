"""The progress report as PDF: WeasyPrint renders the HTML of the print view.

WeasyPrint (through Pango and HarfBuzz) shapes Thai and breaks Thai lines
correctly. It needs the Pango library of the system; where it is missing,
`ensure_pdf_available` says so and the other formats still work.

The fonts are the Sarabun files the application serves (`static/vendor/
sarabun/`), loaded by `@font-face` from `static/css/report-pdf.css`, with
Debian's TLWG fonts as the fallback. Only files under `static/` are read.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from . import wording
from .report import ProgressReport
from .wording import Numbers

log = logging.getLogger(__name__)

THAI = re.compile("[\u0e00-\u0e7f]")


class PdfUnavailable(DomainError):
    """The server cannot make PDF files (WeasyPrint or Pango is missing)."""

    status_code = 503


def import_weasyprint() -> ModuleType:
    """Import WeasyPrint; an OSError means the system lacks Pango (or its fonts)."""
    import weasyprint

    return weasyprint


def load_weasyprint() -> ModuleType:
    try:
        weasyprint = import_weasyprint()
    except (ImportError, OSError) as error:
        log.warning("PDF reports are unavailable: %s", error)
        raise PdfUnavailable(
            _l(
                "PDF files cannot be made on this server: the Pango library that WeasyPrint needs is "
                "not installed. Download the Word or Excel file instead, or ask the administrator to "
                "install Pango (scripts/system_packages.sh)."
            )
        ) from error
    keep_thai_text_extractable()
    for name in ("weasyprint", "fontTools"):
        # Their progress messages would fill the log with every report.
        logging.getLogger(name).setLevel(logging.WARNING)
    return weasyprint


def pdf_available() -> bool:
    try:
        load_weasyprint()
    except PdfUnavailable:
        return False
    return True


def ensure_pdf_available() -> None:
    load_weasyprint()


@functools.cache
def keep_thai_text_extractable() -> None:
    """Let copy-and-paste and `pdftotext` read Thai text back as it was written.

    HarfBuzz draws SARA AM (ำ) as NIKHAHIT + SARA AA and moves tone marks
    around it, so one glyph stands for different letters in different words;
    WeasyPrint maps each glyph to a single text, and "การ" would come back
    as "กำร". Each line of Thai is therefore wrapped in a marked-content span
    carrying its real text (`/ActualText`, PDF 1.5), which readers use instead
    of the glyphs. The function is patched once, in WeasyPrint's drawing
    module; if a later WeasyPrint moves it, PDFs are still made, only
    without the spans (the PDF test shows it).
    """
    import pydyf
    import weasyprint.draw as draw

    original = getattr(draw, "draw_text", None)
    if original is None or getattr(original, "keeps_thai_text", False):
        return

    @functools.wraps(original)
    def draw_text(stream, textbox, *args, **kwargs):
        text = getattr(textbox, "text", "")
        if not THAI.search(text):
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.keeps_thai_text = True
    draw.draw_text = draw_text


def static_folder() -> Path:
    return Path(current_app.static_folder).resolve()


def static_only_fetcher(weasyprint: ModuleType):
    """A URL fetcher that reads files under static/ and nothing else (no network)."""
    root = static_folder().as_uri() + "/"

    class StaticOnly(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(root) or ".." in url:
                raise ValueError(f"Only the application's static files are used in reports: {url}")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=("file",))


def page_css(numbers: Numbers) -> str:
    """Page numbers in the page margin, in Thai digits when the document uses them."""
    style = ", thai" if numbers.thai_digits else ""
    return (
        "@page { @bottom-right { content: "
        f'"{wording.PAGE} " counter(page{style}) " / " counter(pages{style}); '
        "font-size: 10pt; } }"
    )


@contextlib.contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Python's cycle collector off while WeasyPrint lays out and draws a document.

    WeasyPrint makes millions of objects (boxes, styles, Pango layouts) and
    keeps the laid-out document until it is written, so the collector runs
    thousands of times, each full pass walking every box made so far, and
    finds almost nothing to free: about 15 % of the CPU time of a 270-page
    report (benchmarks/report_speed.py --pdf). Reference counting frees
    memory as before; what is left in cycles is collected once the
    collector is back on. A caller that had switched it off finds it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(html: str, stylesheets: tuple[str, ...], extra_css: str = "") -> bytes:
    """A PDF of `html` styled by the named files of static/css/, fonts and images from static/ only."""
    weasyprint = load_weasyprint()
    with garbage_collection_paused():
        return write_pdf(weasyprint, html, stylesheets, extra_css)


def write_pdf(weasyprint: ModuleType, html: str, stylesheets: tuple[str, ...], extra_css: str) -> bytes:
    from weasyprint.text.fonts import FontConfiguration

    fetcher = static_only_fetcher(weasyprint)
    fonts = FontConfiguration()
    css_folder = static_folder() / "css"
    sheets = [
        weasyprint.CSS(filename=str(css_folder / name), font_config=fonts, url_fetcher=fetcher)
        for name in stylesheets
    ]
    if extra_css:
        sheets.append(weasyprint.CSS(string=extra_css, font_config=fonts))
    document = weasyprint.HTML(string=html, base_url=static_folder().as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets, font_config=fonts)


def render_pdf(report: ProgressReport, numbers: Numbers = Numbers()) -> bytes:
    """The report as the bytes of a PDF file."""
    html = render_template("reports/document_pdf.html", report=report, n=numbers, w=wording)
    return html_to_pdf(html, ("report-pdf.css", "report-document.css"), page_css(numbers))
