# The project's front door. `make run` to use the aid, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# Production-shaped settings for `make serve` and the deploy check. The secret is a throwaway
# for a local demo only: a real deployment sets its own DJANGO_SECRET_KEY.
DEMO_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-local-demo-only-not-secret-$$(hostname)-0123456789abcdefghijklmnopqrstuvwxyz}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}"
DEPLOY_CHECK_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=decisionaid.example.org \
	DJANGO_SECRET_KEY=deploy-check-only-4f9c1e7b2a8d6035e1c9b7a4d2f8e6c0b3a5d7f9e1c3b5a7

.PHONY: run serve test test-fast fuzz lint format bench content clean chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip>=25.1"
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(VENV)/bin/pip install --quiet --group dev
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: $(VENV)/.installed
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_content
	@echo "Serving the production way on http://127.0.0.1:$(PORT) (a local demo secret is used unless DJANGO_SECRET_KEY is set)"
	$(DEMO_ENV) $(VENV)/bin/gunicorn decisionaid.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --no-control-socket

# Debian's Chromium drives the browser tests; Playwright cannot download its own here. The print
# tests count pages, so they need fonts with Arial's metrics (Liberation) to measure the same anywhere.
BROWSER_PACKAGES := chromium fonts-liberation
chromium:
	@missing=$$(for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "Browser tests need: $$missing. Run 'sudo apt-get install $$missing', then 'make test' again." >&2; exit 1; fi

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: $(VENV)/.dev-installed chromium lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest $(PYTEST_ARGS)

# 13 fuzzed endpoints x 770 examples: just over 10,000 in all (the suite itself runs 100 each).
fuzz: $(VENV)/.dev-installed
	FUZZ_EXAMPLES=770 $(PY) -m pytest tests/test_fuzz.py -q -p no:cacheprovider
# Every test but the browser ones, with no lint or checks: the quick loop while working.
test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

bench: $(VENV)/.dev-installed
	$(PY) bench/run.py

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache
