"""Every page, as each role sees it with the demo's data, reads in Thai: no English
message id left untranslated, no raw code (`print`, `in_progress`, `user.create`).

The routes are walked from the application's URL map, so that a new page is
checked without anyone adding it here; a page the walk cannot open fails the
test until it is given its arguments or listed as not a page.
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from babel.messages.pofile import read_po
from html.parser import HTMLParser

from tracker.auth.models import Role, User
from tracker.demo.report import import_demo_report
from tracker.demo.services import add_demo_progress, ensure_demo_organization, publish_demo_page
from tracker.extensions import db
from tracker.instructions.services import answer_instruction, write_instruction
from tracker.instructions.models import Instruction
from tracker.labels import AUDIT_ACTION_LABELS
from tracker.measures.models import Assessment, Evidence, Measure, Step, StepStatus, Tool
from tracker.ita import MeasureState, WorkGroup
from tracker.orgs.models import Division, OrgKind
from tracker.reminders.models import DeliveryStatus, ItemKind, NotificationKind
from tracker.reports.models import FeedScope

ROOT = Path(__file__).resolve().parent.parent
THAI_PO = ROOT / "tracker" / "translations" / "th" / "LC_MESSAGES" / "messages.po"
SEED = ROOT / "tests" / "fixtures" / "ita_report_muangphia_2568.txt"
PASSWORD = "demo-password-123"

# Not pages: files, feeds, health checks and the static folder.
NOT_PAGES = {"static", "main.health", "calendar.feed", "measures.evidence_file", "public.evidence_file",
             "instructions.file", "drafting.document"}
# Codes a page must never show as they are stored.
CODE_ENUMS = (StepStatus, Role, WorkGroup, MeasureState, OrgKind, DeliveryStatus, NotificationKind, ItemKind,
              FeedScope)
REPORT_OUTPUTS = ("print", "docx", "xlsx", "pdf")
# Words that read the same in Thai pages: names of the ITA's tools, file formats, the product.
SAME_IN_THAI = {"IIT", "EIT", "OIT", "ITA", "PDF", "Word", "Excel", "ITA Tracker"}
# Names of other products, addresses and links: they stay as they are written.
AS_WRITTEN = re.compile(r"Google Calendar|Apple Calendar|[\w.+-]+@[\w.-]+|(?:https?|webcal)://\S+")


def thai_catalog() -> list[tuple[str, str]]:
    """(message id, translation) of every translated message whose Thai differs from its English."""
    with THAI_PO.open("rb") as handle:
        catalog = read_po(handle, locale="th")
    found = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        thai = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
        if thai and thai != english and english not in SAME_IN_THAI:
            found.append((english, thai))
    return found


def probes(english: str) -> list[re.Pattern]:
    """What of a message id would show on a page: the message itself, or, around its
    placeholders, its longer literal pieces."""
    pieces = [p.strip(" .,:;()“”") for p in re.split(r"%\(\w+\)[sd]|%%", english)]
    if len(pieces) == 1:
        pieces = [english.strip()]
    else:
        pieces = [p for p in pieces if len(p.split()) >= 3]
    return [re.compile(r"(?<![\w@./-])" + re.escape(p) + r"(?![\w@/-])") for p in pieces if re.search("[A-Za-z]{2}", p)]


UNTRANSLATED = [(english, pattern) for english, _ in thai_catalog() for pattern in probes(english)]
CODES = sorted({str(v) for enum in CODE_ENUMS for v in enum} | set(REPORT_OUTPUTS) | set(AUDIT_ACTION_LABELS)
               | {str(t) for t in Tool} - SAME_IN_THAI)
CODE_PATTERN = re.compile(r"(?<![\w@./:-])(" + "|".join(map(re.escape, CODES)) + r")(?![\w@/-])")


class _Reader(HTMLParser):
    """Splits a page's words into what every reader sees and the small hints for the
    technical administrator (<small>, `.small`, `.form-text`); scripts, styles and
    <code> are neither."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    READ_ALOUD = ("title", "placeholder", "aria-label", "alt", "data-confirm")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []  # "skip", "hint" or "" per open element
        self.words: list[str] = []
        self.hints: list[str] = []

    def _bucket(self) -> list[str] | None:
        if "skip" in self.stack:
            return None
        return self.hints if "hint" in self.stack else self.words

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        kind = ("skip" if tag in ("script", "style", "code", "pre")
                else "hint" if tag == "small" or {"small", "form-text"} & set(classes) else "")
        bucket = self._bucket()
        if bucket is not None and kind != "skip":
            target = self.hints if kind == "hint" else bucket
            target.extend(a[name] for name in self.READ_ALOUD if a.get(name))
        if tag not in self.VOID:
            self.stack.append(kind)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        bucket = self._bucket()
        if bucket is not None:
            bucket.append(data)


def read_page(html: str) -> tuple[str, str]:
    """(the words every reader sees, the administrator's small hints)."""
    reader = _Reader()
    reader.feed(html)
    return (AS_WRITTEN.sub(" ", " ".join(reader.words)), AS_WRITTEN.sub(" ", " ".join(reader.hints)))


def visible_text(html: str) -> str:
    return " ".join(read_page(html))


# A setting's name (MAIL_SERVER, APP_BASE_URL) belongs in a hint, not in the words a clerk reads.
SETTING_NAME = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def problems_of(html: str, server_paths: tuple[str, ...] = ()) -> list[str]:
    words, hints = read_page(html)
    text = f"{words} {hints}"
    found = [f"untranslated: {english!r}" for english, pattern in UNTRANSLATED if pattern.search(text)]
    found += [f"raw code: {match!r} in …{text[max(0, m.start() - 40):m.end() + 40]!r}…"
              for m in CODE_PATTERN.finditer(text) for match in [m.group(1)]]
    found += [f"setting name outside a hint: {m.group()!r}" for m in SETTING_NAME.finditer(words)]
    found += [f"server path: {path!r}" for path in server_paths if path in html]
    return found


@pytest.fixture
def imports_dir(app):
    path = Path(app.instance_path) / "imports"
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def demo(ctx, fixed_today, client, sign_in, imports_dir):
    org, _ = ensure_demo_organization(PASSWORD)
    import_demo_report(org)
    add_demo_progress(org, fixed_today)
    publish_demo_page(org)
    db.session.commit()
    users = {u.role: u for u in db.session.scalars(sa.select(User).where(User.organization_id == org.id))}
    admin = users[Role.ADMIN]
    # An instruction with its answer, for the thread page (the demo's own comes with a late step).
    head = users[Role.DIVISION_HEAD]
    step = next(s for s in db.session.scalars(sa.select(Step).where(Step.organization_id == org.id).order_by(Step.id))
                if {d.id for d in s.divisions} & head.division_ids)
    instruction = write_instruction(users[Role.EXECUTIVE], step.measure, step=step, body="เร่งรัดการดำเนินการ")
    answer_instruction(head, instruction, body="รับทราบ จะดำเนินการภายในสัปดาห์นี้")
    db.session.commit()
    # Things the walk should find in the audit log, the outbox, the calendar and the importer.
    sign_in(admin, PASSWORD)
    for output in REPORT_OUTPUTS[:3]:
        client.get("/reports/export", query_string={"fiscal_year": 2569, "as_of": "16/03/2569", "output": output})
    client.post("/admin/reminders/test")
    client.post("/calendar/feeds", data={"scope": "mine"})
    upload = client.post("/import/", data={"report": (io.BytesIO(SEED.read_bytes()), "report.txt")},
                         content_type="multipart/form-data")
    token = upload.headers["Location"].rsplit("/", 1)[-1]
    client.post("/logout")
    return org, users, token


def url_values(org, users, token) -> dict:
    def first(model, *where):
        return db.session.scalars(sa.select(model.id).where(*where).order_by(model.id)).first()

    evidence = db.session.scalars(sa.select(Evidence).order_by(Evidence.id)).first()
    return {
        "assessment_id": first(Assessment, Assessment.organization_id == org.id),
        "division_id": first(Division, Division.organization_id == org.id),
        "user_id": users[Role.DIVISION_HEAD].id,
        "measure_id": first(Measure, Measure.organization_id == org.id),
        "step_id": first(Step, Step.organization_id == org.id, Step.status == StepStatus.IN_PROGRESS),
        "evidence_id": evidence.id if evidence else None,
        "token": token,
        "slug": org.slug,
        "fiscal_year": 2569,
        "year": 2568,  # the demo's assessment, for the ITA document pages
        "instruction_id": first(Instruction, Instruction.organization_id == org.id),
    }


def page_urls(app, values: dict) -> list[str]:
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            missing = [name for name in rule.arguments if values.get(name) is None]
            assert not missing, f"give the walk a value for {missing} ({rule.rule})"
            urls.append(url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}))
    urls.append("/reports/export?fiscal_year=2569&as_of=16%2F03%2F2569&output=print")
    urls.append("/steps?group=overdue")
    return sorted(set(urls))


def test_every_page_reads_in_thai_for_every_role(app, client, sign_in, demo):
    org, users, token = demo
    urls = page_urls(app, url_values(org, users, token))
    server_paths = (app.instance_path, str(ROOT))
    failures, seen = [], 0
    for role in (None, Role.ADMIN, Role.EXECUTIVE, Role.DIVISION_HEAD, Role.STAFF):
        client.post("/logout")
        if role is not None:
            sign_in(users[role], PASSWORD)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or not response.mimetype.startswith("text/html"):
                continue
            seen += 1
            problems = problems_of(response.get_data(as_text=True), server_paths)
            failures += [f"{role or 'signed out'} {url}: {problem}" for problem in problems]
    assert seen > 60  # the walk really opened the pages
    assert not failures, "\n".join(failures)


def test_the_checks_find_what_they_look_for():
    assert "untranslated: 'Save settings'" in problems_of("<p>Save settings</p>")
    assert problems_of("<td>รูปแบบ: print</td>")[0].startswith("raw code: 'print'")
    assert problems_of('<input placeholder="dd/mm/yyyy (B.E.)">') != []
    assert problems_of("<p>บันทึก</p><code>flask reminders print</code><p>a@print.example report.pdf</p>") == []
    assert problems_of("<p>ตั้งค่า MAIL_SERVER</p>") == ["setting name outside a hint: 'MAIL_SERVER'"]
    assert problems_of('<p>ส่งอีเมลแล้ว</p><p class="small text-body-secondary">MAIL_SERVER smtp.example.go.th</p>') == []
    assert problems_of("<p>/srv/ita/instance/outbox</p>", ("/srv/ita/instance",)) == ["server path: '/srv/ita/instance'"]


def test_the_email_page_names_settings_only_in_hints(app, client, sign_in, make_org, make_user, monkeypatch):
    """Unset, set, or set wrongly: the e-mail page says where e-mail goes in words a clerk
    understands; the settings' names are in the administrator's small hints."""
    sign_in(make_user(make_org(), Role.ADMIN))
    for settings in ({"MAIL_SERVER": ""},
                     {"MAIL_SERVER": "smtp.example.go.th", "MAIL_PORT": 587, "MAIL_USE_TLS": True},
                     {"MAIL_SERVER": "smtp://smtp.example.go.th:25", "MAIL_PORT": 0}):
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)
        html = client.get("/admin/reminders").get_data(as_text=True)
        words, hints = read_page(html)
        assert "MAIL_SERVER" in hints
        assert problems_of(html, (app.instance_path,)) == []
    assert 'id="mail-problems"' in html and "MAIL_PORT" in hints
