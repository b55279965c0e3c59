# Two commands set up a fresh machine (see README.md):
#   make lab    install what is needed and open the course in JupyterLab
#   make test   install what is needed (Chromium included) and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test install browser bench exercises lessons clean

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

test: install browser
	$(BIN)/python -m pytest
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

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts
