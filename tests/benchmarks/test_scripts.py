"""The benchmark scripts keep working: generate a tiny database, drive every page briefly."""
from __future__ import annotations

import json
import os
from datetime import date

import pytest
import sqlalchemy as sa

from benchmarks.generate import generate
from benchmarks.run import compare, run
from benchmarks.run import summary as summary_of

REQUIRED_PAGE_KEYS = {"rps", "p50_ms", "p95_ms", "ratio_to_floor", "queries"}


@pytest.fixture
def bench_database_url(tmp_path):
    """A scratch database beside the test database: its own SQLite file, or its own PostgreSQL database."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'bench.sqlite3'}"
        return
    url = sa.make_url(test_url)
    scratch = f"{url.database}_bench"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
    yield url.set(database=scratch).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
    admin.dispose()


def organization_slugs(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        slugs = connection.execute(sa.text("SELECT slug FROM organizations ORDER BY id")).scalars().all()
    engine.dispose()
    return slugs


def test_generate_is_deterministic_and_grows_a_database(bench_database_url):
    today = date(2026, 12, 2)
    first = generate(bench_database_url, 2, seed=7, today=today, echo=lambda *_: None)
    second = generate(bench_database_url, 2, seed=7, today=today, echo=lambda *_: None, migrate=False)
    assert first["rows"] == second["rows"]  # the same seed makes the same organizations
    rows = first["rows"]
    assert rows["organizations"] == 2
    assert 6 <= rows["divisions"] <= 16 and 20 <= rows["users"] <= 60
    assert rows["assessments"] == 6 and rows["indicator_scores"] == 60 and rows["measures"] == 60
    assert 60 <= rows["steps"] <= 240 and rows["progress_updates"] > 0
    assert organization_slugs(bench_database_url) == ["bench-1", "bench-2", "bench-3", "bench-4"]


def test_run_drives_every_page_and_writes_the_results(bench_database_url, tmp_path):
    # A Monday: the weekly summary makes the reminder decision write e-mails whatever else is due.
    today = date(2027, 3, 15)
    generate(bench_database_url, 2, seed=11, today=today, echo=lambda *_: None)

    path, result = run(bench_database_url, seconds=1, clients=[1], today=today, password="benchmark-password",
                       sender_messages=20, report_runs=1, out_dir=tmp_path / "results", echo=lambda *_: None)

    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["orgs"] == 2 and saved["backend"] in ("sqlite", "postgresql")
    assert saved["floor"]["p50_ms"] > 0
    expected_pages = {"my_work", "step", "measure", "dashboard", "steps_list", "reports", "download_xlsx",
                      "public", "calendar_feed"}
    assert expected_pages <= set(saved["pages"])
    assert {f"{page}@small" for page in expected_pages} <= set(saved["pages"])
    for name, entry in saved["pages"].items():
        assert REQUIRED_PAGE_KEYS <= set(entry), name
        assert entry["queries"] > 0 and entry["rps"] > 0 and entry["p95_ms"] >= entry["p50_ms"] > 0, name
    decision = saved["reminder_decision"]
    assert decision["exit_code"] == 0 and decision["messages"] > 0 and decision["peak_mb"] > 0
    assert saved["sender_msgs_per_s"] > 0
    assert saved["import_seed_ms"] > 0
    assert saved["report_ms"]["docx"] and saved["report_ms"]["xlsx"]
    assert saved["explain_dashboard"]
    summary = path.with_suffix(".md").read_text(encoding="utf-8")
    assert "| page | queries | p50 ms |" in summary and "dashboard" in summary

    # Compared with a run at another scale, every page gets its ratio, and the summary shows it.
    slower = json.loads(path.read_text(encoding="utf-8"))
    for entry in slower["pages"].values():
        entry["p50_ms"] = entry["p50_ms"] * 2
    compare(slower, saved)
    assert {entry["ratio_to_baseline"] for entry in slower["pages"].values()} == {2.0}
    assert "× baseline" in summary_of(slower) and "2.0 ✗ |" in summary_of(slower)
