# Two entry points (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: env demo test test-postgres bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q crosswire  # as pip does for a normal install: new processes (workers) read .pyc
	touch $(STAMP)

env: $(STAMP)

demo: $(STAMP)  ## build the environment and run the main job on examples/
	rm -f out/demo.db
	mkdir -p out
	$(BIN)/crosswire --db out/demo.db ingest examples
	$(BIN)/crosswire --db out/demo.db docs
	$(BIN)/crosswire --db out/demo.db figures --brief --top 12
	$(BIN)/crosswire --db out/demo.db conflicts
	$(BIN)/crosswire --db out/demo.db extract examples --jsonl out/examples.jsonl
	$(BIN)/crosswire --db out/demo.db report --format md --out out/situation-report.md
	$(BIN)/crosswire --db out/demo.db report --format html --out out/situation-report.html
	$(BIN)/crosswire --db out/demo.db report --format pdf --out out/situation-report.pdf \
	  || echo "PDF skipped: WeasyPrint needs Pango (sudo bash .ci/install-system-deps.sh)"
	$(BIN)/crosswire --db out/demo.db export --format csv --out out/export
	@echo "Dashboard: $(BIN)/crosswire --db out/demo.db serve   (http://127.0.0.1:8765/)"

test: $(STAMP)  ## build the environment and run the tests
	$(BIN)/pytest

test-postgres: $(STAMP)  ## the whole suite on a throwaway PostgreSQL server (Debian's postgresql binaries)
	CROSSWIRE_TEST_DB=postgresql $(BIN)/pytest -m "not eval_gate"

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) out
