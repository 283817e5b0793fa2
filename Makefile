# Parlons IA — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip
export FLASK_APP := app:create_app

.PHONY: run test install install-test translations translate-update db demo lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade --quiet pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e '.[test,sentence-transformers]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

translations: install
	$(BIN)/flask translate compile

translate-update: install
	$(BIN)/flask translate update

db: install
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load

## make run: install, create or upgrade the database, load the demo once, serve on 127.0.0.1:5000
run: translations demo
	$(BIN)/flask chatbot reindex --if-needed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## make test: install test tools, lint, run the whole suite
test: install-test
	$(BIN)/flask translate compile
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules .pytest_cache

## make bench: speed, weight and scale next to same-run baselines (needs wrk and chromium)
bench: install-test translations
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python tools/bench.py $(SECTIONS)
