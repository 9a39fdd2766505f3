# Two entry points for a fresh clone: `make demo` and `make test`.  Both set up .venv idempotently.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO_OUT ?= out/bounties

.PHONY: setup demo test test-fast bench train train-tagger eval eval-model clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU wheel of torch first: an unpinned torch would pull gigabytes of CUDA packages
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	# the browser tests drive Debian's headless Chromium through chromedriver
	command -v chromedriver >/dev/null || ./scripts/install-chromium.sh
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/stance run examples/bounties --out $(DEMO_OUT) --overwrite \
	  --target "Russia paid bounties to Taliban-linked militants to kill US troops" \
	  --target "Iran paid bounties to the Taliban for attacks on US troops"
	@echo "Open $(DEMO_OUT)/report.html (or read $(DEMO_OUT)/report.md)"

test: setup
	$(PY) -m pytest -q

# the developer loop: every test that loads no real model, under a minute
test-fast: setup
	$(PY) -m pytest -q -m "not slow"

bench: setup
	$(PY) benchmarks/bench_nli.py --json out/bench_nli.json
	$(PY) benchmarks/bench_train.py --json out/bench_train.json
	$(PY) benchmarks/bench_pipeline.py

train: setup
	$(VENV)/bin/stance train --config configs/train_nli.yaml --out models/stance-nli-minilm --resume

# the attribution tagger on PolNeAR train (needs ../shared/data); checkpoints in .cache/tagger, resumable
train-tagger: setup
	$(VENV)/bin/stance train-tagger --out models/stance-attribution-minilm --epochs 4 --resume

clean:
	rm -rf out .pytest_cache

DATA ?= ../shared/data
EVAL_OUT ?= out/eval
# The figures that depend on the NLI model alone. To compare a candidate with the bundled model:
#   make eval-model MODEL=.cache/nli-news/model EVAL_OUT=out/eval-news [HOLDOUT=configs/train_nli_news.yaml]
MODEL ?=
M := $(if $(MODEL),--model $(MODEL))
# the candidate's training recipe: SNLI, XNLI and ANLI are scored on exactly the part it held back
HOLDOUT ?= configs/train_nli.yaml
eval-model: setup
	mkdir -p $(EVAL_OUT)
	$(VENV)/bin/stance eval --pairs tests/fixtures/claim_pairs.jsonl $(M) --json $(EVAL_OUT)/fixture_pairs.json --show-errors 0
	$(VENV)/bin/stance eval --pairs tests/fixtures/claim_pairs.jsonl --nli-only $(M) --json $(EVAL_OUT)/fixture_pairs_nli_only.json --show-errors 0
	$(VENV)/bin/stance eval --nli-dataset sick $(DATA)/nli/sick/SICK_train_trial.txt $(M) --json $(EVAL_OUT)/sick_trial.json --show-errors 0
	$(VENV)/bin/stance eval --nli-dataset snli $(DATA)/nli/snli/snli_1.0_dev.jsonl --holdout $(HOLDOUT) $(M) --json $(EVAL_OUT)/snli_heldout.json --show-errors 0
	$(VENV)/bin/stance eval --nli-dataset xnli $(DATA)/nli/xnli_en/validation.tsv --holdout $(HOLDOUT) $(M) --json $(EVAL_OUT)/xnli_heldout.json --show-errors 0
	$(VENV)/bin/stance eval --nli-dataset rte $(DATA)/nli/rte/dev.tsv $(M) --json $(EVAL_OUT)/rte_dev.json --show-errors 0
	for r in 1 2 3; do $(VENV)/bin/stance eval --nli-dataset anli $(DATA)/nli/anli_dev/R$$r.dev.jsonl --holdout $(HOLDOUT) $(M) --json $(EVAL_OUT)/anli_r$$r.json --show-errors 0; done
	for s in tune check; do $(PY) benchmarks/fnc_claim_pairs.py materialise --data $(DATA)/fnc1 --split $$s --out $(EVAL_OUT)/fnc_claim_pairs_$$s.jsonl && \
	  $(VENV)/bin/stance eval --pairs $(EVAL_OUT)/fnc_claim_pairs_$$s.jsonl $(M) --json $(EVAL_OUT)/fnc_claim_pairs_$$s.json --show-errors 0 && \
	  $(VENV)/bin/stance eval --pairs $(EVAL_OUT)/fnc_claim_pairs_$$s.jsonl --nli-only $(M) --json $(EVAL_OUT)/fnc_claim_pairs_$${s}_nli_only.json --show-errors 0; done
	$(PY) benchmarks/fnc_claim_pairs.py materialise --data $(DATA)/fnc1 --out $(EVAL_OUT)/fnc_claim_pairs.jsonl
	$(PY) benchmarks/tune_judge.py --pairs $(EVAL_OUT)/fnc_claim_pairs.jsonl $(M) --json $(EVAL_OUT)/tune_judge.json

# Every figure in the model card, from commands anyone can rerun (NLI sets need ../shared/data).
eval: eval-model
	$(VENV)/bin/stance eval --stances tests/fixtures/doc_stances.jsonl --corpus examples/bounties --json $(EVAL_OUT)/fixture_stances.json
	$(VENV)/bin/stance eval --polnear --extractor hybrid --json $(EVAL_OUT)/polnear_dev_hybrid.json
	$(VENV)/bin/stance eval --polnear --extractor hybrid --config configs/all_attributions.yaml --json $(EVAL_OUT)/polnear_dev_all_attributions.json
	$(VENV)/bin/stance eval --polnear --extractor tagger --json $(EVAL_OUT)/polnear_dev_tagger.json
	$(VENV)/bin/stance eval --polnear --extractor rules --json $(EVAL_OUT)/polnear_dev_rules.json
	$(PY) benchmarks/bench_doc_conflict.py --split check --json $(EVAL_OUT)/doc_conflict_check.json
	$(PY) benchmarks/bench_target_stance.py --json $(EVAL_OUT)/target_stance.json
