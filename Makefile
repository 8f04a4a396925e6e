# Two commands for people: `make run` and `make test`. The rest are their steps.
PORT ?= 8000
# Development defaults; production sets DEBUG=False with SECRET_KEY and ALLOWED_HOSTS (README).
export DEBUG ?= True
UV ?= uv
MANAGE = $(UV) run --frozen python manage.py

.PHONY: run test install migrate load serve serve-prod check lint format

run: install migrate load serve

install:
	$(UV) sync --frozen

migrate:
	$(UV) run --frozen python -m careers.dbsetup
	$(MANAGE) migrate --noinput

load:
	$(MANAGE) load_site_data

serve:
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# A production-like server in one command (docs/production.md): DEBUG off, the deploy checks,
# collected static files, gunicorn. SECRET_KEY is random per start unless the environment sets
# one; TLS belongs to the proxy in front, so plain-HTTP clients must send X-Forwarded-Proto.
WORKERS ?= 4
serve-prod: export DEBUG := False
serve-prod: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve-prod: install
	export SECRET_KEY="$${SECRET_KEY:-$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}" && \
	$(UV) run --frozen python -m careers.dbsetup && \
	$(MANAGE) migrate --noinput && \
	$(MANAGE) load_site_data && \
	$(MANAGE) collectstatic --noinput -v0 && \
	$(MANAGE) check --deploy --fail-level WARNING && \
	exec $(UV) run --frozen gunicorn careers.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS)

check:
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

lint:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format:
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

test: install check lint
	$(UV) run --frozen pytest $(PYTEST_ARGS)
