# The project's menu. Every target works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run worker test lint format bench bench-load bench-notifications install migrate demo clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py load_demo

## make run: the portal on http://127.0.0.1:8000 with SQLite and the demo data, and the task worker
## beside it (emails); stopping the server (Ctrl+C) stops the worker too.
run: install
	env -u DATABASE_URL DEBUG=1 $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL DEBUG=1 $(BIN)/python manage.py load_demo
	env -u DATABASE_URL DEBUG=1 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	env -u DATABASE_URL DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## make worker: only the task worker (sends the emails queued by the site), on the database queue.
worker: install
	$(BIN)/python manage.py db_worker

## make test: the whole suite; on PostgreSQL when DATABASE_URL is set.
## One worker per core (pytest-xdist), each with its own test database; a module's tests stay on one
## worker so module-wide fixtures (the demo for browser tests) load once. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/year_review.py

bench-load: install
	bash bench/load.sh

bench-notifications: install
	$(BIN)/python bench/notifications.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
