# casebridge: `make demo` and `make test` are the two commands; the rest are their parts.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/casebridge
# PostgreSQL on the same server, through its socket (as a one-server deployment should connect).
BENCH_PG_URL ?= postgres://postgres@%2Fvar%2Frun%2Fpostgresql/casebridge_bench
BENCH_ENV := CASEBRIDGE_KEY_FILE=var/keys.json CASEBRIDGE_LOG_LEVEL=ERROR
DEMO_ENV := CASEBRIDGE_DEMO=1 CASEBRIDGE_KEY_FILE=var/keys.json CASEBRIDGE_DATABASE_URL=sqlite:///var/demo.sqlite3

.PHONY: demo serve totp manage test lint test-sqlite test-postgres test-browser bench bench-pages bench-search bench-crisis bench-legal messages lock clean

$(BIN)/.installed: requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.txt
	touch $@

# Compiled catalogues are build output (not committed).
messages: $(BIN)/.installed
	cd casebridge && ../$(BIN)/python ../manage.py compilemessages --verbosity 0

var/keys.json: | $(BIN)/.installed
	mkdir -p var
	$(BIN)/python manage.py generate_keys --file var/keys.json

demo: $(BIN)/.installed messages var/keys.json
	$(DEMO_ENV) $(BIN)/python manage.py migrate --verbosity 0
	$(DEMO_ENV) PORT=$(PORT) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) $(BIN)/python manage.py db_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production server (gunicorn; CASEBRIDGE_BIND, CASEBRIDGE_WORKERS, CASEBRIDGE_TIMEOUT), on the
# database and keys the environment names.
serve: $(BIN)/.installed messages
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/gunicorn -c casebridge/gunicorn_conf.py casebridge.wsgi

# The demo accounts' current sign-in code, and how many seconds it has left (no Django: instant).
totp:
	@$(PYTHON) casebridge/demo/totp.py

# Any manage.py command against the demo database: make manage CMD="verify_audit"
manage: $(BIN)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py $(CMD)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy casebridge tests conftest.py

# Two test processes (pytest-xdist): the machine has two cores.
test-sqlite: $(BIN)/.installed messages
	mkdir -p var
	CASEBRIDGE_DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/pytest -q -m "not browser" -n 2

test-postgres: $(BIN)/.installed messages
	CASEBRIDGE_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser" --create-db -n 2

test-browser: $(BIN)/.installed messages
	CASEBRIDGE_DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/pytest -q -m browser

test: lint test-sqlite test-postgres test-browser

# The core's speed at a million cases (PostgreSQL) and 100,000 (SQLite), against its targets;
# figures in var/bench.json. The generated data is kept and reused (drop casebridge_bench and
# var/bench.sqlite3 to start again).
bench: $(BIN)/.installed messages var/keys.json
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'casebridge_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres casebridge_bench
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python manage.py migrate --verbosity 0
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python manage.py bench --output var/bench.json
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=sqlite:///var/bench.sqlite3 $(BIN)/python manage.py migrate --verbosity 0
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=sqlite:///var/bench.sqlite3 $(BIN)/python manage.py bench --output var/bench.json

# Name-search quality on the labelled benchmark (casebridge/demo/search_benchmark.py), beside a naive
# baseline: recall@1/5/10 and MRR per category, on a fresh SQLite database; figures in
# var/bench-search.json.
bench-search: $(BIN)/.installed messages var/keys.json
	rm -f var/bench-search.sqlite3
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=sqlite:///var/bench-search.sqlite3 $(BIN)/python manage.py migrate --verbosity 0
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=sqlite:///var/bench-search.sqlite3 $(BIN)/python manage.py bench_search --output var/bench-search.json $(ARGS)

# The daily-work pages on the demo database: bytes, queries, median ms (after make demo);
# ARGS="--user ngoinv.piseth" for an investigator's pages and the network view.
bench-pages: $(BIN)/.installed messages var/keys.json
	$(DEMO_ENV) CASEBRIDGE_LOG_LEVEL=ERROR $(BIN)/python manage.py bench_pages $(ARGS)

# The supervisor's crisis-care board with 200 open episodes and their rosters, on PostgreSQL
# (written and rolled back): p50/p95 and SQL statements of the page, its htmx poll and the API.
bench-crisis: $(BIN)/.installed messages var/keys.json
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'casebridge_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres casebridge_bench
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python manage.py migrate --verbosity 0
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python manage.py bench_crisis $(ARGS)

bench-legal: $(BIN)/.installed messages var/keys.json
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'casebridge_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres casebridge_bench
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python manage.py migrate --verbosity 0
	$(BENCH_ENV) CASEBRIDGE_DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python manage.py bench_legal $(ARGS)

# Re-pin dependencies after editing requirements/*.in.
lock: $(BIN)/.installed
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) var
