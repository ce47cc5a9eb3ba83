# Rådsarkiv — `make run` and `make test` work on a fresh machine with only Python.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= corpus
INDEX  ?= var/index
PORT   ?= 8000
HOST   ?= 127.0.0.1

.PHONY: install index run test bench soak clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# the benchmark's peers (tantivy) are an optional extra
$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

index: install
	$(PY) -m indexer build --corpus $(CORPUS) --index $(INDEX)

run: index
	$(PY) -m webapp --index $(INDEX) --corpus $(CORPUS) --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest

bench: install $(VENV)/.bench-installed
	$(PY) -m bench

soak: install
	$(PY) -m bench.soak --corpus $(CORPUS) --index $(INDEX)

clean:
	rm -rf var .pytest_cache test-artefacts
