"""The news claim-pair set the judgement is tuned on (data/fnc_claim_pairs.jsonl): well formed,
halved by headline, free of FNC-1 text, and rebuilt from ../shared/data by the script users run."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from conftest import PROJECT

LABELS = PROJECT / "data" / "fnc_claim_pairs.jsonl"
FNC = PROJECT.parent / "shared" / "data" / "fnc1"


def rows():
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]


def test_labels_are_well_formed_and_split_by_headline():
    data = rows()
    assert len({r["id"] for r in data}) == len(data) == 443
    assert {r["label"] for r in data} == {"entailment", "neutral", "contradiction"}
    assert {r["split"] for r in data} == {"tune", "check"}
    assert {r["agreement"] for r in data} <= {"2/2", "adjudicated"}
    heads = {}
    for r in data:
        assert heads.setdefault(r["headline_sha1"], r["split"]) == r["split"]   # a story is in one half only
        for ref in (r["premise_ref"], r["hypothesis_ref"]):
            assert len(ref) == 4 if ref[0] == "headline" else (len(ref) == 3 and ref[1] < ref[2])
        assert "premise" not in r and "hypothesis" not in r                        # references, never FNC-1 text
    assert Counter(heads.values()) == {"tune": 20, "check": 20}


@pytest.mark.skipif(not (FNC / "train_bodies.csv").exists(), reason="needs ../shared/data/fnc1")
def test_materialise_rebuilds_the_pairs_from_fnc1(tmp_path):
    out = tmp_path / "check.jsonl"
    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "fnc_claim_pairs.py"), "materialise",
                    "--split", "check", "--out", str(out)], check=True, capture_output=True)
    built = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    want = [r for r in rows() if r["split"] == "check"]
    assert [b["id"] for b in built] == [r["id"] for r in want] and len(built) == 219
    for b, r in zip(built, want):
        assert b["label"] == r["label"] and len(b["premise"].split()) >= 3 and len(b["hypothesis"].split()) >= 3


def test_materialise_says_when_fnc1_is_absent(tmp_path):
    res = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "fnc_claim_pairs.py"), "materialise",
                          "--data", str(tmp_path), "--out", str(tmp_path / "x.jsonl")], capture_output=True, text=True)
    assert res.returncode == 2 and "FNC-1 not found" in res.stderr


def test_training_pairs_share_no_body_or_headline_with_the_labelled_set():
    train = [json.loads(line) for line in (PROJECT / "data" / "fnc_news_train.jsonl").read_text().splitlines()]
    assert len({r["id"] for r in train}) == len(train) == 900 and {r["split"] for r in train} == {"train"}
    bodies = lambda data: {ref[0] for r in data for ref in (r["premise_ref"], r["hypothesis_ref"])  # noqa: E731
                           if ref[0] != "headline"}
    assert not bodies(train) & bodies(rows())
    assert not {r["headline_sha1"] for r in train} & {r["headline_sha1"] for r in rows()}


@pytest.mark.skipif(not (FNC / "train_bodies.csv").exists(), reason="needs ../shared/data/fnc1")
def test_training_source_reverses_contradictions_and_keeps_the_tune_half_as_dev(tmp_path):
    from stance.config import load_train_config
    from stance.training.nli import build_mixture

    cfg = tmp_path / "t.yaml"
    cfg.write_text("seed: 3\nsources:\n  fnc_news: {repeat: 2}\n")
    mix = build_mixture(load_train_config(cfg), FNC.parent)
    train = [json.loads(line) for line in (PROJECT / "data" / "fnc_news_train.jsonl").read_text().splitlines()]
    n_con = sum(r["label"] == "contradiction" for r in train)
    assert mix.counts == {"fnc_news": 2 * (len(train) + n_con)}
    assert len(mix.dev["fnc_news"]) == 224
    con = {(x.premise, x.hypothesis) for x in mix.train if x.label == "contradiction"}
    assert all((h, p) in con for p, h in con)          # both directions of every contradiction


@pytest.mark.skipif(not (FNC / "train_bodies.csv").exists(), reason="needs ../shared/data/fnc1")
def test_balanced_training_source_samples_each_label_down_to_the_rarest(tmp_path):
    from stance.config import load_train_config
    from stance.training.nli import build_mixture

    cfg = tmp_path / "t.yaml"
    cfg.write_text("seed: 3\nsources:\n  fnc_news: {balance: true}\n")
    mix = build_mixture(load_train_config(cfg), FNC.parent)
    labels = Counter(x.label for x in mix.train)
    assert len(set(labels.values())) == 1 and set(labels) == {"entailment", "neutral", "contradiction"}
