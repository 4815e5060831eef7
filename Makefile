# floorman: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint unit bench clean tmux snapshots browser postgresql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## run: open floorman on a demo floor with live simulated agents
run: $(STAMP)
	$(BIN)/floorman demo

## test: lint, type-check, check the layers and run the whole test suite
test: $(STAMP) tmux browser postgresql
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto

## snapshots: regenerate the accepted screen pictures after an intended change (then look)
snapshots: $(STAMP)
	$(BIN)/python -m pytest tests/app/snapshots -n 0 -p no:randomly --snapshot-update

## bench: print speed and memory figures, and write them to bench/RESULTS.md
bench: $(STAMP) postgresql
	$(BIN)/python bench/run_all.py

# The end-to-end tests drive floorman in a real terminal: tmux, from Debian's packages.
tmux:
	@command -v tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; }

# The browser tests drive Debian's chromium (headless) through Debian's chromedriver.
browser:
	@{ command -v chromium >/dev/null && command -v chromedriver >/dev/null; } || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }
# The central-server tests start a throwaway PostgreSQL from Debian's packages (initdb in a
# temporary folder as an unprivileged user); FLOORMAN_TEST_PG=URL uses a server you give.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
