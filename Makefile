# Front door of the toolkit. Every target is a thin wrapper over a `reporting` command,
# so the same work can be done without make (see README.md).
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LA     ?= hampshire
YEAR   ?= 2016-17
RAW_DIR ?=
RAWOPT := $(if $(RAW_DIR),--raw-dir $(RAW_DIR))
OUT_DIR ?=

.PHONY: help install report build demo validate indicators test golden lint bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  Variables: LA=$(LA) YEAR=$(YEAR) RAW_DIR=$(RAW_DIR) (default data/raw/LA)"

$(STAMP): pyproject.toml constraints.txt
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if absent) and install the toolkit with pinned versions

demo: $(STAMP) ## Write the demo council's raw data into data/raw/LA if that folder is absent or empty
	$(BIN)/reporting demo --la $(LA) --if-absent

validate: $(STAMP) ## Check the raw returns for LA and YEAR
	$(BIN)/reporting validate --la $(LA) --year $(YEAR) $(RAWOPT)

indicators: $(STAMP) ## Compute data/processed/LA/YEAR/indicators.csv
	$(BIN)/reporting indicators --la $(LA) --year $(YEAR) $(RAWOPT)

report: demo ## Set up, make the demo data if absent, build the report (HTML, Word, Excel) and print the path of report.html
	$(BIN)/reporting report --la $(LA) --year $(YEAR) $(RAWOPT) $(if $(OUT_DIR),--out-dir $(OUT_DIR))

build: demo ## Build the report of LA for YEAR (several years: YEAR="2015-16 2016-17"); unchanged inputs are reused
	$(BIN)/reporting build --la $(LA) --year $(YEAR) $(RAWOPT) $(if $(OUT_DIR),--out-dir $(OUT_DIR))

# nbval over the golden notebooks: every output compared (not --nbval-lax), each notebook in a fresh
# kernel; one notebook per worker (--dist loadfile). Their inputs are generated on first use
# (tests/golden/conftest.py). reporting.report.golden.NBVAL_ARGS says the same (a test checks).
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with=tests/golden/sanitize.cfg

test: $(STAMP) ## Set up and run the whole test suite, then nbval over the golden notebooks
	$(BIN)/python -m pytest -q -n 2
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(NBVAL) tests/golden

golden: $(STAMP) ## Regenerate the golden notebooks (tests/golden/) from the demo and print what changed
	$(BIN)/reporting golden --la hampshire

lint: $(STAMP) ## ruff over the package, tests and bench scripts
	$(BIN)/ruff check src tests bench

bench: $(STAMP) ## Run the benchmark scripts (figures recorded in README.md)
	$(BIN)/python bench/bench_reader.py
	$(BIN)/python bench/bench_indicators.py
	$(BIN)/python bench/bench_nbval.py

clean: ## Remove generated outputs (never touches data/raw)
	rm -rf data/processed/* reports bench/out tests/golden/.inputs
