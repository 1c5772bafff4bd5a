# KTLearn — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two install stamps: running the site needs only the runtime set; tests and lint add the dev tools.
STAMP := $(VENV)/.installed
STAMP_DEV := $(VENV)/.installed-dev
LRS_STAMP := .venv-lrs/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev migrate demo serve test-postgres test-fast test-browser ci lint check worker beat bench-scale vendor messages clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(STAMP_DEV): $(STAMP) requirements-dev.txt $(LRS_STAMP)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP_DEV)

# Ralph, the Learning Record Store the xAPI test starts (tests/test_xapi.py), in a virtualenv of its own.
$(LRS_STAMP): requirements-lrs.txt
	test -x .venv-lrs/bin/python || $(PYTHON) -m venv .venv-lrs
	.venv-lrs/bin/python -m pip install --quiet -r requirements-lrs.txt
	touch $(LRS_STAMP)

setup: $(STAMP)

setup-dev: $(STAMP_DEV)

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py print_demo_logins
	@echo "KTLearn: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite: browser tests (Debian's /usr/bin/chromium) and a real Celery worker (Redis at
# 127.0.0.1:6379) included. SQLite unless DATABASE_URL says otherwise. Extra options: PYTEST_ARGS="-x -k login".
test: setup-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (each run creates and drops its own test_<name>_<pid> database).
test-postgres: setup-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest $(PYTEST_ARGS)

# Quick loop while coding: no browser, no worker process.
test-fast: setup-dev
	$(PY) -m pytest -m "not browser and not celery_worker" $(PYTEST_ARGS)

test-browser: setup-dev
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

# What CI runs: lint, migrations check, SQLite suite, PostgreSQL suite (starts services if needed).
ci:
	bash .ci/run

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

check: lint test

worker: setup
	$(VENV)/bin/celery -A lms worker -l info

beat: setup
	$(VENV)/bin/celery -A lms beat -l info

bench-scale: migrate
	$(PY) manage.py generate_scale --units 10000 --cadres 200000

messages: setup
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=staticfiles --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv

# Refresh the vendored front-end libraries from npm (versions in package.json).
vendor:
	npm install --no-audit --no-fund
	cp node_modules/bootstrap/dist/css/bootstrap.min.css lms/static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js lms/static/vendor/bootstrap/
	cp node_modules/chart.js/dist/chart.umd.min.js lms/static/vendor/chartjs/
	cp node_modules/htmx.org/dist/htmx.min.js lms/static/vendor/htmx/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css lms/static/vendor/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/*.woff2 node_modules/bootstrap-icons/font/fonts/*.woff lms/static/vendor/bootstrap-icons/fonts/
	# The source maps are not vendored: drop the comments that point at them (the production manifest
	# storage refuses a reference to a missing file).
	sed -i '/^\/[\/*]# sourceMappingURL=/d' lms/static/vendor/bootstrap/*.min.* lms/static/vendor/chartjs/*.js

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
