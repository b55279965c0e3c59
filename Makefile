# Two commands set up a fresh machine (see README.md):
#   make lab    install what is needed and open the course in JupyterLab
#   make test   install what is needed (Chromium included) and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test install browser bench exercises clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab course/00-start.ipynb

# Debian's chromium drives the browser tests; Playwright's own download does not work here.
browser:
	bash scripts/ensure-chromium.sh

test: install browser hub-install
	$(BIN)/python -m pytest
	bash scripts/run-nbval.sh

# The checker (throughput vs bare Sudachi, latency, cold start, memory), then cohort
# grading (grade-cohort vs nbgrader autograde, jobs, memory growth).
bench: install
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.cohort

# Regenerate the release notebooks from solutions/ (never edit exercises/ by hand).
exercises: install
	$(BIN)/python -m graders.assignments.release

# A local class on a real JupyterHub (needs root: the accounts are Unix users; see docs/deploy.md).
# JupyterHub comes from PyPI (the `hub` extra), its proxy from npm into hub/node_modules.
.PHONY: hub hub-stop hub-install bench-hub
HUB_STAMP := $(VENV)/.hub-installed
HUB_PROXY := hub/node_modules/.bin/configurable-http-proxy

$(HUB_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet -e ".[hub]"
	touch $(HUB_STAMP)

$(HUB_PROXY): hub/package.json hub/package-lock.json
	bash scripts/ensure-hub-tools.sh
	npm ci --prefix hub --no-audit --no-fund --loglevel=error
	touch $(HUB_PROXY)

hub-install: $(HUB_STAMP) $(HUB_PROXY)
	@bash scripts/ensure-hub-tools.sh

hub: install hub-install
	$(BIN)/python scripts/hub.py start

hub-stop:
	$(BIN)/python scripts/hub.py stop

# Memory per learner server (jupyter server + kernel after a form check), to size a class.
bench-hub: install hub-install
	$(BIN)/python -m benchmarks.hub

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts hub/node_modules
