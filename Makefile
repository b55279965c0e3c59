# Two commands set up a fresh machine (see README.md):
#   make lab    install what is needed and open the course in JupyterLab
#   make test   install what is needed (Chromium included) and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The course's JupyterLab settings (Japanese menus, no news pop-up) and server config (the
# pre-save hook), installed into the virtualenv so every `jupyter lab` from it uses them.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.json

# make lab LAB_IP=0.0.0.0 LAB_PORT=8888 serves other machines too (see README).
LAB_IP   ?= localhost
LAB_PORT ?= 8888
# Containers often run as root; JupyterLab refuses root unless told.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

.PHONY: lab test install browser bench exercises lessons clean

$(BIN)/python:
	@echo "[1/3] .venv を作ります / creating .venv"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change. pip lists each package as it goes.
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "[2/3] 必要なパッケージを入れます（初回は数分かかります） / installing packages (minutes the first time)"
	$(BIN)/pip install --progress-bar on -e ".[test]"
	touch $(STAMP)

$(LAB_SETTINGS): scripts/lab/overrides.json | $(BIN)/python
	@echo "[3/3] JupyterLab を講座用に設定します（日本語、お知らせなし） / course settings for JupyterLab"
	install -D -m 644 $< $@

$(SERVER_CONFIG): scripts/lab/jupyter_server_config.json | $(BIN)/python
	install -D -m 644 $< $@

install: $(STAMP) $(LAB_SETTINGS) $(SERVER_CONFIG)

lab: install
	@echo "JupyterLab を http://$(LAB_IP):$(LAB_PORT)/ で起動します。ブラウザーが開かないときは、下に出る"
	@echo "http://…/lab?token=… の URL を開いてください（止めるときは Ctrl+C）。"
	@echo "Open the http://…/lab?token=… URL printed below if no browser opens (Ctrl+C stops)."
	$(BIN)/jupyter lab --ip=$(LAB_IP) --port=$(LAB_PORT) $(ALLOW_ROOT) course/00-start.ipynb

# Debian's chromium drives the browser tests; Playwright's own download does not work here.
browser:
	bash scripts/ensure-chromium.sh

# .venv/bin first on PATH, as in an activated virtualenv: nbgrader runs `alembic` by name.
test: install browser hub-install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest
	bash scripts/run-nbval.sh

# The checker (throughput vs bare Sudachi, latency, cold start, memory), then cohort
# grading (grade-cohort vs nbgrader autograde, jobs, memory growth), then the role-play
# customer's time to answer a turn.
bench: install
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.cohort
	$(BIN)/python -m benchmarks.roleplay

# Regenerate the release notebooks from solutions/ (never edit exercises/ by hand).
exercises: install
	$(BIN)/python -m graders.assignments.release

# Bring each lesson's Markdown source (course/*.md) and its notebook (.ipynb) in step.
lessons: install
	$(BIN)/python scripts/sync_lessons.py

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
