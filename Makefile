# The two commands a newcomer needs (see README.md): `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup venv test-deps migrate demo check lint bench clean-var

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@ $(VENV)/.runtime-installed

venv: $(VENV)/.runtime-installed

test-deps: $(VENV)/.test-installed

## Set up (idempotent): migrate, load the registry and catalogue, create the demo accounts.
# The report book's PDF engine (WeasyPrint) needs Pango and HarfBuzz from Debian.
BOOK_LIBS := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
	libharfbuzz-subset.so.0:libharfbuzz-subset0

setup: venv
	bash scripts/need-debian.sh $(BOOK_LIBS)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_offices
	$(PY) manage.py load_catalogue
	$(PY) manage.py load_profile_questions
	$(PY) manage.py demo_setup
	$(PY) manage.py evidence_sweep --stale-after 0

## Run the product on http://127.0.0.1:8000 with the embedded default (SQLite, no services).
run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop); stand-in KRS on 127.0.0.1:8001 (log: var/krs-standin.log)"
	@$(PY) manage.py run_krs_standin > var/krs-standin.log 2>&1 & standin=$$!; \
	trap 'kill $$standin 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## Run the whole test suite: SQLite, then PostgreSQL + Redis + the object store + Celery +
## the production stack + headless Chromium. Options: make test ARGS="-k login -x"
test:
	bash scripts/test.sh $(ARGS)

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## Lint, format check and the import layers (ruff and import-linter, pinned in requirements-test.txt).
lint: test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## Load benchmark: 245 offices saving at once and reviewers reading, gunicorn on loopback.
## Options: make bench-load BENCH_LOAD_ARGS="--concurrency 64 --database-url postgres://..."
.PHONY: bench-load
bench-load: venv
	$(PY) bench/load_bench.py $(BENCH_LOAD_ARGS)

# --- EVIDENCE ------------------------------------------------------------------------------
## Evidence validation benchmark: medians of several runs (figures kept in README, "Evidence").
.PHONY: bench-evidence
bench-evidence: venv
	$(PY) bench/evidence_bench.py

# --- REPORT BOOK ---------------------------------------------------------------------------
## The report book of one office with all 23 sub-items filled and ~2 MB of evidence each
## (≈ 46 MB), and without evidence, in a throw-away database: seconds, peak memory, pages/s.
.PHONY: bench-book
bench-book: venv
	bash scripts/need-debian.sh $(BOOK_LIBS) pdftotext:poppler-utils
	$(PY) bench/book_bench.py $(BENCH_BOOK_ARGS)

# --- KRS ---------------------------------------------------------------------------------
.PHONY: bench-krs krs-standin

## Benchmark the KRS sync: 245 demo offices × 30 indicators against the stand-in, in a
## throw-away database. Options: make bench-krs BENCH_KRS_ARGS="--delay 0.2 --concurrency 8"
bench-krs: venv
	$(PY) bench/krs_bench.py $(BENCH_KRS_ARGS)

## Serve the stand-in KRS on 127.0.0.1:8001, where the embedded default's KRS_BASE_URL points.
krs-standin: setup
	$(PY) manage.py run_krs_standin

# --- PERFORMANCE ---------------------------------------------------------------------------
## Page cost against a bare Django view (gunicorn, PostgreSQL, wrk), interleaved rounds.
## Options: make bench-pages BENCH_PAGES_ARGS="--offices 2450 --rounds 3 --pages 'office home'"
.PHONY: bench-pages
bench-pages: venv
	bash scripts/need-debian.sh wrk:wrk taskset:util-linux pg_ctlcluster:postgresql redis-server:redis-server
	$(PY) bench/pages_bench.py $(BENCH_PAGES_ARGS)

## Where a page's CPU goes under load: the same setup, py-spy sampling the gunicorn workers
## (GIL held) while wrk runs. Options: PROFILE_PAGES_ARGS="--pages 'reviewer queue' --top 60"
.PHONY: profile-pages
profile-pages: $(VENV)/.bench-installed
	bash scripts/need-debian.sh wrk:wrk taskset:util-linux pg_ctlcluster:postgresql redis-server:redis-server
	$(PY) bench/profile_pages.py $(PROFILE_PAGES_ARGS)

$(VENV)/.bench-installed: requirements-bench.txt requirements-test.txt requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

## The deadline rush: Locust plays every office's staff and the reviewers against gunicorn,
## a Celery worker, PostgreSQL and Redis on loopback. Options: BENCH_RUSH_ARGS="--seconds 300"
## The national workbook at 245 and 2,450 offices: time, peak memory, growth (issue 12).
## Options: make bench-export BENCH_EXPORT_ARGS="--sizes 245 --runs 5"
.PHONY: bench-export
bench-export: venv
	bash scripts/need-debian.sh pg_ctlcluster:postgresql
	$(PY) bench/export_bench.py $(BENCH_EXPORT_ARGS)

.PHONY: bench-rush
bench-rush: $(VENV)/.bench-installed
	bash scripts/need-debian.sh wrk:wrk redis-server:redis-server pg_ctlcluster:postgresql
	$(PY) bench/rush_bench.py $(BENCH_RUSH_ARGS)

## The rush on another commit (A) and on this one (B), alternately, ROUNDS times each:
## make bench-rush-ab AGAINST=3f5f54f [ROUNDS=2] [BENCH_RUSH_ARGS="--seconds 120"]
.PHONY: bench-rush-ab
bench-rush-ab: $(VENV)/.bench-installed
	bash scripts/need-debian.sh wrk:wrk redis-server:redis-server pg_ctlcluster:postgresql
	bash bench/rush_ab.sh $(AGAINST) $(or $(ROUNDS),2) $(BENCH_RUSH_ARGS)

# --- PRODUCTION STACK ------------------------------------------------------------------------
## The production stack on this machine (no Docker): PostgreSQL, Redis, SeaweedFS (S3), gunicorn,
## a Celery worker and beat, each a process on loopback (README, "Operations").
.PHONY: stack stack-stop stack-status backup restore
stack: test-deps
	bash scripts/stack.sh start

stack-stop:
	bash scripts/stack.sh stop

stack-status:
	bash scripts/stack.sh status

## Back up the stack (make backup) or restore into an empty stack (make restore FILE=var/backups/x.tar).
backup:
	bash -c 'set -a; . <(bash scripts/stack.sh env); set +a; $(PY) manage.py backup_create $(if $(FILE),--out $(FILE),)'

restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/pmqa-....tar" >&2; exit 2; }
	bash -c 'set -a; . <(bash scripts/stack.sh env); set +a; $(PY) manage.py backup_restore $(FILE)'
