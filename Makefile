# Two commands for people: `make run` and `make test`. The rest are their steps.
PORT ?= 8000
# Development defaults; production sets DEBUG=False with SECRET_KEY and ALLOWED_HOSTS (README).
export DEBUG ?= True
UV ?= uv
MANAGE = $(UV) run --frozen python manage.py

.PHONY: run test install migrate load serve check lint format

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
