# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create the virtualenv in .venv and install the package with its dev tools first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out/demo

.PHONY: install demo test lint typecheck unit format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/gaai run --source demo --out $(OUT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy gaai_graph

unit: install
	$(BIN)/pytest -q

test: lint typecheck unit

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
