# The README's two commands: `make run` and `make test`. Everything else supports them.
.DEFAULT_GOAL := help
SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
RUN := $(UV) run --frozen
export UV_LINK_MODE := copy

help:
	@echo "make run    - install, migrate, add demo data if empty, serve on http://127.0.0.1:8000"
	@echo "make test   - ruff, mypy, djlint, then every test (again on PostgreSQL and Redis where installed)"
	@echo "make mutation - mutation testing of the money, calendar and disclosure rules (slow)"
	@echo "make assets - rebuild GOV.UK Frontend CSS and JS into static/ (needs Node and npm)"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

.PHONY: uv
uv:
	@command -v uv >/dev/null 2>&1 || $(MAKE) --no-print-directory $(TOOLS)/bin/uv

.PHONY: install
install: system-deps uv
	$(UV) sync --frozen

# WeasyPrint needs Pango and HarfBuzz from the operating system, and the reports use Liberation
# fonts (Arial metrics). Install them where we can; otherwise say exactly what is missing.
.PHONY: system-deps
system-deps:
	@bash .ci/system-deps.sh run

.PHONY: run
run: install
	$(RUN) python manage.py migrate --no-input
	$(RUN) python manage.py seed_demo --if-empty
	bash .ci/serve.sh 127.0.0.1:8000

# The tests' own system packages (poppler-utils, Chromium, PostgreSQL, Redis, docker-compose):
# installed as root with apt-get, the same script CI uses; otherwise listed, and the tests that
# need them are skipped saying why (under CI=true a skip fails).
.PHONY: test-deps
test-deps:
	@bash .ci/system-deps.sh test

# pytest runs twice: on SQLite with the browser tests, then everything but the browser tests on
# a throwaway PostgreSQL and Redis with real Celery workers (skipped, saying so, without them).
# Each layer leaves out by marker the tests that belong to the other, so none is skipped.
# The Nu HTML Checker the browser tests run (npm vnu-jar on Java); without npm or Java they say so
# and skip only that check.
.PHONY: html-checker
html-checker:
	@bash .ci/html-checker/install.sh

.PHONY: test
test: install test-deps html-checker
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	$(RUN) djlint templates --lint
	$(RUN) pytest -m "not redis and not postgres"
	bash .ci/with-servers.sh $(RUN) pytest -m "not e2e and not sqlite_only"

# Mutation testing, slow (tens of minutes), so not part of `make test`: mutmut changes the rules
# named in [tool.mutmut] of pyproject.toml one small edit at a time, runs their tests against
# each change and then prints the score per module with the changes no test noticed. Results
# are kept in mutants/, so a second run only checks what changed.
.PHONY: mutation
mutation: install
	$(RUN) mutmut run --max-children 2
	$(RUN) python .ci/mutation_score.py

.PHONY: assets
assets:
	bash assets/build.sh

.PHONY: clean
clean:
	rm -rf .venv $(TOOLS) staticfiles mutants
