"""Fill a database with realistic synthetic organizations for the benchmarks.

    .venv/bin/python benchmarks/generate.py --database-url URL --orgs 8300 [--seed 2569] [--today 2026-12-02]

Each organization gets 3 to 8 divisions, 10 to 30 users, three years of ITA
assessments, about ten measures a year of one to four steps each, and
progress updates spread over each year (some with evidence records, no
files): as of `--today`, most of last year's steps are done, some are late,
and the current year is under way. The same `--seed` gives the same data.

Rows go in with bulk inserts (COPY on PostgreSQL, `executemany` elsewhere)
in batches of organizations; every user gets the same password hash, made
once (`--password`, default `benchmark-password`). The schema is built or
upgraded by the application's own migrations first. Organizations are added
after those already there, so the script can grow a database in steps.
Prints what it made and how long it took.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

DEFAULT_PASSWORD = "benchmark-password"
BATCH_ORGS = 250

DIVISION_NAMES = (
    "สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา ศาสนาและวัฒนธรรม", "กองสาธารณสุขและสิ่งแวดล้อม",
    "กองสวัสดิการสังคม", "หน่วยตรวจสอบภายใน", "กองการเจ้าหน้าที่", "กองยุทธศาสตร์และงบประมาณ",
)
ORG_KINDS = (("sao", "องค์การบริหารส่วนตำบล"), ("subdistrict_municipality", "เทศบาลตำบล"),
             ("town_municipality", "เทศบาลเมือง"))
PLACE_SYLLABLES = ("เมือง", "โพน", "นา", "หนอง", "ดอน", "โคก", "บ้าน", "ท่า", "ห้วย", "สระ",
                   "ทอง", "แก้ว", "ใหญ่", "น้อย", "เพีย", "คำ", "ศรี", "ชัย", "งาม", "สวรรค์")
FIRST_NAMES = ("สมชาย", "สมหญิง", "ประเสริฐ", "วิไล", "อนุชา", "กนกพร", "ธนากร", "สุภาพร", "วีระ", "พรทิพย์")
LAST_NAMES = ("ใจดี", "ศรีสุข", "บุญมา", "แสงทอง", "ทองคำ", "พรหมมา", "สุขเจริญ", "วงศ์ไทย")
MEASURE_TITLES = (
    "โครงการอบรมเสริมสร้างคุณธรรมและจริยธรรมของบุคลากร",
    "มาตรการเปิดเผยข้อมูลการจัดซื้อจัดจ้างรายเดือนบนเว็บไซต์",
    "กิจกรรมประกาศเจตจำนงสุจริตของผู้บริหาร",
    "มาตรการป้องกันการรับสินบนและผลประโยชน์ทับซ้อน",
    "โครงการปรับปรุงคู่มือการให้บริการประชาชน",
    "มาตรการการใช้ทรัพย์สินของราชการให้ถูกต้อง",
    "กิจกรรมประชาสัมพันธ์ช่องทางร้องเรียนการทุจริต",
    "โครงการประเมินความพึงพอใจของผู้รับบริการ",
    "มาตรการส่งเสริมความโปร่งใสในการใช้งบประมาณ",
    "กิจกรรมพัฒนาระบบการทำงานด้วยเทคโนโลยีดิจิทัล",
)
STEP_TEXTS = (
    "ประชุมชี้แจงบุคลากรและมอบหมายผู้รับผิดชอบ", "จัดทำร่างมาตรการเสนอผู้บริหารพิจารณา",
    "เผยแพร่ประกาศทางเว็บไซต์และบอร์ดประชาสัมพันธ์", "รายงานผลการดำเนินงานต่อผู้บริหาร",
    "จัดทำคู่มือและแจ้งเวียนทุกกองถือปฏิบัติ", "ติดตามและประเมินผลการดำเนินงาน",
)
NOTES = ("ดำเนินการแล้วเสร็จตามแผน รายงานผู้บริหารทราบแล้ว", "อยู่ระหว่างดำเนินการตามแผน",
         "จัดประชุมชี้แจงแล้ว แนบรายงานการประชุมและภาพถ่าย", "ออกหนังสือแจ้งเวียนแล้ว รอรวบรวมผล")
INDICATOR_TOOLS = {1: "IIT", 2: "IIT", 3: "IIT", 4: "IIT", 5: "IIT", 6: "EIT", 7: "EIT", 8: "EIT",
                   9: "OIT", 10: "OIT"}


def fiscal_year_of(day: date) -> int:
    return day.year + 543 + (1 if day.month >= 10 else 0)


def fiscal_bounds(fiscal_year: int) -> tuple[date, date]:
    year = fiscal_year - 543
    return date(year - 1, 10, 1), date(year, 9, 30)


def due_dates(start: date, end: date, count: int) -> list[date]:
    """Evenly spread month ends over the period, the last step due on its last day."""
    span = (end - start).days
    dates = []
    for k in range(1, count + 1):
        point = start + timedelta(days=span * k // count)
        following = date(point.year + (point.month == 12), point.month % 12 + 1, 1)
        dates.append(min(following - timedelta(days=1), end))
    dates[-1] = end
    return dates


class Ids:
    """Hands out primary keys after those already in the database."""

    def __init__(self, connection, tables):
        self.next = {}
        for table in tables:
            if "id" in table.c:
                highest = connection.execute(sa.select(sa.func.max(table.c.id))).scalar()
                self.next[table.name] = (highest or 0) + 1

    def take(self, table_name: str) -> int:
        value = self.next[table_name]
        self.next[table_name] = value + 1
        return value


def complete(table: sa.Table, row: dict) -> dict:
    """Fill the columns a row leaves out from their Python-side defaults, as an
    ORM insert would, so that COPY (which knows none of them) writes the same."""
    for column in table.c:
        if column.name in row or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            row[column.name] = default.arg
        elif default.is_callable:
            row[column.name] = default.arg(None)
    return row


def org_rows(rng: random.Random, index: int, today: date, password_hash: str, ids: Ids,
             now: datetime) -> dict[str, list[dict]]:
    """Every row of one synthetic organization, keyed by table name."""
    rows: dict[str, list[dict]] = defaultdict(list)
    kind, prefix = ORG_KINDS[index % len(ORG_KINDS)]
    place = "".join(rng.sample(PLACE_SYLLABLES, 2))
    org_id = ids.take("organizations")
    rows["organizations"].append({
        "id": org_id, "name": f"{prefix}{place} {index}", "slug": f"bench-{index}", "kind": kind,
        "timezone": "Asia/Bangkok", "created_at": now,
    })
    division_count = rng.randint(3, 8)
    divisions = []
    for position, name in enumerate(DIVISION_NAMES[:division_count]):
        division_id = ids.take("divisions")
        divisions.append(division_id)
        rows["divisions"].append({"id": division_id, "organization_id": org_id, "name": name,
                                  "position": position, "active": True, "created_at": now})

    user_count = rng.randint(10, 30)
    for n in range(user_count):
        user_id = ids.take("users")
        role = "admin" if n == 0 else "executive" if n in (1, 2) else "division_head" if n < 3 + division_count else "staff"
        rows["users"].append({
            "id": user_id, "organization_id": org_id, "email": f"u{n}.org{index}@bench.example",
            "display_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "password_hash": password_hash, "role": role, "active": True,
            "session_token": f"bench-{index}-{n}-{rng.getrandbits(64):016x}", "created_at": now,
        })
        if role == "division_head":
            rows["memberships"].append({"user_id": user_id, "division_id": divisions[n - 3], "is_head": True})
        elif role == "staff":
            rows["memberships"].append({"user_id": user_id, "division_id": rng.choice(divisions), "is_head": False})
    heads = {m["division_id"]: m["user_id"] for m in rows["memberships"] if m["is_head"]}
    rows["public_pages"].append({"organization_id": org_id, "enabled": True, "changed_at": now})

    current_year = fiscal_year_of(today)
    for measure_year in (current_year - 2, current_year - 1, current_year):
        assessment_id = assessment_rows(rng, rows, org_id, measure_year - 1, ids, now)
        measure_rows(rng, rows, org_id, measure_year, assessment_id, divisions, heads, today, ids, now)
    return rows


def assessment_rows(rng, rows, org_id, fiscal_year, ids, now) -> int:
    assessment_id = ids.take("assessments")
    base = rng.uniform(70, 97)
    scores = {n: min(100.0, max(40.0, rng.gauss(base, 6))) for n in INDICATOR_TOOLS}
    tools = {tool: sum(s for n, s in scores.items() if INDICATOR_TOOLS[n] == tool)
             / sum(1 for n in INDICATOR_TOOLS if INDICATOR_TOOLS[n] == tool) for tool in ("IIT", "EIT", "OIT")}
    overall = 0.3 * tools["IIT"] + 0.3 * tools["EIT"] + 0.4 * tools["OIT"]
    level = ("ผ่านดีเยี่ยม" if min(overall, *tools.values()) >= 95 else "ผ่านดี" if min(overall, *tools.values()) >= 85
             else "ผ่าน" if overall >= 85 else "ต้องปรับปรุง" if overall >= 70 else "ต้องปรับปรุงโดยด่วน")
    rows["assessments"].append({
        "id": assessment_id, "organization_id": org_id, "fiscal_year": fiscal_year,
        "overall_score": Decimal(f"{overall:.2f}"), "level": level,
        "iit_score": Decimal(f"{tools['IIT']:.2f}"), "eit1_score": Decimal(f"{tools['EIT']:.2f}"),
        "eit2_score": Decimal(f"{tools['EIT']:.2f}"), "oit_score": Decimal(f"{tools['OIT']:.2f}"),
        "created_at": now, "updated_at": now,
    })
    for number, score in scores.items():
        rows["indicator_scores"].append({
            "id": ids.take("indicator_scores"), "assessment_id": assessment_id, "number": number,
            "name": f"ตัวชี้วัดที่ {number}", "tool": INDICATOR_TOOLS[number], "score": Decimal(f"{score:.2f}"),
            "analysis": "ผลคะแนนตัวชี้วัดนี้อยู่ในระดับที่ต้องพัฒนาต่อเนื่อง",
        })
    return assessment_id


def measure_rows(rng, rows, org_id, fiscal_year, assessment_id, divisions, heads, today, ids, now) -> None:
    start, end = fiscal_bounds(fiscal_year)
    for number in INDICATOR_TOOLS:
        measure_id = ids.take("measures")
        rows["measures"].append({
            "id": measure_id, "organization_id": org_id, "assessment_id": assessment_id,
            "fiscal_year": fiscal_year, "indicator_number": number, "title": MEASURE_TITLES[number - 1],
            "start_date": start, "end_date": end, "position": number, "created_at": now, "updated_at": now,
        })
        count = rng.randint(1, 4)
        for position, due in enumerate(due_dates(start, end, count), start=1):
            step_id = ids.take("steps")
            responsible = rng.sample(divisions, 2 if rng.random() < 0.2 else 1)
            percent, status, updates = progress_of(rng, start, due, today)
            rows["steps"].append({
                "id": step_id, "organization_id": org_id, "measure_id": measure_id, "position": position,
                "text": rng.choice(STEP_TEXTS), "due_date": due, "percent": percent, "status": status,
                "version": 1 + len(updates), "created_at": now, "updated_at": now,
            })
            for division_id in responsible:
                rows["step_divisions"].append({"step_id": step_id, "division_id": division_id})
            author = heads.get(responsible[0])
            if author is None:
                continue
            for version, (work_date, value, state) in enumerate(updates, start=2):
                update_id = ids.take("progress_updates")
                created = datetime(work_date.year, work_date.month, work_date.day, 3, tzinfo=timezone.utc)
                rows["progress_updates"].append({
                    "id": update_id, "step_id": step_id, "author_id": author, "created_at": created,
                    "work_date": work_date, "percent": value, "status": state, "note": rng.choice(NOTES),
                    "blocked_reason": "รออนุมัติงบประมาณ" if state == "blocked" else None,
                    "step_version": version,
                })
                if state == "done" and rng.random() < 0.5:
                    rows["evidence"].append({
                        "id": ids.take("evidence"), "organization_id": org_id, "update_id": update_id,
                        "original_name": f"รายงานผล-{step_id}.pdf", "stored_name": f"bench-{update_id}.pdf",
                        "size": rng.randint(40_000, 900_000), "sha256": f"{update_id:064x}",
                        "content_type": "application/pdf", "created_at": created, "is_public": rng.random() < 0.3,
                    })


def progress_of(rng, start: date, due: date, today: date) -> tuple[int, str, list[tuple[date, int, str]]]:
    """A step's current percent and status, and its updates (work date, percent, status)."""
    if today < start:
        return 0, "not_started", []
    updates = []
    if due < today:
        luck = rng.random()
        if luck < 0.7:  # done, mostly on time
            middle = max(start, due - timedelta(days=rng.randint(20, 60)))
            updates.append((middle, 50, "in_progress"))
            updates.append((min(today, due - timedelta(days=rng.randint(-10, 10))), 100, "done"))
        elif luck < 0.85:  # late, some work reported
            updates.append((max(start, due - timedelta(days=15)), rng.choice((30, 60, 80)), "in_progress"))
        elif luck < 0.9:
            updates.append((max(start, due - timedelta(days=10)), 40, "blocked"))
        # otherwise late and nothing reported
    else:
        elapsed = (today - start).days / max(1, (due - start).days)
        if rng.random() < elapsed:
            updates.append((today - timedelta(days=rng.randint(1, 20)), min(90, int(elapsed * 100) // 10 * 10 + 10),
                            "in_progress"))
    updates = [(min(work, today), value, state) for work, value, state in updates]
    if not updates:
        return 0, "not_started", []
    _, percent, status = updates[-1]
    return percent, status, updates


def insert_batch(connection, tables: dict[str, sa.Table], batch: dict[str, list[dict]]) -> int:
    """Insert a batch's rows, parents first; returns how many rows went in."""
    written = 0
    postgres = connection.dialect.name == "postgresql"
    for name, table in tables.items():
        rows = [complete(table, row) for row in batch.get(name, [])]
        if not rows:
            continue
        if postgres:
            copy_rows(connection, table, rows)
        else:
            connection.execute(table.insert(), rows)
        written += len(rows)
    return written


def copy_rows(connection, table: sa.Table, rows: list[dict]) -> None:
    columns = [c.name for c in table.c if c.name in rows[0]]
    cursor = connection.connection.driver_connection.cursor()
    naming = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({naming}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([utc_naive(row[c]) for c in columns])


def utc_naive(value):
    """COPY bypasses the UTCDateTime type: store naive UTC, as it would."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def reset_sequences(connection, tables) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and table.c.id.autoincrement:
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"
            ))


def generate(database_url: str, orgs: int, *, seed: int = 2569, today: date | None = None,
             password: str = DEFAULT_PASSWORD, batch_orgs: int = BATCH_ORGS, migrate: bool = True,
             echo=print) -> dict:
    """Add `orgs` synthetic organizations to the database at `database_url`; returns counts and seconds."""
    from tracker import create_app
    from tracker.extensions import db

    today = today or date.today()
    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="benchmark-only-" + "x" * 32)
    started = time.perf_counter()
    counts: dict[str, int] = defaultdict(int)
    with app.app_context():
        if migrate:
            import flask_migrate

            flask_migrate.upgrade()
        wanted = ("organizations", "divisions", "users", "memberships", "public_pages", "assessments",
                  "indicator_scores", "measures", "steps", "step_divisions", "progress_updates", "evidence")
        tables = {name: db.metadata.tables[name] for name in wanted}
        password_hash = generate_password_hash(password, method=app.config.get("PASSWORD_HASH_METHOD", "scrypt"))
        now = datetime.now(timezone.utc)
        rng = random.Random(seed)
        with db.engine.begin() as connection:
            ids = Ids(connection, tables.values())
            first = ids.next["organizations"]
        for batch_start in range(0, orgs, batch_orgs):
            batch: dict[str, list[dict]] = defaultdict(list)
            with db.engine.begin() as connection:
                for index in range(first + batch_start, first + min(orgs, batch_start + batch_orgs)):
                    for name, rows in org_rows(rng, index, today, password_hash, ids, now).items():
                        batch[name].extend(rows)
                        counts[name] += len(rows)
                insert_batch(connection, tables, batch)
            echo(f"  {min(orgs, batch_start + batch_orgs)}/{orgs} organizations "
                 f"({time.perf_counter() - started:.1f} s)")
        with db.engine.begin() as connection:
            reset_sequences(connection, tables.values())
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("ANALYZE"))
        db.engine.dispose()
    return {"seconds": round(time.perf_counter() - started, 1), "rows": dict(counts)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL, e.g. postgresql+psycopg://postgres@127.0.0.1/bench")
    parser.add_argument("--orgs", type=int, required=True, help="how many organizations to add")
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the day the data is 'as of' (default: today)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="every generated user's password")
    parser.add_argument("--batch", type=int, default=BATCH_ORGS, help="organizations per transaction")
    args = parser.parse_args(argv)
    if args.orgs < 1:
        parser.error("--orgs must be at least 1")
    result = generate(args.database_url, args.orgs, seed=args.seed, today=args.today, password=args.password,
                      batch_orgs=args.batch)
    total = sum(result["rows"].values())
    print(f"{args.orgs} organizations, {total} rows in {result['seconds']} s: "
          + ", ".join(f"{name} {count}" for name, count in result["rows"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
