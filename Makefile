# Two commands matter: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SQLITE_URL ?= sqlite:///$(CURDIR)/var/mechmatch.sqlite3
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export DJANGO_SETTINGS_MODULE := mechmatch.settings
# The embedded default keeps a generated key in var/ (settings refuse to start without a key).
export SECRET_KEY_FILE ?= $(CURDIR)/var/secret-key

.PHONY: run test test-sqlite test-postgres install browser-deps services lint format migrate seed bench bench-load bench-streams bench-uploads clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable

run: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo --if-empty
	PORT=$(PORT) BIN=$(BIN) bin/serve

# Debian's chromium drives the browser tests (Playwright cannot download browsers here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; }

# PostgreSQL and Redis are started by this kind of machine; start them if they are not.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mechmatch

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install browser-deps services lint
	mkdir -p var test-output
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	DATABASE_URL=$(SQLITE_URL) FAST_PASSWORD_HASHER=1 $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres:
	DATABASE_URL=$(PG_URL) FAST_PASSWORD_HASHER=1 $(BIN)/pytest -q $(PYTEST_ARGS)

# Load benchmarks of a fresh server on 127.0.0.1:8100 (BENCH_DATABASE_URL for PostgreSQL).
bench-load: install
	BIN=$(BIN) bin/bench-load load

bench-streams: install
	BIN=$(BIN) bin/bench-load streams

bench-uploads: install
	BIN=$(BIN) bin/bench-load uploads

seed: migrate
	$(BIN)/python manage.py seed_demo

clean:
	rm -rf var staticfiles test-output
