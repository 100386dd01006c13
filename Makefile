# OneWindow set-up: `make run` serves the app on 127.0.0.1:5000, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
VENDOR := api/static/vendor
export SCARF_ANALYTICS := false

.PHONY: install frontend chromium run serve test test-fast test-browser postgres bench lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

frontend: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui-standalone-preset.js,swagger-ui.css,LICENSE} \
	   $(VENDOR)/swagger-ui/
	# bpmn-js: the prebuilt viewer (tracking, worklist, board) and modeler (designer), with their CSS/fonts
	# and licence (it asks that the bpmn.io watermark stay visible, which the pages do).
	mkdir -p $(VENDOR)/bpmn-js
	cp node_modules/bpmn-js/dist/{bpmn-navigated-viewer.production.min.js,bpmn-modeler.production.min.js} \
	   node_modules/bpmn-js/LICENSE $(VENDOR)/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets $(VENDOR)/bpmn-js/assets
	# ECharts for the supervision board; bpmn-auto-layout bundled into one ES module (it ships bare imports)
	# so the designer can lay out diagrams that come without DI.
	mkdir -p $(VENDOR)/echarts $(VENDOR)/bpmn-auto-layout
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE $(VENDOR)/echarts/
	node_modules/.bin/esbuild node_modules/bpmn-auto-layout/dist/index.js --bundle --format=esm --minify \
	   --legal-comments=inline --log-level=warning --outfile=$(VENDOR)/bpmn-auto-layout/bpmn-auto-layout.js
	touch $@

## chromium: Debian's chromium + a CJK font for the Playwright browser tests (installed when missing)
chromium:
	scripts/chromium.sh

## run: migrate, deploy bpmn/, seed demo data, then serve API + UI with gunicorn and the scheduler
run: install frontend
	$(FLASK) ow setup
	ONEWINDOW_VIDEO_DEMO=1 scripts/serve.sh

## test: everything, on SQLite and on a real PostgreSQL server installed and started here
test: install frontend chromium
	eval "$$(scripts/postgres.sh)" && $(PY) -m pytest -q $(PYTEST_ARGS)

## test-fast: the suite on SQLite only (no PostgreSQL server, no browser)
test-fast: install frontend
	ONEWINDOW_TEST_BACKENDS=sqlite $(PY) -m pytest -q -m "not slow and not browser" $(PYTEST_ARGS)

## test-browser: only the Playwright tests (they run on SQLite; see tests/browser/conftest.py)
test-browser: install frontend chromium
	$(PY) -m pytest -q -m browser tests/browser $(PYTEST_ARGS)

postgres:
	scripts/postgres.sh

## bench: approvals/s on SQLite and PostgreSQL, latency, state size vs bare SpiffWorkflow; timer lag; board; pages; history
bench: install frontend
	eval "$$(scripts/postgres.sh)" && $(PY) bench/run_bench.py --postgres "$$ONEWINDOW_TEST_POSTGRES_URL" $(BENCH_ARGS)
	$(PY) bench/timer_lag.py
	$(PY) bench/board_bench.py
	$(PY) bench/page_bench.py
	eval "$$(scripts/postgres.sh)" && $(PY) bench/page_bench.py --postgres "$$ONEWINDOW_TEST_POSTGRES_URL"
	$(PY) bench/video_bench.py
	$(PY) bench/history_bench.py
	eval "$$(scripts/postgres.sh)" && $(PY) bench/history_bench.py --postgres "$$ONEWINDOW_TEST_POSTGRES_URL"

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache test-artifacts
