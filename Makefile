# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIND ?= 127.0.0.1:8000

.PHONY: run run-cluster sandbox-tool test test-tools install install-dev lock migrate frontend frontend-test lint format clean

# Installs come from the hashed locks, never from requirements*.txt directly: every package,
# direct or transitive, at the locked version, and only files with a locked hash.
$(VENV)/.runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Re-lock after editing requirements.txt or requirements-dev.txt (the direct dependencies):
## resolves for CPython 3.11 on Linux x86_64 (the Lambda image's platform too), keeps every
## version it can, and records the hashes of each release's files. LOCK_ARGS passes more
## options, e.g. LOCK_ARGS="--upgrade-package httpx" or LOCK_ARGS=--upgrade.
LOCK_FLAGS = --quiet --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu
lock: install-dev
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) $(LOCK_ARGS) requirements-dev.txt -o requirements-dev.lock
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) requirements.txt -c requirements-dev.lock -o requirements.lock

## Apply database migrations (the server also applies them at start-up).
migrate: install
	$(VENV)/bin/flask --app wsgi:app migrate

## Build the Vue client when the repository has one.
frontend:
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; \
	else echo "no frontend/ yet: the server shows a placeholder page"; fi

## The whole product on http://$(BIND): offline model and SQLite unless .env says otherwise.
run: install migrate frontend sandbox-tool
	$(VENV)/bin/gunicorn -c gunicorn.conf.py --bind $(BIND) wsgi:app

## Many hosts on this machine (README "Many hosts"): Redis, Postgres, two gunicorn hosts
## and nginx in front on http://127.0.0.1:$(CLUSTER_PORT); Ctrl-C stops them all. Needs
## Debian's redis-server, postgresql-15 and nginx (`make test-tools` installs them).
CLUSTER_PORT ?= 8080
run-cluster: install frontend
	$(PY) -m devservers.run_cluster --port $(CLUSTER_PORT)

## Every test suite: the client's unit tests, then pytest (which drives the built client in
## Chromium against a live server in tests/e2e/test_browser.py).
test: install-dev test-tools frontend-test
	@$(VENV)/bin/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

## The Vue client: install exactly the lock file, lint, unit tests (vitest), production build.
frontend-test:
	cd frontend && npm ci --no-audit --no-fund && npm run lint && npm test && npm run build

## Debian's bubblewrap, the sandbox that runs generated problems' reference solutions. Without
## it the app still runs: problems then say their verification was skipped, and why.
sandbox-tool:
	@command -v bwrap >/dev/null 2>&1 || { \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		{ $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends bubblewrap; } \
		|| echo "bubblewrap could not be installed: generated problems will not be verified"; \
	}

## What the tests run beside Python: Java 17 for DynamoDB Local; npm, which fetches it
## once into .cache/ and builds the client; Debian's Chromium (and a Korean font, for readable
## screenshots) for the browser tests; Redis, nginx and PostgreSQL for the many-hosts tests;
## Prometheus (and promtool) for the monitoring test of deploy/monitoring/; bubblewrap for the
## sandbox that runs reference solutions.
## Installed with apt-get when missing (as root, or through sudo).
test-tools:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -d /usr/share/fonts/truetype/nanum ] || missing="$$missing fonts-nanum"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing="$$missing postgresql-15"; \
	[ -x /usr/bin/prometheus ] || missing="$$missing prometheus"; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check backend tests benchmarks devservers
	$(VENV)/bin/ruff format --check backend tests benchmarks devservers
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff check --fix backend tests benchmarks devservers
	$(VENV)/bin/ruff format backend tests benchmarks devservers

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
