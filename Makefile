# The two commands of the README: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

SPARK_VENV ?= .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint typecheck unit spark-test neo4j-start neo4j-stop bench bench-identity bench-spark clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "custgraph needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=compat
	rm -f $(VENV)/.installed-*; touch $(STAMP)

# The Spark engine's venv: PySpark with pandas 2.x (PySpark warns about pandas 3), apart from
# the main venv so that the rest of the suite runs on the pandas users get by default.
$(SPARK_STAMP): pyproject.toml
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install -q --disable-pip-version-check --upgrade pip
	$(SPARK_VENV)/bin/pip install -q --disable-pip-version-check -e '.[dev,spark]' --config-settings editable_mode=compat
	rm -f $(SPARK_VENV)/.installed-*; touch $(SPARK_STAMP)

## Generate a sample dataset, load it into the embedded store and print what to open next.
demo: $(STAMP)
	$(BIN)/custgraph demo

## Lint, type-check and run every test: first the Spark engine's parity tests (Spark in local
## mode), which hand the runs that wrote Neo4j import files to the rest (a real Neo4j through
## scripts/neo4j), where they are imported and compared with the graph built in process.
## Both halves run; either failing fails the target.
test: $(STAMP) $(SPARK_STAMP) lint typecheck
	handoff=$$(mktemp -d); status=0; \
	SPARK_VENV=$(SPARK_VENV) CUSTGRAPH_SPARK_HANDOFF=$$handoff scripts/spark-tests || status=$$?; \
	PYTHON=$(abspath $(BIN)/python) CUSTGRAPH_SPARK_HANDOFF=$$handoff $(BIN)/pytest -m "not spark" || status=$$?; \
	rm -rf "$$handoff"; exit $$status

## The Spark engine's parity tests alone (PySpark in local mode).
spark-test: $(SPARK_STAMP)
	SPARK_VENV=$(SPARK_VENV) scripts/spark-tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## Every test that needs no Neo4j: unit tests, doctests, and the SQLite half of the rest.
unit: $(STAMP)
	$(BIN)/pytest -m "not neo4j and not spark"

neo4j-start:
	PYTHON=$(abspath $(BIN)/python) scripts/neo4j start

neo4j-stop:
	scripts/neo4j stop

bench: $(STAMP)
	$(BIN)/python bench/load.py

## Identity on public benchmark records (Febrl 1 and 2) and generated data, beside Splink.
bench-identity: $(STAMP)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,bench]' --config-settings editable_mode=compat
	$(BIN)/python bench/identity_public.py

## The Spark engine against the in-process path at growing sizes (docs/benchmarks.md).
bench-spark: $(SPARK_STAMP)
	$(SPARK_VENV)/bin/python bench/spark.py

clean:
	-scripts/neo4j stop
	rm -rf $(VENV) $(SPARK_VENV) .mypy_cache .pytest_cache .ruff_cache custgraph-demo custgraph.db*
