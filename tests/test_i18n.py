"""Every UI string has a Thai translation; the catalogs are well formed."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
THAI_PO = ROOT / "tracker" / "translations" / "th" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHOD_MAP = [("tracker/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]


def extracted_messages() -> set[str]:
    messages = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def test_thai_catalog_translates_every_message():
    with THAI_PO.open("rb") as handle:
        catalog = read_po(handle, locale="th")
    missing = []
    for message in sorted(extracted_messages()):
        entry = catalog.get(message)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(message)
        elif isinstance(entry.string, tuple) and not all(entry.string):
            missing.append(message)
    assert not missing, "untranslated in th/messages.po (run `make extract-messages`):\n" + "\n".join(missing)


def test_thai_translations_keep_placeholders():
    with THAI_PO.open("rb") as handle:
        catalog = read_po(handle, locale="th")
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    broken = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[0]
        target = entry.string if isinstance(entry.string, str) else entry.string[0]
        if sorted(placeholder.findall(source)) != sorted(placeholder.findall(target)):
            broken.append(source)
    assert not broken, f"placeholders differ in: {broken}"
