# AIGov KG: set up, serve and test from a fresh checkout (needs python3; Java is installed if missing and root).
#
#   make serve            build the graph and serve it at http://$(HOST):$(PORT)/sparql  (make serve PORT=8001)
#   make test             install the package (not editable) with its test extra and run the test suite
#   make check            ruff and mypy on server/
#   make docs             write the ontology documentation (HTML, zh + en, SVG diagrams) into build/docs/
#   make clean            remove build outputs and caches (the virtual environment stays)

PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

PY  := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

# HermiT, the reasoner every build runs, needs `java` on PATH.
ENSURE_JAVA = command -v java >/dev/null 2>&1 || { \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "java not found: installing default-jre-headless with apt-get"; \
		mkdir -p /usr/share/man/man1; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless; \
	else \
		echo "error: java not found on PATH; the reasoner (HermiT) needs Java 11 or later: apt-get install default-jre-headless" >&2; \
		exit 1; \
	fi; }

# The query page's browser test drives Debian's Chromium through chromedriver.
ENSURE_CHROMIUM = { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "chromium not found: installing chromium and chromium-driver with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; \
	else \
		echo "error: chromium and chromedriver are needed by the query page test: apt-get install chromium chromium-driver" >&2; \
		exit 1; \
	fi; }

.PHONY: serve test check clean docs

$(PY):
	@if ! $(PYTHON) -m venv $(VENV); then \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "'$(PYTHON) -m venv' failed: installing python3-venv with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
		else \
			echo "error: '$(PYTHON) -m venv $(VENV)' failed: install python3-venv (apt-get install python3-venv)" >&2; \
			exit 1; \
		fi; \
	fi

serve: $(PY)
	@$(ENSURE_JAVA)
	$(PIP) install .
	$(VENV)/bin/aigov serve --host $(HOST) --port $(PORT)

test: $(PY)
	@$(ENSURE_JAVA)
	@$(ENSURE_CHROMIUM)
	$(PIP) install ".[test]"
	$(PY) -m pytest $(PYTEST_ARGS)

check: $(PY)
	$(PIP) install ".[dev]"
	@status=0; \
	echo "ruff check server"; $(VENV)/bin/ruff check server || status=1; \
	echo "mypy server"; $(VENV)/bin/mypy server || status=1; \
	exit $$status

docs: $(PY)
	$(PIP) install .
	$(VENV)/bin/aigov docs --output build/docs

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -type d -prune -exec rm -rf {} +
