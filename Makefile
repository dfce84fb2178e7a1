# SatuPintu: `make run` serves the app with its scheduler; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# app/config.py: links and QR codes point at http://HOST:PORT unless PUBLIC_BASE_URL is set
export HOST PORT
WEB_WORKERS ?= 2
STAMP := $(VENV)/.requirements-installed
NODE_STAMP := node_modules/.package-installed

.PHONY: install assets browser run serve worker test test-fast test-faults lint bench clean-db

install: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

assets: $(NODE_STAMP)
	@mkdir -p app/static/vendor
	rm -rf app/static/vendor/bpmn-js && cp -r node_modules/bpmn-js/dist app/static/vendor/bpmn-js
	rm -rf app/static/vendor/dmn-js && cp -r node_modules/dmn-js/dist app/static/vendor/dmn-js
	@mkdir -p app/static/vendor/chart.js && cp node_modules/chart.js/dist/chart.umd.min.js app/static/vendor/chart.js/
	@mkdir -p app/static/vendor/swagger-ui && cp node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui.css,LICENSE,NOTICE} \
	  app/static/vendor/swagger-ui/

# Interface translations: Indonesian is the source language; compile the English catalog.
MO := app/translations/en/LC_MESSAGES/messages.mo
translations: $(MO)

$(MO): app/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -d app/translations

# After adding or changing marked UI text: refresh the catalog, then translate the new entries.
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output -o app/translations/messages.pot .
	$(BIN)/pybabel -q update -N --no-location -i app/translations/messages.pot -d app/translations

$(NODE_STAMP): package.json
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
	  else npm install --no-audit --no-fund --loglevel=error; fi
	@touch $@

# Migrate, load the BPMN models, seed demo data on an empty database, then serve
# the web app and the scheduler together (Ctrl-C stops both).
run: install assets translations
	$(FLASK) db upgrade
	$(FLASK) sync-processes
	$(FLASK) seed-demo --if-empty
	$(FLASK) dev-certificate
	@echo "SatuPintu on http://$(HOST):$(PORT)  (demo accounts: see README.md)"
	@trap 'kill 0' INT TERM EXIT; \
	  OUTBOX_CONSOLE=1 $(FLASK) worker run & \
	  OUTBOX_CONSOLE=1 GUNICORN_BIND=$(HOST):$(PORT) WEB_CONCURRENCY=$(WEB_WORKERS) \
	    $(BIN)/gunicorn -c deploy/gunicorn.conf.py "wsgi:app"

# Debian's Chromium for the browser tests: installed when missing and this is root (as in CI);
# otherwise the suite runs without them and its summary says so in red.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || \
	    echo "WARNING: could not install chromium: the browser tests will be skipped"; \
	  else echo "WARNING: chromium is not installed and this is not root: the browser tests will be skipped"; fi; }

# The suite runs on every core (pytest-xdist); each worker has its own SQLite files and PostgreSQL database.
TEST_WORKERS ?= auto
test: install assets translations browser
	$(BIN)/pytest -n $(TEST_WORKERS)

# Fault injection (docs/DEPLOY.md): the PostgreSQL restart under load (tests marked `faults`, skipped by
# `make test` because they restart the shared local server). The kill -9 tests of web and scheduler
# processes run in `make test` only.
test-faults: install
	RUN_FAULTS=1 $(BIN)/pytest tests/faults -q -m faults

test-fast: install translations
	$(BIN)/pytest -x -q -m "not browser"

lint: install
	$(BIN)/ruff check app workers tests wsgi.py

bench: install assets
	$(BIN)/python -m tests.perf.run
