# The project's menu. Every target works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench bench-load bench-scale bench-notifications install migrate demo clean

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

## make run: the portal on http://127.0.0.1:8000 (PORT=8001 make run for another port) with SQLite and the demo data,
## and the task worker (db_worker) that sends email, printed to the console.
## check_pdf says which system libraries to install when PDFs cannot be made; the server starts anyway,
## since every page but the PDFs works without them.
PORT ?= 8000
# Links in the emails printed to the console point at this server, whatever its port.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	env -u DATABASE_URL DEBUG=1 $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL DEBUG=1 $(BIN)/python manage.py load_demo --port $(PORT)
	@$(BIN)/python manage.py check_pdf || echo "The portal starts anyway: every page but the PDFs works."
	@# The task worker (email) runs beside the server and stops with it; mail is printed to this console.
	env -u DATABASE_URL DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend TASKS_BACKEND=database \
		sh -c '$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)'

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

## make bench-scale: every page at demo size and at a region's size, on PostgreSQL (its own database,
## portal_bench_scale on 127.0.0.1:5432: BENCH_SCALE_SERVER and BENCH_SCALE_DB change them).
bench-scale: install
	$(BIN)/python bench/scale.py

## make bench-notifications: a 2,000-person meeting's reminder through the worker to Django's file backend.
bench-notifications: install
	$(BIN)/python bench/notifications.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
