# Chợ Hội Quán — `make run` sets everything up and serves; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run serve check-load test test-sqlite test-postgres lint bench translations extract-messages setup-db clean chromium

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed-run: $(VENV)/.created pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

translations: $(VENV)/.installed-run
	$(BIN)/pybabel compile --use-fuzzy -d marketplace/translations -D messages 2>&1 | grep -v '^compiling' || true

extract-messages: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot --no-location --sort-output --project "Chợ Hội Quán" .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations -D messages --no-fuzzy-matching

setup-db: $(VENV)/.installed-run translations
	$(BIN)/marketplace init-db
	$(BIN)/marketplace demo --if-empty
	$(BIN)/marketplace search reindex

# The worker (the one process that writes the search index; it also keeps matches current and
# sends their notifications) runs beside the web server and stops with it.
run: setup-db
	$(BIN)/marketplace worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app marketplace run --host 127.0.0.1 --port $(PORT)

# Production-like: gunicorn (WEB_CONCURRENCY workers, default 2) and the worker, each restarted
# if it dies (the restart is logged); Ctrl-C stops both. Extra gunicorn settings: GUNICORN_CMD_ARGS.
serve: setup-db
	$(BIN)/marketplace serve --host 127.0.0.1 --port $(PORT)

$(VENV)/.installed-check: $(VENV)/.installed-test pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,check]"
	touch $@

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

lint: $(VENV)/.installed-test
	$(BIN)/ruff check marketplace tests bench

bench: $(VENV)/.installed-test
	@for b in bench/bench_*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) instance .pytest_cache
