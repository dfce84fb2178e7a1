# SatuPintu: `make run` serves the app with its scheduler; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WEB_WORKERS ?= 2
STAMP := $(VENV)/.requirements-installed
NODE_STAMP := node_modules/.package-installed

.PHONY: install assets run serve worker test test-fast lint bench clean-db

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

$(NODE_STAMP): package.json
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
	  else npm install --no-audit --no-fund --loglevel=error; fi
	@touch $@

# Migrate, load the BPMN models, seed demo data on an empty database, then serve
# the web app and the scheduler together (Ctrl-C stops both).
run: install assets
	$(FLASK) db upgrade heads
	$(FLASK) sync-processes
	$(FLASK) seed-demo --if-empty
	$(FLASK) dev-certificate
	@echo "SatuPintu on http://$(HOST):$(PORT)  (demo accounts: see README.md)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(FLASK) worker run & \
	  $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) --threads 4 \
	    --access-logfile - "wsgi:app"

test: install assets
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -x -q -m "not browser"

lint: install
	$(BIN)/ruff check app workers tests wsgi.py

bench: install assets
	$(BIN)/python -m tests.perf.run
