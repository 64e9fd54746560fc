"""Benchmark the application on a generated database: pages, reminders, sender, import, reports.

    .venv/bin/python benchmarks/generate.py --database-url URL --orgs 8300
    .venv/bin/python benchmarks/run.py --database-url URL [--seconds 10] [--clients 1,8]

Serves the app with gunicorn (2 workers, production settings) on the
database, signs in as an administrator and a division head of the smallest
and the largest organization, and drives each page with 1 and 8 concurrent
clients for `--seconds`, every request followed by one to `/healthz`, the
floor that touches the framework and the database but no page. Then it times
the daily reminder decision for every organization (wall time and peak memory
of `flask reminders run`; it first empties the outbox tables of this scratch
database), the outbox sender against a local SMTP server (aiosmtpd), the
import of the seed report (dry run) and the report of the largest
organization in each format, and shows `EXPLAIN` of the dashboard's queries.

Writes `benchmarks/results/<date>-<backend>-<orgs>.json` and a Markdown
summary beside it. Use a scratch database: the run writes to it.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from benchmarks.generate import DEFAULT_PASSWORD, fiscal_year_of  # noqa: E402

SEED_REPORT = ROOT / "tests" / "fixtures" / "ita_report_muangphia_2568.txt"
RESULTS = ROOT / "benchmarks" / "results"
GOAL_RATIO = 4.0
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- the organizations and what to ask for ------------------------------------------------

@dataclass
class Target:
    """One organization to drive, with the accounts and pages of it."""

    label: str
    org_id: int
    slug: str
    steps: int
    admin_email: str
    head_email: str
    fiscal_year: int
    step_id: int
    measure_id: int
    feed_path: str = ""
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (account, path)


def choose_targets(app, today: date, among: int | None = None) -> tuple[int, list[Target]]:
    """The smallest and the largest organization (by steps), of all or of the first `among`
    (generate.py makes the same first organizations at every scale: a run at 8,300 and one
    at 10 then drive the same two), and the pages of each."""
    from tracker.extensions import db
    from tracker.models import Measure, Organization, Role, Step, User
    from tracker.reports.feeds import create_feed, feed_token

    year = fiscal_year_of(today)
    with app.app_context():
        org_count = db.session.scalar(sa.select(sa.func.count(Organization.id)))
        first = sa.select(Organization.id).order_by(Organization.id).limit(among) if among else None
        sizes = db.session.execute(
            sa.select(Step.organization_id, sa.func.count(Step.id))
            .where(Step.organization_id.in_(first) if first is not None else sa.true())
            .group_by(Step.organization_id)
            .order_by(sa.func.count(Step.id), Step.organization_id)
        ).all()
        chosen = [("small", *sizes[0]), ("large", *sizes[-1])] if len(sizes) > 1 else [("large", *sizes[0])]
        targets = []
        for label, org_id, steps in chosen:
            org = db.session.get(Organization, org_id)
            users = db.session.scalars(sa.select(User).where(User.organization_id == org_id).order_by(User.id)).all()
            admin = next(u for u in users if u.role == Role.ADMIN)
            head = next(u for u in users if u.role == Role.DIVISION_HEAD)
            measure = db.session.scalars(
                sa.select(Measure).where(Measure.organization_id == org_id, Measure.fiscal_year == year)
                .order_by(Measure.position)
            ).first()
            step = db.session.scalars(sa.select(Step).where(Step.measure_id == measure.id).order_by(Step.position)).first()
            feed = create_feed(admin, "organization")
            db.session.commit()
            target = Target(label, org_id, org.slug, steps, admin.email, head.email, year, step.id, measure.id,
                            feed_path=f"/calendar/{feed_token(feed.nonce)}.ics")
            target.pages = {
                "my_work": ("head", "/my-work"),
                "step": ("head", f"/steps/{step.id}"),
                "measure": ("head", f"/measures/{measure.id}"),
                "dashboard": ("admin", f"/dashboard?fiscal_year={year}"),
                "steps_list": ("admin", f"/steps?fiscal_year={year}"),
                "reports": ("admin", "/reports/"),
                "download_xlsx": ("admin", export_path("xlsx", year, today)),
                "public": ("anonymous", f"/p/{org.slug}/{year}"),
                "calendar_feed": ("anonymous", target.feed_path),
            }
            targets.append(target)
        db.session.remove()
    return org_count, targets


# --- a small HTTP client with cookies -----------------------------------------------------

class Client:
    """One browser: a kept-alive connection and its cookies."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                if attempt == 2:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def sign_in(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/login")
        match = CSRF_FIELD.search(page.decode("utf-8", "replace"))
        form = {"email": email, "password": password}
        if match:
            form["csrf_token"] = match.group(1)
        status, _ = self.request("POST", "/login", form)
        if status != 302:
            raise RuntimeError(f"signing in as {email} answered {status}")


def drive(port: int, account: tuple[str, str] | None, path: str, clients: int, seconds: float) -> dict:
    """Ask for `path` (then `/healthz`) from `clients` clients for `seconds`; latencies in ms."""
    page_times: list[float] = []
    floor_times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def one_client():
        client = Client(port)
        try:
            if account:
                client.sign_in(*account)
        except Exception as error:  # noqa: BLE001 - reported, not raised, from a thread
            errors.append(str(error))
        ready.wait()
        deadline = time.perf_counter() + seconds
        mine, floor = [], []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, _ = client.request("GET", path)
            mine.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(f"{path} answered {status}")
                break
            started = time.perf_counter()
            client.request("GET", "/healthz")
            floor.append((time.perf_counter() - started) * 1000)
        with lock:
            page_times.extend(mine)
            floor_times.extend(floor)

    threads = [threading.Thread(target=one_client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{path}: {errors[0]}")
    return {
        "requests": len(page_times),
        "rps": round(len(page_times) / elapsed, 1),
        "p50_ms": round(percentile(page_times, 50), 2),
        "p95_ms": round(percentile(page_times, 95), 2),
        "floor_p50_ms": round(percentile(floor_times, 50), 2),
    }


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- the server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url: str, instance: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
        "SESSION_COOKIE_SECURE": "0", "HSTS": "0", "INSTANCE_PATH": str(instance), "LOG_LEVEL": "WARNING",
    })
    return env


class Server:
    """gunicorn with two workers, as the README's production set-up."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "wsgi:app"],
            cwd=ROOT, env=env,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = Client(self.port).request("GET", "/healthz")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- in-process measurements ----------------------------------------------------------------

class QueryLog:
    """The SQL statements an engine runs while the context is open."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[tuple[str, object]] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))

    def __enter__(self) -> QueryLog:
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)


def count_queries(app, targets: list[Target], password: str) -> dict[str, dict[str, int]]:
    """How many SQL statements each page runs, through the test client."""
    from tracker.extensions import db

    counts: dict[str, dict[str, int]] = {}
    app.config["WTF_CSRF_ENABLED"] = False
    for target in targets:
        clients = {}
        for account, email in (("admin", target.admin_email), ("head", target.head_email)):
            clients[account] = app.test_client()
            clients[account].post("/login", data={"email": email, "password": password})
        clients["anonymous"] = app.test_client()
        for name, (account, path) in target.pages.items():
            with app.app_context():
                engine = db.engine
            clients[account].get(path)  # warm caches, as a running worker has them
            with QueryLog(engine) as log:
                response = clients[account].get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code} in the test client")
            counts.setdefault(target.label, {})[name] = len(log.statements)
    return counts


def explain_dashboard(app, target: Target, password: str) -> list[str]:
    """`EXPLAIN` of every statement the dashboard runs (ANALYZE on PostgreSQL)."""
    from tracker.extensions import db

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"email": target.admin_email, "password": password})
    with app.app_context():
        engine = db.engine
    with QueryLog(engine) as log:
        client.get(target.pages["dashboard"][1])
    plans = []
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        postgres = engine.dialect.name == "postgresql"
        for statement, parameters in log.statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            cursor = raw.cursor()
            prefix = "EXPLAIN (ANALYZE, BUFFERS OFF) " if postgres else "EXPLAIN QUERY PLAN "
            cursor.execute(prefix + statement, parameters)
            lines = [" | ".join(str(v) for v in row) for row in cursor.fetchall()]
            plans.append(" ".join(statement.split())[:300] + "\n" + "\n".join(lines))
    return plans


def time_reminder_decision(env: dict[str, str], database_url: str, today: date) -> dict:
    """Wall time and peak memory of one day's reminder decision for every organization."""
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        for table in ("notices", "notification_items", "notifications", "reminder_runs", "reminder_passes"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
    if engine.dialect.name == "postgresql":
        # As after a night's autovacuum: the decision runs on analysed tables, not on dead rows.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()
    code = (
        "import resource, sys\n"
        "try:\n"
        "    from flask.cli import main\n"
        f"    sys.argv = ['flask', '--app', 'wsgi', 'reminders', 'run', '--date', '{today.isoformat()}']\n"
        "    main()\n"
        "finally:\n"
        "    print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    peak = re.search(r"PEAK_KB (\d+)", finished.stderr)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        messages = connection.execute(sa.text("SELECT count(*) FROM notifications")).scalar()
    engine.dispose()
    return {"seconds": round(seconds, 2), "peak_mb": round(int(peak.group(1)) / 1024, 1) if peak else None,
            "messages": messages, "exit_code": finished.returncode, "storage": storage(database_url)}


OUTBOX_TABLES = ("notifications", "notification_items", "notices")


def storage(database_url: str) -> dict | None:
    """The database's size, and what one day's e-mails take (the outbox tables hold exactly
    one day after the decision): the growth that retention caps (NOTIFICATION_RETENTION_DAYS)."""
    engine = sa.create_engine(database_url)
    try:
        if engine.dialect.name != "postgresql":
            return None
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in OUTBOX_TABLES:
                connection.execute(sa.text(f"VACUUM ANALYZE {table}"))
            database = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
            outbox = sum(connection.execute(sa.text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar()
                         for table in OUTBOX_TABLES)
            # The nightly clean-up drops a delivered message's HTML after a week: what a delivered day keeps.
            html = connection.execute(sa.text("SELECT coalesce(sum(pg_column_size(body_html)), 0) FROM notifications")
                                      ).scalar()
    finally:
        engine.dispose()
    from config import Config

    days = int(getattr(Config, "NOTIFICATION_RETENTION_DAYS", 400))
    delivered = outbox - int(html)
    return {"database_mb": round(database / 2**20, 1), "one_day_of_emails_mb": round(outbox / 2**20, 1),
            "one_day_delivered_mb": round(delivered / 2**20, 1), "retention_days": days,
            "outbox_at_retention_gb": round(delivered * days / 2**30, 1)}


def time_sender(app, limit: int) -> float | None:
    """Messages per second delivered to a local SMTP server (aiosmtpd), for up to `limit` waiting ones."""
    from aiosmtpd.controller import Controller

    from tracker.extensions import db
    from tracker.models import Notification
    from tracker.reminders.delivery import deliver_pending

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                          MAIL_USE_SSL=False, MAIL_USERNAME="", MAIL_PASSWORD="")
        with app.app_context():
            ids = db.session.scalars(sa.select(Notification.id).where(Notification.status == "pending")
                                     .order_by(Notification.id).limit(limit)).all()
            db.session.rollback()
            if not ids:
                return None
            started = time.perf_counter()
            deliver_pending(ids=ids)
            seconds = time.perf_counter() - started
            db.session.remove()
    finally:
        controller.stop()
    return round(Sink.received / seconds, 1)


def time_import(app, slug: str, runs: int = 3) -> float:
    """Median milliseconds of a dry-run import of the seed report (read, parse, check, preview)."""
    runner = app.test_cli_runner()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = runner.invoke(args=["ita", "import", str(SEED_REPORT), "--org", slug, "--dry-run", "--json"])
        times.append((time.perf_counter() - started) * 1000)
        if result.exit_code not in (0, 1):
            raise RuntimeError(f"ita import failed: {result.output[-500:]}")
    return round(statistics.median(times), 1)


def export_path(output: str, fiscal_year: int, today: date) -> str:
    """The report download as the reports page asks for it, with the data as of `today`
    (or the real today, if that is earlier: a report cannot be dated in the future)."""
    day = min(today, date.today())
    as_of = f"{day.day:02d}/{day.month:02d}/{day.year + 543}"
    return "/reports/export?" + urlencode({"output": output, "fiscal_year": fiscal_year, "as_of": as_of})


def time_reports(port: int, target: Target, password: str, runs: int, today: date) -> dict[str, float | None]:
    client = Client(port)
    client.sign_in(target.admin_email, password)
    timings = {}
    for output in ("docx", "xlsx", "pdf"):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            status, _ = client.request("GET", export_path(output, target.fiscal_year, today))
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                times = []
                break
        timings[output] = round(statistics.median(times), 1) if times else None
    return timings


# --- the run -----------------------------------------------------------------------------------

def run(database_url: str, *, seconds: float, clients: list[int], today: date, password: str,
        sender_messages: int, report_runs: int, out_dir: Path, echo=print,
        baseline: dict | None = None, among: int | None = None) -> tuple[Path, dict]:
    from tracker import create_app

    instance = out_dir / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    env = server_environment(database_url, instance)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY=env["SECRET_KEY"],
                     SESSION_COOKIE_SECURE=False, INSTANCE_PATH=str(instance))
    backend = sa.make_url(database_url).get_backend_name()
    org_count, targets = choose_targets(app, today, among)
    echo(f"{backend}, {org_count} organizations; driving {', '.join(f'{t.label} ({t.steps} steps)' for t in targets)}")
    queries = count_queries(app, targets, password)
    result: dict = {"backend": backend, "orgs": org_count, "today": today.isoformat(), "seconds_per_page": seconds,
                    "clients": clients, "organizations": {t.label: {"id": t.org_id, "steps": t.steps} for t in targets},
                    "pages": {}}
    floors: list[float] = []
    with Server(env) as server:
        for target in targets:
            for name, (account, path) in target.pages.items():
                login = None
                if account != "anonymous":
                    login = (target.admin_email if account == "admin" else target.head_email, password)
                entry = {"queries": queries[target.label][name]}
                for count in clients:
                    measured = drive(server.port, login, path, count, seconds)
                    floors.append(measured["floor_p50_ms"]) if count == 1 else None
                    entry[f"clients_{count}"] = measured
                    echo(f"  {target.label:5} {name:14} {count} client(s): p50 {measured['p50_ms']:7.2f} ms, "
                         f"p95 {measured['p95_ms']:7.2f} ms, {measured['rps']:6.1f}/s (floor {measured['floor_p50_ms']:.2f} ms)")
                key = name if target.label == "large" else f"{name}@{target.label}"
                result["pages"][key] = entry
        floor = statistics.median(floors)
        result["floor"] = {"path": "/healthz", "p50_ms": round(floor, 2)}
        for entry in result["pages"].values():
            single = entry.get("clients_1") or entry[f"clients_{clients[0]}"]
            entry.update({"rps": single["rps"], "p50_ms": single["p50_ms"], "p95_ms": single["p95_ms"],
                          "ratio_to_floor": round(single["p50_ms"] / floor, 2)})
            if "clients_8" in entry:
                entry["p95_ms_8_clients"] = entry["clients_8"]["p95_ms"]
        large = targets[-1]
        result["report_ms"] = time_reports(server.port, large, password, report_runs, today)
        echo(f"  reports of the large organization: {result['report_ms']}")
    result["import_seed_ms"] = time_import(app, large.slug)
    echo(f"  import of the seed report (dry run): {result['import_seed_ms']} ms")
    result["reminder_decision"] = time_reminder_decision(env, database_url, today)
    echo(f"  reminder decision: {result['reminder_decision']}")
    result["sender_msgs_per_s"] = time_sender(app, sender_messages)
    echo(f"  sender: {result['sender_msgs_per_s']} messages/s")
    result["explain_dashboard"] = explain_dashboard(app, large, password)
    if baseline:
        compare(result, baseline)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{date.today().isoformat()}-{backend}-{org_count}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    path.with_suffix(".md").write_text(summary(result), encoding="utf-8")
    return path, result


def summary(result: dict) -> str:
    """The results as a Markdown page."""
    floor = result["floor"]["p50_ms"]
    lines = [
        f"# Benchmark: {result['backend']}, {result['orgs']} organizations",
        "",
        f"As of {result['today']}; {result['seconds_per_page']} s per page and client count; "
        f"floor (`/healthz`) p50 {floor} ms. Goal: p50 within {GOAL_RATIO:g}× the floor at 1 client, "
        "p95 under 100 ms at 8 clients.",
        "",
    ]
    base = result.get("baseline")
    if base:
        lines += [f"Baseline: the same pages at {base['orgs']} organizations (floor {base['floor_p50_ms']} ms); "
                  "goal: p50 within 1.3× of it.", ""]
    lines += [
        "| page | queries | p50 ms | × floor | p95 ms | req/s | p95 ms (8 clients) |"
        + (" p50 ms at baseline | × baseline |" if base else ""),
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if base else ""),
    ]
    for name, entry in result["pages"].items():
        mark = "" if entry["ratio_to_floor"] <= GOAL_RATIO else " ✗"
        p95_8 = entry.get("p95_ms_8_clients", "–")
        line = (f"| {name} | {entry['queries']} | {entry['p50_ms']} | {entry['ratio_to_floor']}{mark} | "
                f"{entry['p95_ms']} | {entry['rps']} | {p95_8}{' ✗' if isinstance(p95_8, float) and p95_8 >= 100 else ''} |")
        if base:
            ratio = entry.get("ratio_to_baseline")
            line += f" {entry.get('p50_ms_at_baseline', '–')} | {ratio if ratio is not None else '–'}"
            line += " ✗ |" if ratio is not None and ratio > 1.3 else " |"
        lines.append(line)
    decision = result["reminder_decision"]
    lines += [
        "",
        f"- Daily reminder decision, all organizations: {decision['seconds']} s, peak {decision['peak_mb']} MB, "
        f"{decision['messages']} e-mails (goal: under 60 s and 500 MB)",
        f"- Outbox sender to a local SMTP server: {result['sender_msgs_per_s']} messages/s (goal: at least 100)",
        *storage_lines(decision.get("storage")),
        f"- Import of the seed report (dry run): {result['import_seed_ms']} ms",
        "- Report of the largest organization: "
        + ", ".join(f"{k} {v} ms" for k, v in result["report_ms"].items()),
        "",
        "## EXPLAIN of the dashboard's queries",
        "",
    ]
    for plan in result["explain_dashboard"]:
        lines += ["```", plan, "```", ""]
    return "\n".join(lines)


def storage_lines(size: dict | None) -> list[str]:
    if not size:
        return []
    return [f"- Database {size['database_mb']} MB; one day's e-mails (outbox, items, notices) take "
            f"{size['one_day_of_emails_mb']} MB when decided and about {size['one_day_delivered_mb']} MB once "
            f"delivered (its HTML is dropped a week later): with {size['retention_days']} days of retention the e-mails kept "
            f"level off near {size['outbox_at_retention_gb']} GB (older delivered ones are deleted nightly)"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database filled by benchmarks/generate.py")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each page is driven per client count")
    parser.add_argument("--clients", default="1,8", help="client counts, comma-separated")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        help="the day generate.py used (pages take the real clock)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--sender-messages", type=int, default=3000, help="how many outbox messages to deliver")
    parser.add_argument("--report-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--among", type=int,
                        help="drive the smallest and largest of the first N organizations (compare with a run at N)")
    parser.add_argument("--baseline", type=Path,
                        help="results of a run at a small scale (e.g. 10 organizations): each page's p50 is compared")
    args = parser.parse_args(argv)
    clients = [int(n) for n in args.clients.split(",") if n.strip()]
    baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None
    path, _ = run(args.database_url, seconds=args.seconds, clients=clients, today=args.today, password=args.password,
                  sender_messages=args.sender_messages, report_runs=args.report_runs, out_dir=args.out,
                  baseline=baseline, among=args.among)
    print(f"Results: {path} and {path.with_suffix('.md')}")
    return 0


def compare(result: dict, baseline: dict) -> None:
    """Each page's p50 against the same page at the baseline's scale (goal: within 1.3×)."""
    result["baseline"] = {"orgs": baseline["orgs"], "floor_p50_ms": baseline["floor"]["p50_ms"]}
    for name, entry in result["pages"].items():
        before = baseline["pages"].get(name)
        if before:
            entry["p50_ms_at_baseline"] = before["p50_ms"]
            entry["ratio_to_baseline"] = round(entry["p50_ms"] / before["p50_ms"], 2)


if __name__ == "__main__":
    sys.exit(main())
