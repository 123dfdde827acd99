# edflows: the two commands of the README, and their parts.
#   make run   set up everything, start Neo4j, load the bundled data, serve http://127.0.0.1:8000
#   make test  set up everything, then lint (ruff), type-check (mypy) and run every test
# Both create .venv and install the project on first use; Neo4j's jars are fetched from Maven
# Central into .edflows/ by the first `edflows neo4j start` (tests do the same).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint setup browser fonts stop clean

run: setup fonts
	$(BIN)/edflows up

test: setup lint browser fonts
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

setup: $(VENV)/.installed

# Browser tests drive Debian's chromium (never a browser download); installed when missing.
browser:
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)

# The notice PDFs embed DejaVu Sans (Debian's fonts-dejavu-core); installed when missing.
fonts:
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf || (apt-get update -q && apt-get install -y -q fonts-dejavu-core)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "edflows needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

stop:
	$(BIN)/edflows neo4j stop

clean: stop
	rm -rf $(VENV) .edflows
