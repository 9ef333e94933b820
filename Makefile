# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create the virtualenv in .venv: `make demo` installs what a run needs, `make test` adds
# the development tools (linters, type checker, test runner).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
RUN_STAMP := $(VENV)/.run-installed-stamp
OUT    ?= out/demo
# The package's bytecode, brought up to date by `make install` and `make demo` (~0.05 s when
# nothing changed): pip compiles a regular install's modules but not an editable one's, and where
# PYTHONDONTWRITEBYTECODE is set (CI images often set it) Python would compile every module
# again at each start (~0.5 s of each `gaai run`).
COMPILE = $(BIN)/python -m compileall -q gaai_graph

.PHONY: install demo test lint typecheck unit format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	$(COMPILE)

# What a run needs, no development tools; skipped when `make install` already put them there.
$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -f $(STAMP) -a $(STAMP) -nt pyproject.toml || { \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip && \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -e . ; }
	touch $(RUN_STAMP)

demo: $(RUN_STAMP)
	$(COMPILE)
	$(BIN)/gaai run --source demo --out $(OUT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy gaai_graph

unit: install browser postgres
	$(BIN)/pytest -q

test: lint typecheck unit

# Headless Chromium renders the HTML reports in tests/reporting/test_html.py. Installed from
# Debian when missing (CI runs as root on a fresh machine); otherwise say what to run.
.PHONY: browser
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "headless Chromium is missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; }

# PostgreSQL server binaries for the Postgres checkpointer test (tests/test_persistence.py starts
# a throwaway cluster itself). Installed from Debian when missing; `make demo` never needs it.
.PHONY: postgres
postgres:
	sh scripts/ensure_postgres.sh

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache

.PHONY: bench bench-full

# Benchmarks (benchmarks/README.md): a few minutes; writes benchmarks/RESULTS.md.
# benchmarks/requirements.txt adds what only the benchmarks need (scipy, for nx.pagerank).
bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/run.py

bench-full: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/run.py --full

.PHONY: eval

# Evaluation harness (docs/evaluation.md): the real agent, rule path, on the benchmark graphs
# of eval/graphs with the corpus of eval/corpus; prints the table and writes
# eval/results/latest.md and latest.json. EVAL_ARGS=--quick runs the reduced subset.
eval: install
	PYTHONPATH=eval $(BIN)/python -m gaai_eval $(EVAL_ARGS)
