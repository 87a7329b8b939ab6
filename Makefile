# The two commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
# Test processes, each with its own embedded PostgreSQL and Redis (pytest-xdist). Three on
# two cores: the suite waits on workers, SMTP servers and browsers more than on CPU, and
# work stealing keeps the long tests from leaving one process alone at the end.
TEST_PROCESSES ?= 3

.PHONY: run test lint format lock install clean-data benchmark-search benchmark-load-reliability

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	@touch $(STAMP)

# axe-core and the Nu HTML Checker (vnu.jar) for the page checks
# (tests/browser/test_pages_pass_axe_and_html_checker.py). --ignore-scripts: vnu-jar's
# postinstall would download a Java runtime; the suite runs it with the system's java.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package-lock.json
	@npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

run: $(STAMP)
	@$(PY) scripts/run.py

test: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Re-resolve the pinned dependencies after editing pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements.lock

benchmark-search: $(STAMP)
	$(PY) benchmarks/search.py

# gunicorn, a worker and beat under 16 clients for 2 minutes, a digest, a killed worker.
benchmark-load-reliability: $(STAMP)
	$(PY) benchmarks/load_reliability.py

clean-data:
	rm -rf .data
