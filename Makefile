# PlanHub: `make run` serves the app with demo data; `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# REDIS_URL empty: the in-memory channel layer (one server process).
DEV_ENV := DEBUG=1 EMAIL_URL=console: REDIS_URL=

.PHONY: install run test test-fast lint format system-deps clean assets

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install  ## serve planhub/asgi.py (uvicorn) on http://127.0.0.1:8000 with SQLite and demo data, the worker beside it
	$(DEV_ENV) $(PY) manage.py migrate --verbosity 0
	$(DEV_ENV) $(PY) manage.py seed_demo $(if $(PASSWORD),--password $(PASSWORD))
	@$(DEV_ENV) $(PY) manage.py db_worker --no-reload --queue-name '*' --interval 0.25 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Background worker started (pid $$worker); it stops with the server."; \
	  echo "Notifications: http://127.0.0.1:8000/notifications/ (preferences: /notifications/preferences/);"; \
	  echo "mail (notifications, digests, password resets) is printed below by the worker (EMAIL_URL=console:)."; \
	  $(DEV_ENV) $(VENV)/bin/uvicorn planhub.asgi:application --host 127.0.0.1 --port 8000 --lifespan off \
	    --reload --reload-dir planhub --reload-dir templates --reload-include '*.html'

# Browser tests drive Debian's Chromium; the compose test validates docker-compose.yml;
# PDF tests read PDFs back with pdftotext (poppler-utils); PDFs print emoji with Noto Color Emoji.
system-deps:
	@command -v chromium >/dev/null && command -v docker-compose >/dev/null \
	  && command -v pdftotext >/dev/null && fc-list | grep -qi "Noto Color Emoji" || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q chromium poppler-utils fonts-noto-color-emoji fonts-liberation fonts-dejavu-core && \
	  $(SUDO) apt-get install -y -q --no-install-recommends docker-compose; }

test: install system-deps  ## every test (DATABASE_URL picks the database; SQLite by default)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: install  ## everything but the browser tests
	$(VENV)/bin/pytest -m "not e2e" $(PYTEST_ARGS)

lint: install  ## ruff, and the layers declared in pyproject.toml (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The browser bundles (static/vendor/coedit/) are committed: only changing assets/ needs Node.
assets:  ## rebuild static/vendor/coedit/coedit.js from assets/coedit/ (npm ci, then esbuild)
	npm ci --no-audit --no-fund
	node scripts/build_assets.mjs

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

.PHONY: bench-pdf
bench-pdf: install  ## PDF engines (Typst, WeasyPrint baseline, headless Chromium) on a 100-section plan: time, memory, fidelity
	@command -v chromium >/dev/null || $(MAKE) system-deps
	$(PY) bench/pdf_engines.py $(PDF_BENCH_ARGS)

.PHONY: bench-ledger
bench-ledger: install  ## verify_ledger on a project with 10,000 entries, SQLite and PostgreSQL (127.0.0.1:5432)
	$(PY) bench/ledger_verify.py $(LEDGER_BENCH_ARGS)

# Load benchmark: builds the planhub_bench database on PostgreSQL (BENCH_DATABASE_URL), runs the
# app under the production server (uvicorn; BENCH_SERVER=gunicorn-uvicorn|gunicorn-wsgi to
# compare) with 20 clients; BENCH_SECONDS per path, BENCH_ARGS=--reuse keeps the data. It runs
# at each scale of BENCH_SCALES ("1,10": scale 10 in planhub_bench_x10, built once, then reused)
# and prints the two ratio tables side by side (bench/scales.py). Then the co-editing benchmark
# (Redis at 127.0.0.1:6379, BENCH_REDIS_URL; BENCH_COEDIT_SECONDS).
.PHONY: bench bench-coediting bench-cpu
bench: install  ## load benchmark (PostgreSQL at 127.0.0.1:5432) at scales 1 and 10: req/s ratio to the bare view, CPU, queries; co-editing
	$(PY) bench/scales.py $(BENCH_ARGS)
	$(PY) bench/coediting.py $(COEDIT_BENCH_ARGS)

bench-cpu: install  ## in-process CPU ms and queries per request of every path beside the bare view's (no server)
	$(PY) bench/run.py --cpu

bench-coediting: install  ## editors typing into shared drafts: latency, lost characters, CPU and memory per draft
	$(PY) bench/coediting.py $(COEDIT_BENCH_ARGS)
