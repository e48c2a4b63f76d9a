# Etalase: `make run` serves the demo site, `make test` runs lint and the tests. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# pytest-xdist workers: one per core (CI has two).
TEST_WORKERS ?= auto
# Exported so that the app derives SITE_URL (links in pages and mails) from the port it serves on.
export PORT
export FLASK_APP := wsgi

.DEFAULT_GOAL := help
.PHONY: help install checkers translations assets messages run test test-sqlite test-postgres scale-check lint format bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Create .venv and install the app with its dev tools

# `make run` needs only the app's own dependencies (a third of the download and unpacking of
# the dev tools: browsers' driver, moto, linters); the dev tools come with the first `make test`.
$(VENV)/.installed-app: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.installed-app
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

checkers: .ci/node/node_modules/.installed ## Install the outside checkers the tests run (Nu Html Checker, axe-core) from npm

.ci/node/node_modules/.installed: .ci/node/package.json .ci/node/package-lock.json
	cd .ci/node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: $(VENV)/.installed-app ## Compile the message catalogues
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v '^compiling' || true
	@test -f translations/en/LC_MESSAGES/messages.mo

assets: $(VENV)/.installed-app ## Fingerprint and compress static/ into static/dist/ (served with immutable caching)
	$(BIN)/python -m shop.assets

messages: install ## Extract new texts into the catalogues (then translate translations/en/...)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o translations/messages.pot shop admin templates
	$(BIN)/pybabel update --no-fuzzy-matching --width 100 -i translations/messages.pot -d translations

GUNICORN := $(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) wsgi:app

# With REDIS_URL set, a job worker and the scheduler run beside gunicorn and stop with it;
# without it, jobs run in the web process after each commit and nothing else is started.
run: $(VENV)/.installed-app translations assets ## Migrate, seed demo data when empty, serve at http://127.0.0.1:$(PORT)
	$(BIN)/flask db upgrade
	$(BIN)/flask shop seed-demo --if-empty
	@echo "Etalase serves http://127.0.0.1:$(PORT) (links in pages and mails: $${SITE_URL:-http://127.0.0.1:$(PORT)})"
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: a job worker and the scheduler run alongside"; \
		trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
		$(BIN)/flask shop worker & $(BIN)/flask shop scheduler & \
		$(GUNICORN); \
	else exec $(GUNICORN); fi

test: lint translations checkers test-sqlite test-postgres ## Lint, then the suite on SQLite (and PostgreSQL with TEST_DATABASE_URL)

test-sqlite: install translations assets
	env -u TEST_DATABASE_URL $(BIN)/pytest -n $(TEST_WORKERS)

test-postgres: install translations assets
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TEST_DATABASE_URL"; $(BIN)/pytest -n $(TEST_WORKERS); \
	else echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped"; fi

# PostgreSQL server to create the check's own database on (its `postgres` database always exists).
SCALE_DATABASE_URL ?= $(or $(TEST_DATABASE_URL),postgresql://postgres@127.0.0.1:5432/postgres)

scale-check: install translations assets ## Two app servers and a worker on shared PostgreSQL, Redis and S3 (moto): docs/deploy.md
	SCALE_DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/pytest -n 0 -p no:randomly tests/scale

lint: install ## ruff check, ruff format --check, import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

bench: install translations assets ## Run every bench/bench_*.py; each writes its part of docs/performance.md
	@# wrk loads the storefront from C; the Python fallback shares the CPUs with the server.
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y -q wrk >/dev/null || true
	@set -e; for script in bench/bench_*.py; do \
		[ -e "$$script" ] || { echo "no benchmarks yet"; break; }; \
		echo "== $$script"; $(BIN)/python -m bench.$$(basename $$script .py); done

format: install ## Reformat the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
