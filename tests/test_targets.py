import pytest
import numpy as np

from stance.stages.claims import Claim
from stance.stages.targets import TargetOptions, decide, target_stances


def test_decision_rule():
    o = TargetOptions()
    assert decide(0.1, 0.8, False, o) == "disagree"
    assert decide(0.8, 0.1, False, o) == "agree"
    assert decide(0.8, 0.1, True, o) == "discuss"   # hedged evidence: reported, not asserted
    assert decide(0.3, 0.3, False, o) == "discuss"


class ByWordScorer:
    labels = ("entailment", "neutral", "contradiction")

    def predict(self, pairs, batch_size=None):
        return np.array([[0.05, 0.15, 0.8] if "denied" in p + h else [0.85, 0.1, 0.05] for p, h in pairs])


def test_target_stances_per_document():
    claims = [Claim("a#1", "a", "Russia paid bounties to Taliban militants to kill US troops.", 0, 1, "s", None, False, False),
              Claim("b#1", "b", "The Taliban denied that Russia paid bounties to kill US troops.", 0, 1, "s", None, True, True),
              Claim("c#1", "c", "The weather in Paris was sunny and warm on Tuesday.", 0, 1, "s", None, False, False)]
    out = target_stances(["a", "b", "c"], claims, ["Russia paid bounties to the Taliban to kill US troops"],
                         ByWordScorer(), TargetOptions(relatedness_floor=0.4, stance_model="rules"))
    got = {t.doc_id: t.stance for t in out}
    assert got == {"a": "agree", "b": "disagree", "c": "unrelated"}
    assert next(t for t in out if t.doc_id == "b").evidence_claim == "b#1"


@pytest.mark.slow
def test_stance_model_fnc_needs_a_head_beside_the_model(tiny_model, tmp_path):
    import pytest

    from stance.errors import StanceError
    from stance.pipeline import run

    from conftest import EXAMPLE

    with pytest.raises(StanceError, match="no FNC-1 stance head beside the model.*stance_model: rules"):
        run(EXAMPLE, out=tmp_path / "o", model=str(tiny_model), quiet=True, targets=["Russia paid bounties"])
    assert not (tmp_path / "o").exists()
    with pytest.raises(StanceError, match="targets.stance_model"):
        TargetOptions.from_config({"stance_model": "vibes"})
