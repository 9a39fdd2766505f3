"""The shipped model: loads through the pipeline's scorer with the right labels, reads textbook NLI
pairs right, treats attribution frames the way the fixture guide does, and stays above a fixture floor.

The textbook pairs are written here (not taken from the fixture set, and not chosen by what a model
got right): any NLI model worth shipping must get them, so a failure is a regression, not noise.
"""
import json

import pytest

pytestmark = pytest.mark.slow  # runs the pipeline or loads the bundled model

from stance.cli import main
from stance.models.factory import load_scorer

from conftest import FIXTURES, bundled_model_or_skip

TEXTBOOK = [
    ("A man is playing a guitar on stage.", "A man is playing an instrument.", "entailment"),
    ("A man is playing a guitar on stage.", "Nobody is playing an instrument.", "contradiction"),
    ("A man is playing a guitar on stage.", "The man is a famous musician.", "neutral"),
    ("The ministry said on Tuesday that 12 soldiers were killed in the attack.",
     "Soldiers were killed in the attack.", "entailment"),
    ("The city council approved the new bridge by a vote of 7 to 2.", "The city council rejected the new bridge.",
     "contradiction"),
    ("The company reported record profits this year.", "The company's chief executive will resign.", "neutral"),
]


@pytest.fixture(scope="module")
def scorer():
    return load_scorer(bundled_model_or_skip())


def test_bundled_model_labels_and_calibration(scorer):
    assert scorer.labels == ("entailment", "neutral", "contradiction")
    assert 0.3 < scorer.temperature < 3.0
    assert len(scorer.info.weights_sha256) == 64
    cfg = json.loads((bundled_model_or_skip() / "config.json").read_text())
    assert {v.lower() for v in cfg["id2label"].values()} == {"entailment", "neutral", "contradiction"}


@pytest.mark.parametrize("premise, hypothesis, gold", TEXTBOOK)
def test_textbook_pairs(scorer, premise, hypothesis, gold):
    probs = scorer.predict([(premise, hypothesis)])[0]
    assert scorer.labels[int(probs.argmax())] == gold, dict(zip(scorer.labels, probs.round(3)))


def test_fixture_floor(tmp_path, capsys):
    out = tmp_path / "fixture.json"
    assert main(["eval", "--pairs", str(FIXTURES / "claim_pairs.jsonl"), "--json", str(out), "--show-errors", "0"]) == 0
    m = json.loads(out.read_text())
    assert m["n"] == 171
    assert m["accuracy"] >= 0.46 and m["macro_f1"] >= 0.42
