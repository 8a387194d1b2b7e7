# 1956: The Hungarian Revolution -- build and check the book.
#
#   make          set up what is missing, then build all three editions
#   make test     run the whole test suite
#   make help     list every target
#
# Every build is strict (-W --keep-going -n) and publishes into _build/ only when it
# succeeded, so a failed build never replaces the last good edition.

PYTHON  := .venv/bin/python
BUILD   := $(PYTHON) -m booktools.build
SETUP   := .venv/.synced

.DEFAULT_GOAL := all
.PHONY: all setup html epub pdf test check serve linkcheck bench clean help

all: setup ## Set up what is missing, then build HTML, EPUB and PDF (one process, one parse)
	$(BUILD) html epub pdf

setup: ## Install missing system tools (apt) and the locked Python and Node packages
	@bash booktools/setup.sh

$(SETUP): uv.lock pyproject.toml
	@bash booktools/setup.sh

html: $(SETUP) ## Build the HTML edition into _build/html/
	$(BUILD) html

epub: $(SETUP) ## Build the EPUB edition into _build/epub/
	$(BUILD) epub

pdf: $(SETUP) ## Build the PDF edition into _build/pdf/
	$(BUILD) pdf

test: setup ## Run the whole test suite (builds what it needs)
	$(PYTHON) -m pytest

check: $(SETUP) ## Fast check of an edit: references, HTML build and its links (no PDF)
	$(PYTHON) -m pytest -m "not slow"

bench: $(SETUP) ## Time the build against pandoc and Jupyter Book 1 (installs them first; BENCH_ARGS=...)
	@bash benchmarks/setup.sh
	$(PYTHON) benchmarks/run.py $(BENCH_ARGS)

serve: $(SETUP) ## Live-reload preview of the HTML edition at http://127.0.0.1:8000
	.venv/bin/sphinx-autobuild -c . book _build/.serve --host 127.0.0.1 --port 8000 -n

clean: ## Remove every build output and cache (keeps .venv)
	rm -rf _build

help: ## List every target with one line
	@echo "Targets:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/  make \1\t\2/' | expand -t 18

# An unknown target prints the list of targets and fails.
.DEFAULT:
	@echo "make: unknown target '$@'"
	@$(MAKE) --no-print-directory help
	@exit 2
