# floorman: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint unit bench clean tmux snapshots browser

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
test: $(STAMP) tmux browser
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto

## snapshots: regenerate the accepted screen pictures after an intended change (then look)
snapshots: $(STAMP)
	$(BIN)/python -m pytest tests/app/snapshots -n 0 -p no:randomly --snapshot-update

## bench: print speed and memory figures, and write them to bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# The end-to-end tests drive floorman in a real terminal: tmux, from Debian's packages.
tmux:
	@command -v tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; }

# The browser tests drive Debian's chromium (headless) through Debian's chromedriver.
browser:
	@{ command -v chromium >/dev/null && command -v chromedriver >/dev/null; } || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
