# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIND ?= 127.0.0.1:8000

.PHONY: run test test-tools install install-dev migrate frontend frontend-test lint format clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Apply database migrations (the server also applies them at start-up).
migrate: install
	$(VENV)/bin/flask --app wsgi:app migrate

## Build the Vue client when the repository has one.
frontend:
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; \
	else echo "no frontend/ yet: the server shows a placeholder page"; fi

## The whole product on http://$(BIND): offline model and SQLite unless .env says otherwise.
run: install migrate frontend
	$(VENV)/bin/gunicorn -c gunicorn.conf.py --bind $(BIND) wsgi:app

## Every test suite: the client's unit tests, then pytest (which drives the built client in
## Chromium against a live server in tests/e2e/test_browser.py).
test: install-dev test-tools frontend-test
	@$(VENV)/bin/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

## The Vue client: install exactly the lock file, lint, unit tests (vitest), production build.
frontend-test:
	cd frontend && npm ci --no-audit --no-fund && npm run lint && npm test && npm run build

## What the tests run beside Python: Java 17 for DynamoDB Local; npm, which fetches it
## once into .cache/ and builds the client; Debian's Chromium (and a Korean font, for readable
## screenshots) for the browser tests. Installed with apt-get when missing (as root, or through sudo).
test-tools:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -d /usr/share/fonts/truetype/nanum ] || missing="$$missing fonts-nanum"; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check backend tests benchmarks
	$(VENV)/bin/ruff format --check backend tests benchmarks

format: install-dev
	$(VENV)/bin/ruff check --fix backend tests benchmarks
	$(VENV)/bin/ruff format backend tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
