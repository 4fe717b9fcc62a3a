# From the Ground Up: one command to build the book, one to run every test.
#   make book    set up, build the HTML book, print the page to open
#   make pdf     set up, build the whole book as one PDF (_build/pdf/book.pdf), offline, with Chromium
#   make test    set up, run every test (models, strict nbval on every lab, book build, real browser)
#   make lab     set up, open the labs in JupyterLab
#   make labs    re-execute every lab notebook and store its outputs (after changing labsupport)
#   make bench   build/test/callback timings and simulator throughput (not part of `make test`)
#   make fuzz    the Hypothesis property tests with the deep profile (many random inputs; minutes)
#   make lock    re-pin requirements.txt (the one environment) after changing pyproject.toml's dependencies
#   make student the student edition: labs without worked answers, a book without solutions
#   make grade NB=path/to/notebook.ipynb   run a student's notebook and print its score table
#   make hub-bench  a real JupyterHub on 127.0.0.1 serving 1-8 simulated students: memory, time, capacity
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BOOK_FLAGS := -W -n --keep-going
NBVAL := --nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout 120
# Two pytest workers (pytest-xdist): each file's tests stay on one worker (a notebook's cells share a
# kernel) and the book/PDF/browser tests, which share _build/, on one (conftest.py). Measured on the shared
# 2-core machine (load ~4, 2026-11-22, 916 tests): 236 s in one process, 146 s on two workers, same
# results. `make test XDIST=` runs in one process.
XDIST ?= -n 2 --dist loadgroup

.PHONY: all setup system vendor book book-only pdf labs lab test test-fast test-student fuzz bench check clean student grade lock hub-bench

all: book

# System packages (Debian): Chromium for the browser test, Node.js/npm for the widget assets.
system:
	@bash tools/setup-system.sh

# requirements.txt pins every package (`make lock` regenerates it from pyproject.toml): the same
# environment here, in CI and in a Binder / JupyterHub image built by repo2docker.
$(STAMP): pyproject.toml requirements.txt
	@bash tools/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.txt -e '.[dev]'
	touch $@

lock:
	bash tools/lock.sh

$(NODE_STAMP): package.json package-lock.json
	@bash tools/setup-system.sh
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

setup: $(STAMP) $(NODE_STAMP)
vendor: $(NODE_STAMP)

book: setup book-only
	@echo
	@echo "The book is built. Open this page in a browser:"
	@echo "  file://$(CURDIR)/_build/html/index.html"
	@if [ -f _build/pdf/book.pdf ]; then echo "The PDF (from the last \`make pdf\`, $$(date -r _build/pdf/book.pdf '+%F %R')):"; \
	  echo "  $(CURDIR)/_build/pdf/book.pdf"; else echo "(\`make pdf\` builds the whole book as one PDF.)"; fi

# The whole book as one PDF: a one-page build printed by Debian's Chromium (tools/make_pdf.py).
pdf: setup
	$(BIN)/python tools/make_pdf.py

book-only:
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)

labs: $(STAMP)
	$(BIN)/python tools/run_labs.py

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: setup
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) labs/

test: setup
	$(BIN)/python -m pytest $(XDIST) $(NBVAL) --doctest-modules tests labs labsupport

# The models and labs only (no book build, no browser): the quick loop while writing a chapter.
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) $(NBVAL) -m "not book and not browser" tests labs

# Every lab's student notebook run and graded (make test runs two of them and checks the rest statically).
test-student: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) tests/test_student.py --all-student-runs -q

# `make test` runs tests/test_properties.py with a small derandomized profile; this runs it deep.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest tests/test_properties.py -q

# A real JupyterHub on 127.0.0.1 serving classes of 1, 2, 4 and 8 students; prints the capacity figures.
hub-bench: setup
	$(BIN)/python tools/hub_bench.py --students $(or $(STUDENTS),1 2 4 8)

student: setup
	$(BIN)/python tools/student.py

grade: $(STAMP)
	@test -n "$(NB)" || { echo 'usage: make grade NB=path/to/notebook.ipynb [NB=...]' >&2; exit 2; }
	$(BIN)/python tools/grade.py $(NB)

bench: setup
	$(BIN)/python tools/bench.py

check:
	../shared/tools/course-check

clean:
	rm -rf _build .pytest_cache
