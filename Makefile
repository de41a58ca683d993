# PayHelp: `make run` starts the bot, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint soak check stats kbtest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m bot kb vectors  # the example questions' sentence vectors, cached in VECTOR_CACHE_PATH (about 30 s, once)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run

test: lint
	$(BIN)/python -m pytest -n 2  # both cores (pytest-xdist); a single file runs alone as usual

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

soak: $(STAMP)
	$(BIN)/python -m pytest -m slow

bench: $(STAMP)
	$(BIN)/python -m bot bench

check: $(STAMP)
	$(BIN)/python -m bot kb check

stats: $(STAMP)
	$(BIN)/python -m bot kb stats

kbtest: $(STAMP)
	$(BIN)/python -m bot kb test

clean:
	rm -rf $(VENV)
