# Two entry points for a fresh clone: `make demo` and `make test`.  Both set up .venv idempotently.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO_OUT ?= out/bounties

.PHONY: setup demo test bench train clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU wheel of torch first: an unpinned torch would pull gigabytes of CUDA packages
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/stance run examples/bounties --out $(DEMO_OUT) --overwrite \
	  --target "Russia paid bounties to Taliban-linked militants to kill US troops" \
	  --target "Iran paid bounties to the Taliban for attacks on US troops"
	@echo "Open $(DEMO_OUT)/report.html (or read $(DEMO_OUT)/report.md)"

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) benchmarks/bench_nli.py
	$(PY) benchmarks/bench_pipeline.py

train: setup
	$(VENV)/bin/stance train --config configs/train_nli.yaml --out models/stance-nli-minilm --resume

clean:
	rm -rf out .pytest_cache
