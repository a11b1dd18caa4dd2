# Two commands for a fresh machine: `make demo` (build the demo site) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo serve test lint clean

$(BIN)/kbgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Build the demo knowledge base shipped in this repo into site/.
demo: $(BIN)/kbgen
	$(BIN)/kbgen build
	@echo "Demo built into site/. Preview it with: make serve  (then open http://127.0.0.1:8000/)"

## Build, serve on http://127.0.0.1:8000/ and rebuild on changes.
serve: $(BIN)/kbgen
	$(BIN)/kbgen serve

## Run the whole test suite (unit, real-model integration, real MkDocs builds).
test: $(BIN)/kbgen
	$(BIN)/ruff check kbgen tests bench demo
	$(BIN)/python -m pytest -q

lint: $(BIN)/kbgen
	$(BIN)/ruff check kbgen tests bench demo

clean:
	rm -rf site .kbgen site_src/sessions site_src/mentors site_src/topics site_src/media site_src/kbgen-assets
