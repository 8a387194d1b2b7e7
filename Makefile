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
.PHONY: all setup html epub pdf pdf-a4 test check serve linkcheck bench clean help

all: setup ## Set up what is missing, then build EPUB, PDF and HTML (one process, one parse)
	$(BUILD) epub pdf html  # HTML last: it offers the EPUB and PDF just built for download

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

pdf-a4: $(SETUP) ## Build the PDF on A4 paper for office printing: _build/pdf/hungary-1956-a4.pdf
	BOOK_PAPER=a4 $(BUILD) pdf

test: setup ## Run the whole test suite (builds what it needs)
	$(PYTHON) -m pytest

check: $(SETUP) ## Fast check of an edit: references, images, HTML build and its links (one process)
	@$(PYTHON) -m booktools.check

linkcheck: html ## Check every external URL of the HTML edition (online; never in make test)
	$(PYTHON) -m booktools.linkcheck external

bench: $(SETUP) ## Time the build against pandoc and Jupyter Book 1 (installs them first; BENCH_ARGS=...)
	@bash benchmarks/setup.sh
	$(PYTHON) benchmarks/run.py $(BENCH_ARGS)

serve: $(SETUP) ## Warm live-reload preview of the HTML edition at http://127.0.0.1:8000
	$(PYTHON) -m booktools.serve --quiet --port 8000

clean: ## Remove every build output and cache (keeps .venv)
	rm -rf _build

help: ## List every target with one line
	@echo "Targets:"
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)/  make \1\t\2/' | expand -t 18

# An unknown target prints the list of targets and fails.
.DEFAULT:
	@echo "make: unknown target '$@'"
	@$(MAKE) --no-print-directory help
	@exit 2
