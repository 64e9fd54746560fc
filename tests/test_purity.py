"""Pure modules load neither Flask nor SQLAlchemy, even through another tracker module."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Keep in step with the "pure modules" contract in pyproject.toml.
PURE_MODULES = [
    "tracker",
    "tracker.ita",
    "tracker.thai",
    "tracker.clock",
    "tracker.text",
    "tracker.errors",
    "tracker.export_cells",
    "tracker.i18n",
    "tracker.drafting",
    "tracker.drafting.catalog",
    "tracker.drafting.chart",
    "tracker.drafting.document",
    "tracker.drafting.paste",
    "tracker.drafting.proposals",
    "tracker.drafting.text_writer",
    "tracker.importer",
    "tracker.importer.blocks",
    "tracker.importer.checks",
    "tracker.importer.divisions",
    "tracker.importer.findings",
    "tracker.importer.normalize",
    "tracker.importer.parser",
    "tracker.importer.readers",
    "tracker.importer.result",
    "tracker.importer.rules",
    "tracker.importer.steps",
    "tracker.measures.status",
    "tracker.measures.rules",
    "tracker.reminders.channels",
    "tracker.reminders.kinds",
    "tracker.reminders.mail_settings",
    "tracker.reminders.rules",
    "tracker.reports.report",
]
FORBIDDEN = ("flask", "flask_babel", "flask_login", "flask_sqlalchemy", "flask_wtf", "sqlalchemy")


@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_pure_module_loads_neither_flask_nor_sqlalchemy(module):
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        f"print(' '.join(sorted(name for name in {FORBIDDEN!r} if name in sys.modules)))\n"
        "print(' '.join(sorted(name for name in sys.modules if name.startswith('tracker.')"
        " and name.rsplit('.', 1)[-1] in ('models', 'services', 'views', 'extensions'))))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    libraries, tracker_modules = (run.stdout.split("\n") + ["", ""])[:2]
    assert libraries == "", f"{module} loads {libraries}"
    assert tracker_modules == "", f"{module} loads {tracker_modules}"


def test_the_check_sees_an_impure_module():
    """The same check fails for a module that needs the database."""
    code = "import sys, tracker.measures.models\nprint('sqlalchemy' in sys.modules, 'flask' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.split() == ["True", "True"]
