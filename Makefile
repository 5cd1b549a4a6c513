# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# Local development only: DEBUG on and a throwaway key. Production sets its own.
DEV_ENV := DJANGO_DEBUG=1 DJANGO_SECRET_KEY=local-development-only-not-secret

.PHONY: run test bench migrate demo check clean

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
	@echo ""
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python -m tests.bench

check: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
