# `make demo` and `make test` install what they need by themselves (into .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install lock browser test lint typecheck sdl check-schema schema pytest demo bench clean

install: $(VENV)/.installed

# Versions come from the lock file (pip-tools, with hashes): every install gets the same ones.
# The editable install after it adds only what pyproject.toml asks for beyond the lock (a
# dependency added without `make lock`), so a stale lock never breaks an install.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Re-pin after changing dependencies in pyproject.toml: requirements.lock (the images) and
# requirements-dev.lock (make install, CI).
lock: install
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra dev --output-file requirements-dev.lock pyproject.toml

lint: install
	$(BIN)/ruff check federation subgraphs tests bench

typecheck: install
	$(BIN)/mypy federation

# schema.graphql is the public API of the six OPD subgraphs: composed from their SDL
# (exported from the code) with `splp compose`, like any OPD would publish.
sdl: install
	$(BIN)/python -m subgraphs.demo.export var/sdl > /dev/null

schema: sdl
	$(BIN)/splp compose --config supergraph.yaml --output subgraphs/demo/supergraph.graphql --api-output schema.graphql

check-schema: sdl
	$(BIN)/splp compose --config supergraph.yaml --check schema.graphql

pytest: install
	$(BIN)/pytest -q

# The browser tests drive Debian's Chromium with Playwright (its own browser download cannot
# work on a closed network): install the package when it is missing.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: lint typecheck check-schema browser pytest

demo: install
	$(BIN)/splp demo

bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.planning
	$(BIN)/python -m bench.plan_cache
	$(BIN)/python -m bench.app_page

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
