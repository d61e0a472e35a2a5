# Two commands on a fresh machine: `make run` (app on the embedded PostgreSQL with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

run: install
	$(BIN)/streamlit run app.py

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
