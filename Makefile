# dlbook: two commands for a fresh machine with Python 3.11 and make.
#   make book   build the HTML book into _build/html (every chapter executed, cached)
#   make test   lint, unit/parity/property tests, doctests, a fresh strict book build, browser tests
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The environment is rebuilt when constraints.txt or pyproject.toml change (make's timestamps).
VENV_STAMP := $(VENV)/.installed
BOOK_FLAGS := -W -n --keep-going
# What the executed chapters depend on besides their own text: the package and the pins.
SRC_HASH = $$(find src/dlbook -type f -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs cat constraints.txt | sha256sum | cut -c1-16)

.PHONY: help setup book test lint unit bench build-times chromium clean constraints

help:
	@echo "make book   build the book into _build/html"
	@echo "make test   run every test (lint, unit, doctests, strict book build, browser)"
	@echo "make bench  run the benchmarks (prints ratio tables)"
	@echo "make clean  remove _build (keeps .venv)"

setup: $(VENV_STAMP)

$(VENV_STAMP): constraints.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "need python3.11 (or python3) on PATH"; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test]"
	touch $@

# jupyter-cache keys each notebook on its own code cells only, so a change to src/dlbook or to the
# pinned environment would leave stale outputs: clear the cache when their hash changes.
book: $(VENV_STAMP)
	@mkdir -p _build; hash=$(SRC_HASH); \
	if [ "$$(cat _build/.src-hash 2>/dev/null)" != "$$hash" ]; then \
	  echo "src/dlbook or constraints.txt changed: re-executing every chapter"; \
	  rm -rf _build/.jupyter_cache; fi; \
	DLBOOK_PROGRESS=0 PYDEVD_DISABLE_FILE_VALIDATION=1 $(BIN)/jupyter-book build . $(BOOK_FLAGS) \
	  && echo "$$hash" > _build/.src-hash
	@echo "open _build/html/index.html"

chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(VENV_STAMP)
	$(BIN)/ruff check src tests benchmarks book/_inv

test: $(VENV_STAMP) chromium lint
	DLBOOK_PROGRESS=0 PYDEVD_DISABLE_FILE_VALIDATION=1 $(BIN)/python -m pytest

unit: $(VENV_STAMP)
	$(BIN)/python -m pytest -m "not book and not browser"

bench: $(VENV_STAMP)
	$(BIN)/python benchmarks/mlp_digits.py
	$(BIN)/python benchmarks/conv2d.py
	$(BIN)/python benchmarks/course_cnn.py
	$(BIN)/python benchmarks/lstm.py
	$(BIN)/python benchmarks/optimizers.py
	$(BIN)/python benchmarks/batchnorm.py
	$(BIN)/python benchmarks/build_times.py

constraints: $(VENV_STAMP)
	{ head -n 2 constraints.txt; $(BIN)/pip list --format=freeze --exclude-editable --exclude pip --exclude setuptools --exclude wheel | sed 's/^torch==\(.*\)+cpu$$/torch==\1/'; } > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf _build
