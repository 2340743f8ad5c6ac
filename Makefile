# The two commands of the README:  make serve   and   make test
# Both create and use a local virtualenv (.venv) themselves.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: install serve test test-fast browser koishi bench lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

serve: install
	$(PY) -m onebot_ref serve $(if $(CONFIG),-c $(CONFIG))

# Chromium for the browser test, and Noto CJK so that it (and the docs' screenshots) draws
# Chinese text instead of boxes: Debian's packages, installed when we can (root + apt-get).
browser:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "make browser: could not install$$missing; the browser test will skip (or draw boxes for CJK)"; \
	  else echo "make browser: missing$$missing and no root apt-get; the browser test will skip (or draw boxes for CJK)"; fi; fi

# Koishi for its interop test (exact versions of tests/interop/koishi/package-lock.json), when
# node and npm exist; without them that test skips and says why.
koishi:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
	  cd tests/interop/koishi && npm ci --no-audit --no-fund --loglevel=error \
	    || echo "make koishi: npm ci failed; the Koishi interop test will skip"; \
	else echo "make koishi: no node/npm; the Koishi interop test will skip"; fi

# ruff with the rules of ruff.toml; make test runs it first.
lint: install
	$(PY) -m ruff check .

test: install browser koishi lint
	$(PY) -m pytest -q

# The suite without installing anything (for a quick loop).
test-fast:
	$(PY) -m pytest -q -x

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
