# Chợ Hội Quán — `make run` sets everything up and serves; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-sqlite test-postgres lint bench bench-quick translations extract-messages setup-db clean chromium \
	check check-quick check-static check-api \
	check-web check-web-quick check-sqlmap check-axe check-faults coverage serve check-load

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	# setuptools too: the one venv seeds (65.5) has known vulnerabilities and pip-audit lists it.
	$(BIN)/pip install --quiet --upgrade pip setuptools
	touch $@

$(VENV)/.installed-run: $(VENV)/.created pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.installed-check: $(VENV)/.installed-test pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,check]"
	touch $@

translations: $(VENV)/.installed-run
	$(BIN)/pybabel compile --use-fuzzy -d marketplace/translations -D messages 2>&1 | grep -v '^compiling' || true

extract-messages: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot --no-location --sort-output --project "Chợ Hội Quán" .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations -D messages --no-fuzzy-matching --no-wrap

# One worker round here sends the demo's notices (one log line per mail) before the server starts,
# so that the welcome block below is the last thing on the screen. A failing round (an unreachable
# mail server) is shown but does not stop the site: the worker beside the server tries again.
setup-db: $(VENV)/.installed-run translations
	$(BIN)/marketplace init-db
	$(BIN)/marketplace demo --if-empty
	$(BIN)/marketplace search reindex
	-$(BIN)/marketplace worker --once

# The worker (the one process that writes the search index; it also keeps matches current and
# sends their notifications) runs beside the web server and stops with it.
# `marketplace welcome` waits for the server to answer, then prints where it is and how to sign in.
run: setup-db
	$(BIN)/marketplace worker & worker=$$!; \
	$(BIN)/marketplace welcome --url http://127.0.0.1:$(PORT)/ --wait 120 & welcome=$$!; \
	trap 'kill $$worker $$welcome 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app marketplace run --host 127.0.0.1 --port $(PORT)

# Production-like: gunicorn (WEB_CONCURRENCY workers, default 2) and the worker, each restarted
# if it dies (the restart is logged); Ctrl-C stops both. Extra gunicorn settings: GUNICORN_CMD_ARGS.
serve: setup-db
	$(BIN)/marketplace welcome --url http://127.0.0.1:$(PORT)/ --wait 120 & welcome=$$!; \
	trap 'kill $$welcome 2>/dev/null' EXIT INT TERM; \
	$(BIN)/marketplace serve --host 127.0.0.1 --port $(PORT)

# 100 simulated users for LOAD_DURATION against `marketplace serve` (2 gunicorn workers) on a
# throwaway copy of the demo data; LOAD_DATABASE_URL=postgresql://… runs it on PostgreSQL (a new
# database is created there and dropped after). Fails on any error, oversold lot or double payment.
LOAD_DURATION ?= 120
check-load: $(VENV)/.installed-check translations
	$(BIN)/python check/load_run.py --duration $(LOAD_DURATION) $(if $(LOAD_DATABASE_URL),--database-url "$(LOAD_DATABASE_URL)")

# Debian's Chromium drives the browser tests; Playwright never downloads a browser here.
chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

test: $(VENV)/.installed-test translations chromium
	$(BIN)/pytest -q
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
		echo "== again on $(TEST_DATABASE_URL)"; \
		MARKETPLACE_TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -q; \
	fi

# Kill -9 at random points (web server under writes, worker, import, reindex, daily rematch), 25
# times each, on SQLite and, with TEST_DATABASE_URL, on PostgreSQL: nothing committed lost, no
# half import, search check clean after the worker catches up (docs/security.md, "Faults").
FAULT_KILLS ?= 25
check-faults: $(VENV)/.installed-run translations
	$(BIN)/python check/faults.py --kills $(FAULT_KILLS) $(if $(TEST_DATABASE_URL),--postgres "$(TEST_DATABASE_URL)")

# Line and branch coverage of marketplace/ (settings in pyproject.toml, [tool.coverage]); pick the
# tests with COVERAGE_TESTS, e.g. `make coverage COVERAGE_TESTS="tests/unit tests/integration/orders"`.
# The table goes to the terminal, the pages to htmlcov/ (docs/testing.md).
COVERAGE_TESTS ?= tests/unit tests/integration
coverage: $(VENV)/.installed-test translations
	$(BIN)/pytest -q --cov --cov-report=term-missing:skip-covered --cov-report=html $(COVERAGE_TESTS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check marketplace tests bench check

# Every bench/bench_*.py, then bench/report.py: the summary table (each figure beside its anchor,
# measured in the same run) printed and written in docs/performance.md. `make bench-quick` (or
# BENCH_ARGS=--quick) gives each bench --quick: CI-sized runs that write their JSON results
# (bench/results/) but nothing in docs/. A bench that fails is named and the others still run.
BENCH_ARGS ?=
bench: $(VENV)/.installed-test
	@failed=""; for b in bench/bench_*.py; do \
		echo "== $$b $(BENCH_ARGS)"; $(BIN)/python $$b $(BENCH_ARGS) || failed="$$failed $$b"; \
	done; \
	$(BIN)/python bench/report.py $(BENCH_ARGS); \
	if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

bench-quick:
	$(MAKE) bench BENCH_ARGS=--quick

# Outside tools against a throwaway instance on 127.0.0.1 (check/instance.py: temp database,
# index and photos, demo data, tokens; CHECK_DATABASE_URL=postgresql://… for PostgreSQL).
# Figures for each revision go to docs/security.md.
CHECK_API_EXAMPLES ?= 125
CHECK_API_MIN_REQUESTS ?= 10000

check-static: $(VENV)/.installed-check
	$(BIN)/python -m check.static

check-api: $(VENV)/.installed-check translations
	$(BIN)/python -m check.api --examples $(CHECK_API_EXAMPLES) --min-requests $(CHECK_API_MIN_REQUESTS)

# Everything: static analysis, API fuzzing, then sqlmap and axe on the pages (check-web below).
check: check-static check-api check-web

# What CI can afford in a few minutes: the same tools, fewer generated requests.
check-quick: $(VENV)/.installed-check translations chromium
	$(BIN)/python -m check.static --allow-unaudited
	$(BIN)/python -m check.api --examples 10 --min-requests 1000
	$(BIN)/python -m check.axe_run --quick

# Outside checks of the web pages against a throwaway instance on loopback (check/; figures in
# docs/security.md): sqlmap on every form and query parameter with a positive control that must be
# caught, and axe-core on every page type on a phone and a desktop. CHECK_DATABASE_URL names a fresh
# PostgreSQL database to run them there instead of on a temporary SQLite file.
CHECK_DB_ARG = $(if $(CHECK_DATABASE_URL),--database-url "$(CHECK_DATABASE_URL)")

check-sqlmap: $(VENV)/.installed-check translations
	$(BIN)/python -m check.sqlmap_run $(CHECK_DB_ARG) $(SQLMAP_ARGS)

check-axe: $(VENV)/.installed-check translations chromium
	$(BIN)/python -m check.axe_run $(CHECK_DB_ARG) $(AXE_ARGS)

check-web: check-sqlmap check-axe

check-web-quick: $(VENV)/.installed-check translations chromium
	$(BIN)/python -m check.sqlmap_run --quick $(CHECK_DB_ARG)
	$(BIN)/python -m check.axe_run --quick $(CHECK_DB_ARG)

clean:
	rm -rf $(VENV) instance .pytest_cache
