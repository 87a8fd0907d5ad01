# Two set-up commands for a fresh machine (Python 3.11+, Node.js): `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= .data

.PHONY: run test lint typecheck pytest bench clean install install-dev system-deps artefacts

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-runtime: $(VENV)/bin/python requirements/runtime.txt requirements/build.txt
	$(PIP) install -r requirements/runtime.txt -r requirements/build.txt
	touch $@

$(VENV)/.stamp-dev: $(VENV)/bin/python requirements/runtime.txt requirements/build.txt requirements/infra.txt requirements/dev.txt
	$(PIP) install -r requirements/dev.txt
	touch $(VENV)/.stamp-runtime $@

## Build-time artefacts the runtime loads instead of computing them at start-up: the places
## index (from GeoNames, ~1 min; rebuilt only when its inputs change) and the trained intent
## classifier. Never committed; the Lambda package build makes them too.
PLACES_INPUTS := $(wildcard runtime/places/sources/*.csv runtime/places/builder/*.py) runtime/places/keys.py runtime/places/layout.py runtime/bot_model.json
CLASSIFIER_INPUTS := runtime/bot_model.json $(wildcard runtime/nlu/*.py)

runtime/places/data/places.idx: $(VENV)/.stamp-runtime $(PLACES_INPUTS)
	$(PY) -m runtime.places.builder --if-stale
	touch $@

runtime/nlu/data/classifier.json: $(VENV)/.stamp-runtime $(CLASSIFIER_INPUTS)
	$(PY) -m runtime.nlu.artefact
	touch $@

artefacts: runtime/places/data/places.idx runtime/nlu/data/classifier.json

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.stamp-runtime artefacts

install-dev: $(VENV)/.stamp-dev artefacts node_modules/.stamp system-deps

## Debian's chromium for the browser tests (a Playwright browser download cannot be fetched).
system-deps:
	@scripts/ensure-chromium.sh

## Start the local chat server with the embedded default: no cloud account, no key.
run: install
	$(PY) -m runtime serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

## ruff, then the GitHub workflows: zizmor (offline) and actionlint where it is installed.
lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scripts/lint-workflows.sh

typecheck: $(VENV)/.stamp-dev
	$(VENV)/bin/mypy

pytest: install-dev
	$(PY) -m pytest --cov=runtime --cov=components --cov=policy --cov-report=term:skip-covered

## What CI runs: lint, types and every test.
test: install-dev lint typecheck pytest

BENCHES := handler nlu_accuracy conversations places typos fanout coldstart store load program package sources

## Every benchmark; each prints one JSON object as its last line.
bench: install-dev
	@for b in $(BENCHES); do echo "== python -m bench.$$b"; $(PY) -m bench.$$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules build .mypy_cache .pytest_cache .ruff_cache runtime/places/data runtime/nlu/data
