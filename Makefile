# The two commands a newcomer needs: `make run` and `make test`.
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := uprest

.PHONY: run test test-fast

$(BIN)/python:
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The tests need the extras too: gunicorn and Redis (servers), psycopg (PostgreSQL), Playwright.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,server,postgresql]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics 2>&1 | tail -n 4
	FLASK_DEBUG=1 $(BIN)/flask db upgrade
	FLASK_DEBUG=1 $(BIN)/flask uprest import-courses courses/
	FLASK_DEBUG=1 $(BIN)/flask uprest seed-demo
	@echo "Serving UPREST Learning on http://127.0.0.1:$(PORT)"
	FLASK_DEBUG=1 $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/pybabel -q compile -d translations
	$(BIN)/ruff check --quiet uprest tests migrations hatch_build.py
	$(BIN)/vulture
	@echo "== test suite on SQLite =="
	$(BIN)/pytest
	@if [ -n "$$UPREST_TEST_DATABASE_URL" ]; then \
		echo "== test suite on PostgreSQL =="; \
		UPREST_TEST_ENGINE=postgresql $(BIN)/pytest -m "not once"; \
	else \
		echo "UPREST_TEST_DATABASE_URL is not set: PostgreSQL pass not run"; \
	fi

# The quick loop while working: everything but the tests that start real servers (gunicorn,
# Chromium, a second app), on SQLite. `make test` runs them all, as CI does.
test-fast: $(VENV)/.installed-test
	$(BIN)/pybabel -q compile -d translations
	$(BIN)/ruff check --quiet uprest tests migrations hatch_build.py
	$(BIN)/vulture
	$(BIN)/pytest -m "not live"
