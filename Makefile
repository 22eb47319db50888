# The project's front door. `make run` to use the aid, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# Debug is off unless asked for: `make run` asks. Loopback only, so the built-in development key.
DEV_ENV := DJANGO_DEBUG=1
# A fresh random key for each `make serve` and deploy check, unless DJANGO_SECRET_KEY is given.
# (Sessions and answers saved in a browser do not outlive a restart with a random key.)
RANDOM_KEY = $$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')
# Production-shaped settings for `make serve`: debug off, HTTPS cookies (browsers accept them
# from 127.0.0.1 and localhost), two-factor sign-in for staff.
DEMO_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$serve_key}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}"
DEPLOY_CHECK_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=decisionaid.example.org \
	DJANGO_SECRET_KEY="$(RANDOM_KEY)"
# The lock files: exact versions with hashes, for every platform and supported Python.
LOCK_ARGS := --universal --generate-hashes --python-version 3.11 --quiet

.PHONY: run serve test test-fast fuzz lint format bench content clean chromium lock audit enrol

# Installs exactly what the lock files name, checking every file's hash.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip>=25.1"
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# Refresh the lock files from pyproject.toml (needs the package index).
lock: $(VENV)/.dev-installed
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_ARGS) -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --group pyproject.toml:dev $(LOCK_ARGS) \
		-o requirements-dev.lock

# Known vulnerabilities in the locked dependencies (needs the advisory database: see .ci/audit).
audit: $(VENV)/.dev-installed
	.ci/audit

# Enrol a staff member's authenticator app for two-factor sign-in: make enrol STAFF=<username>
enrol: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py enrol_totp $(STAFF)

run: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_content
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: $(VENV)/.installed
	@serve_key=$(RANDOM_KEY); set -e; \
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0; \
	$(DEMO_ENV) $(PY) manage.py migrate --noinput; \
	$(DEMO_ENV) $(PY) manage.py load_content; \
	echo "Serving the production way on http://127.0.0.1:$(PORT) with a new random secret key"; \
	echo "(set DJANGO_SECRET_KEY to keep sign-ins and saved answers across restarts)."; \
	echo "Staff sign in with a code: first run 'make enrol STAFF=<username>'."; \
	$(DEMO_ENV) exec $(VENV)/bin/gunicorn decisionaid.wsgi --bind 127.0.0.1:$(PORT) --workers 2 \
		--no-control-socket

# Debian's Chromium, as its headless shell, drives the browser tests; Playwright cannot download
# its own here. The print tests count pages, so they need fonts with Arial's metrics (Liberation)
# to measure the same anywhere.
BROWSER_PACKAGES := chromium-headless-shell fonts-liberation
chromium:
	@missing=$$(for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "Browser tests need: $$missing. Run 'sudo apt-get install $$missing', then 'make test' again." >&2; exit 1; fi

# Templates are indented by djhtml, two spaces a level. djade formats the template tags
# themselves (named {% endblock %}s, sorted {% load %}s, tags of this Django version) but never
# indents, so both run. Two fragments are included inline and must not end in a line break,
# which djade would add: it leaves them alone.
TEMPLATE_FORMAT := $(VENV)/bin/djhtml --tabwidth 2 templates
INLINE_TEMPLATES := templates/_costs.html templates/_discuss_flag.html
TEMPLATE_TAGS = $(VENV)/bin/djade --target-version 5.2 \
	$(filter-out $(INLINE_TEMPLATES),$(shell find templates -name '*.html' | sort))

# mypy's plugin (django-stubs) loads the settings: debug on, so they need no secret key.
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEMPLATE_TAGS) --check
	$(TEMPLATE_FORMAT) --check
	$(DEV_ENV) $(VENV)/bin/mypy

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	@# djade exits 1 when it changed a file: a second run says whether any problem is left.
	$(TEMPLATE_TAGS) || $(TEMPLATE_TAGS)
	$(TEMPLATE_FORMAT)

# Tests run in parallel, one process per core (pytest-xdist). The bundled content is checked
# against the publication rules by the suite itself (tests/test_export.py).
XDIST := -n auto

test: $(VENV)/.dev-installed chromium lint
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# 15 fuzzed endpoints x 667 examples: just over 10,000 in all (the suite itself runs 25 each).
fuzz: $(VENV)/.dev-installed
	FUZZ_EXAMPLES=667 $(PY) -m pytest tests/test_fuzz.py -q -p no:cacheprovider
# Every test but the browser ones, with no lint or checks: the quick loop while working.
test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest $(XDIST) -m "not browser" $(PYTEST_ARGS)

bench: $(VENV)/.dev-installed
	$(PY) bench/run.py

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache .mypy_cache
