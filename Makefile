# 1956: The Hungarian Revolution -- build and check the book.
#
#   make          set up what is missing, then build all three editions
#   make test     run the whole test suite
#   make help     list every target
#
# Every build is strict (-W --keep-going -n) and publishes into _build/ only when it
# succeeded, so a failed build never replaces the last good edition.

PYTHON  := .venv/bin/python
SETUP   := .venv/.synced

# The language: `make html LANG=hu` builds the Hungarian edition only, `make html` the
# English.  Only LANG given on the command line counts (the environment's LANG is the
# shell's locale, such as en_GB.UTF-8); recipes then run in the C.UTF-8 locale.
ifeq ($(origin LANG),command line)
BOOK_LANG := $(LANG)
export LANG := C.UTF-8
else
BOOK_LANG := en
endif
BUILD   := $(PYTHON) -m booktools.build --language $(BOOK_LANG)

.DEFAULT_GOAL := all
.PHONY: all setup html epub pdf pdf-a4 test check translations serve linkcheck bench clean help

all: setup ## Set up what is missing, then build EPUB, PDF and HTML in English and Hungarian
	$(PYTHON) -m booktools.build --language all epub pdf html  # HTML last: it offers the rest

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
	$(PYTHON) -m pytest -n auto --dist loadfile --no-loadscope-reorder

check: $(SETUP) ## Fast check of an edit: references, images, HTML build and its links (LANG=hu too)
	@$(PYTHON) -m booktools.check --language $(BOOK_LANG)

translations: $(SETUP) ## Update the catalogues in locales/ from the English text; list what is left
	$(PYTHON) -m booktools.translation update --language $(if $(filter en,$(BOOK_LANG)),hu,$(BOOK_LANG))

linkcheck: html ## Check every external URL of the HTML edition (online; never in make test)
	$(PYTHON) -m booktools.linkcheck external

bench: $(SETUP) ## Time the build against pandoc and Jupyter Book 1 (installs them first; BENCH_ARGS=...)
	@bash benchmarks/setup.sh
	$(PYTHON) benchmarks/run.py $(BENCH_ARGS)

serve: $(SETUP) ## Warm live-reload preview of the HTML edition at http://127.0.0.1:8000
	$(PYTHON) -m booktools.serve --quiet --port 8000

clean: ## Remove every build output and cache (keeps .venv): _build and the drawn figures
	rm -rf _build book/_figures

help: ## List every target with one line
	@echo "Targets:"
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)/  make \1\t\2/' | expand -t 18

# An unknown target prints the list of targets and fails.
.DEFAULT:
	@echo "make: unknown target '$@'"
	@$(MAKE) --no-print-directory help
	@exit 2
