# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# Local development only: DEBUG on and a throwaway key. Production sets its own.
DEV_ENV := DJANGO_DEBUG=1 DJANGO_SECRET_KEY=local-development-only-not-secret

.PHONY: run serve test bench loadtest migrate demo check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

migrate: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_demo_content

run: demo
	@echo ""
	@echo "The site: http://127.0.0.1:$(PORT)/   The editors' admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "To get an editor login, in another terminal run:"
	@echo "    $(DEV_ENV) $(BIN)/python manage.py createsuperuser"
	@echo "then log in: the first login asks you to set up an authenticator app on your"
	@echo "phone (two-factor authentication is required for superusers and reviewers)."
	@echo "Without a phone: MSINFO_TWO_FACTOR_REQUIRED_FOR= make run"
	@echo ""
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# A production-like local check: DEBUG off, a new random key each run (never
# written anywhere), hash-named static files served by WhiteNoise, gunicorn
# with gunicorn.conf.py. Plain HTTP on loopback, so no HTTPS redirect and no
# Secure-only cookies; everything else as in production. The same database as
# `make run` (db.sqlite3, or DATABASE_URL if set).
SERVE_ENV := DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0

serve: $(VENV)/.installed
	@export DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(SERVE_ENV) PORT=$(PORT) && unset DJANGO_DEBUG && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py load_demo_content -v 0 >/dev/null && \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && \
	echo "" && \
	echo "Production-like (DEBUG off): http://127.0.0.1:$(PORT)/   admin: http://127.0.0.1:$(PORT)/admin/" && \
	echo "Editor logins are those of \`make run\` (same database). Ctrl-C stops gunicorn." && \
	echo "" && \
	exec $(BIN)/gunicorn -c gunicorn.conf.py msinfo.wsgi

# axe-core for the accessibility test (tests/site/test_browser_axe.py), exactly as
# package-lock.json pins it. Without npm, or offline, the test skips with its
# reason (under CI=true it fails), and the rest of the suite still runs.
node_modules/axe-core: package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then echo "npm not found: the axe accessibility test will be skipped"; \
	elif npm ci --no-audit --no-fund; then touch $@; \
	else echo "npm ci failed: the axe accessibility test will be skipped"; fi

# The suite in parallel (pytest-xdist): TEST_WORKERS processes, each with its
# own test database, cache and ports. --dist worksteal: each worker starts on
# its half of the tests (long ones first, in tests/conftest.py's order) and
# takes tests from the other's queue when its own runs out, so neither waits
# at the end: 330 s against 347 s for whole files per worker (loadfile), on
# the same 2,002 tests (6 Dec 2026). Two workers, one per core of the 2-core
# CI machine: three took as long there, four longer. The 25 slowest tests are
# listed at the end. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
test: $(VENV)/.installed node_modules/axe-core
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=25

bench: $(VENV)/.installed
	$(BIN)/python -m tests.bench

# Load and fault test (tests/loadtest.py): 60 s of readers, two editors saving
# and price imports against gunicorn on a private PostgreSQL cluster, which is
# stopped and restarted mid-run. Fails on any error other than the outage's
# 503s, or a lost edit. E.g. LOADTEST_ARGS="--database sqlite --seconds 30".
LOADTEST_ARGS ?=
loadtest: $(VENV)/.installed
	$(BIN)/python -m tests.loadtest $(LOADTEST_ARGS)

check: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
