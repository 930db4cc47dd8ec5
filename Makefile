# Every target does its own set-up: a fresh clone needs only `make lab` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test lint lint-ts typecheck pytest bench mutate demo frontend clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv

# Re-install when the project's metadata or front-end sources change.
$(STAMP): $(PY) pyproject.toml $(wildcard jupyter-config/server-config/*.json) $(wildcard widgets/*.ts widgets/*.css widgets/build.mjs widgets/package*.json extension/src/*.ts extension/src/*.json extension/style/* extension/package*.json notebooks/*.ipynb)
	$(MAKE) frontend
	$(UV) pip install -q --python $(PY) -e ".[dev]"
	touch $(STAMP)

# Front-end bundles (widgets, lab extension): the root package.json builds both, as the wheel does.
frontend:
	npm run build

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=$(CURDIR) notebooks/01_rhythm.ipynb

test: $(STAMP) lint lint-ts typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check schillinger_kernel tests bench examples gpu

# The front-ends (widgets/, extension/): tsc --noEmit (strict) in each, then eslint over both.
# Each folder's own node_modules come from `frontend`; eslint is the root package's.
NODE_TOOLS := node_modules/.package-lock.json
$(NODE_TOOLS): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint-ts: $(STAMP) $(NODE_TOOLS)
	npm run --silent typecheck
	npm run --silent lint

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

# Mutation score of the core modules named in pyproject's [tool.mutmut] (over an hour on
# 2 cores); writes mutants/report.txt, whose table `make bench` prints at its end.
mutate: $(STAMP)
	$(PY) -m bench.mutation

demo: $(STAMP)
	$(VENV)/bin/schillinger demo demo

clean:
	rm -rf mutants $(VENV) node_modules widgets/node_modules extension/node_modules schillinger_kernel/widgets/static schillinger_kernel/labextension
