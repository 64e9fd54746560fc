# ITA Tracker: the two set-up commands are `make run` and `make test`.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGS := $(wildcard tracker/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: install run test bench assets translations extract-messages lock clean

install: $(STAMP) $(COMPILED)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

# Message catalogs are compiled from the committed .po files.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(COMPILED)

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -w 100 -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching --ignore-obsolete -w 100

# The web server, and beside it the reminder scheduler (one process; without
# MAIL_SERVER it writes e-mails to instance/outbox/). Ctrl-C stops both: the
# shell ignores SIGINT for a background job, so the trap stops it with SIGTERM.
run: install
	$(FLASK) db upgrade
	$(FLASK) demo setup --base-url http://$(HOST):$(PORT)
	@$(FLASK) reminders scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The import contracts first (pyproject.toml [tool.importlinter]), then the suite.
test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# A small benchmark (SQLite, 20 organizations, 1 s a page); the full one is in README.
BENCH_DB := $(abspath benchmarks/results/bench.sqlite3)
bench: install
	mkdir -p benchmarks/results && rm -f $(BENCH_DB)
	$(BIN)/python benchmarks/generate.py --database-url sqlite:///$(BENCH_DB) --orgs 20
	$(BIN)/python benchmarks/run.py --database-url sqlite:///$(BENCH_DB) --seconds 1

# Front-end files from the npm registry, pinned and checked; the result is committed.
assets: $(STAMP)
	$(BIN)/python scripts/fetch_assets.py

lock:
	rm -rf /tmp/ita-lock-venv && $(PYTHON) -m venv /tmp/ita-lock-venv
	/tmp/ita-lock-venv/bin/pip install --quiet -r requirements-dev.txt
	(echo "# Full dependency tree frozen from requirements-dev.txt; regenerate with 'make lock'."; \
	 /tmp/ita-lock-venv/bin/pip freeze) > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
