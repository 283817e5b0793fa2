# Parlons IA — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip
export FLASK_APP := app:create_app

.PHONY: run serve test install install-test translations translate-update db demo lint bench wrk clean

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
## with a background worker next to the site (stopped with it)
run: translations demo
	$(BIN)/flask chatbot reindex --if-needed
	$(BIN)/flask chatbot import corpus --if-empty
	$(BIN)/flask tasks worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## make serve: the production server on 127.0.0.1:8000 (gunicorn, deploy/gunicorn.conf.py), its
## logs without address, user agent or query string; put nginx in front (deploy/)
serve: translations db
	$(BIN)/flask chatbot reindex --if-needed
	CHATBOT_PRELOAD=1 $(BIN)/gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'

## make test: install test tools, lint, run the whole suite on TEST_WORKERS processes
## (pytest-xdist; TEST_WORKERS=0 runs in one process; PYTEST_ARGS adds or overrides options)
TEST_WORKERS ?= 3
test: install-test
	$(BIN)/flask translate compile
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --durations=25 $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

# wrk (the HTTP load generator of the web section) from Debian/Ubuntu packages when we are root.
wrk:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; \
	else \
		echo "make bench needs wrk. Install it, then run make bench again:"; \
		echo "  sudo apt-get install wrk        (Debian, Ubuntu)"; \
		echo "  or build it: https://github.com/wg/wrk (make, then put wrk on PATH)"; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) node_modules .pytest_cache

## make bench: speed, weight and scale next to same-run baselines (needs wrk and chromium)
bench: install-test translations
	@command -v wrk >/dev/null || $(MAKE) --no-print-directory wrk
	$(BIN)/python tools/bench.py $(SECTIONS)
