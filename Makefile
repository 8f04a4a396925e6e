# Two commands for people: `make run` and `make test`. The rest are their steps.
PORT ?= 8000
# Development defaults; production sets DEBUG=False with SECRET_KEY and ALLOWED_HOSTS (README).
export DEBUG ?= True
# make needs nothing but Python 3.11+: it installs a pinned uv into .tools/ (git-ignored) the
# first time, with pip or straight from PyPI (.ci/bootstrap_uv.py). `make UV=uv` uses yours.
UV_VERSION := 0.13.9
UV_HOME := .tools/uv-$(UV_VERSION)
UV ?= $(UV_HOME)/bin/uv
PYTHON ?= python3
# The bootstrapped uv is a file make can build; a uv of your own is just used.
UV_DEP := $(filter $(UV_HOME)/bin/uv,$(UV))
MANAGE = $(UV) run --frozen python manage.py

.PHONY: run test install migrate load serve serve-prod check lint format

run: install migrate load serve

$(UV_HOME)/bin/uv:
	$(PYTHON) .ci/bootstrap_uv.py $(UV_VERSION) $(UV_HOME)

install: $(UV_DEP)
	$(UV) sync --frozen

# manage.py finds the database itself: DATABASE_URL, or an embedded PostgreSQL it starts.
migrate: $(UV_DEP)
	$(MANAGE) migrate --noinput

load: $(UV_DEP)
	$(MANAGE) load_site_data

serve: $(UV_DEP)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# A production-like server in one command (docs/production.md): DEBUG off, the deploy checks,
# collected static files, gunicorn. SECRET_KEY is random per start unless the environment sets
# one; TLS belongs to the proxy in front, so plain-HTTP clients must send X-Forwarded-Proto.
WORKERS ?= 4
serve-prod: export DEBUG := False
serve-prod: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve-prod: install
	export SECRET_KEY="$${SECRET_KEY:-$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}" && \
	$(MANAGE) migrate --noinput && \
	$(MANAGE) load_site_data && \
	$(MANAGE) collectstatic --noinput -v0 && \
	$(MANAGE) check --deploy --fail-level WARNING && \
	exec $(UV) run --frozen gunicorn careers.wsgi --config python:careers.gunicorn_conf \
		--bind 127.0.0.1:$(PORT) --workers $(WORKERS)

check: $(UV_DEP)
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# ruff, then the layer rule of docs/architecture.md (import-linter, contracts in pyproject.toml).
lint: $(UV_DEP)
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports --no-cache

format: $(UV_DEP)
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

# pytest reads settings directly, so the database URL is worked out first (careers/dbsetup.py).
test: install check lint
	DATABASE_URL="$$($(UV) run --frozen python -m careers.dbsetup)" $(UV) run --frozen pytest $(PYTEST_ARGS)
