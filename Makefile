# Needs nothing but python3 (>= 3.11) and make. Every target bootstraps .venv.
# The editable install puts the repository on sys.path (setuptools' "compat" mode) rather than
# installing an import hook that costs every `insights` run about 8 ms at start-up; where a
# setuptools no longer offers that mode, the default one is used.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AS_OF ?=
BENCH_SIZE ?= 1000

.PHONY: install site serve test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]' \
		--config-settings editable_mode=compat || \
		$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

site: install
	$(BIN)/insights build --strict $(if $(AS_OF),--as-of $(AS_OF))

serve: install
	$(BIN)/insights serve $(if $(AS_OF),--as-of $(AS_OF))

lint: install
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Bytecode first: with PYTHONDONTWRITEBYTECODE set, every `insights` run would compile our
# sources again, and the timings would measure that.
bench: install
	$(BIN)/python -m compileall -q generator
	BENCH_SIZE=$(BENCH_SIZE) $(BIN)/python -m benchmarks.run

clean:
	rm -rf site .cache $(VENV)
