# CCHC Tracker — every target a newcomer needs. Only python3.11+ and make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DOSSIER_SCALE ?= 1.0

.PHONY: run install migrate demo serve scheduler test check test-sqlite lint bench load lock clean screenshots mutate

# The Quảng Ninh demo reports on calendar halves (its 2023 figures run 1 January - 30 June).
# The server answers first; the demo dossier years (large at scale 1.0) then load as import
# jobs whose progress the pages show. The scheduler runs inside the server (SCHEDULER_IN_API).
run: export REPORT_CALENDAR ?= calendar
run: install migrate demo
	$(BIN)/cchc serve --host $(HOST) --port $(PORT) --demo-dossiers-scale $(DEMO_DOSSIER_SCALE)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/cchc migrate

demo: install
	$(BIN)/cchc demo

serve: install
	$(BIN)/cchc serve --host $(HOST) --port $(PORT)

# Two pytest-xdist workers (each with its own databases, data folder and ports); the browser
# tests stay together on one of them (--dist loadgroup). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -q -m "not slow" -n $(TEST_WORKERS) --dist loadgroup

# The long reliability parts: kill -9 fault tests and the long fuzzing run. Their figures go into a
# temporary copy of tests/bench/results.json, summarised at the end, so the tree stays as it was;
# `make check RECORD=1` writes them into tests/bench/results.json itself.
check: install
	@if [ -n "$(RECORD)" ]; then results=tests/bench/results.json; \
	else results=$$(mktemp -d)/results.json; cp tests/bench/results.json $$results; fi; \
	CCHC_RECORD_RESULTS=1 CCHC_RESULTS_FILE=$$results $(BIN)/python -m pytest -q -m slow; status=$$?; \
	$(BIN)/python -m tests.check_summary $$results; exit $$status

# Refresh docs/screenshots/ from the browser tests (a plain test run writes them to a temporary folder).
screenshots: install
	CCHC_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/api/web/test_web_browser.py

# Mutation testing of the rule modules (slow, not in CI): scores and survivors to tests/bench/results.json.
mutate: install
	$(BIN)/python -m tests.mutation

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

scheduler: install
	$(BIN)/cchc migrate
	$(BIN)/cchc scheduler

load: install
	$(BIN)/python -m tests.bench.load_test

bench: install
	$(BIN)/python -m tests.bench.run
	$(BIN)/python -m tests.bench.dossiers
	$(BIN)/python -m tests.bench.service_index

# Regenerate the hashed lock after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra dev -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .ruff_cache
