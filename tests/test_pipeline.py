import numpy as np
import pytest

from stance.errors import StanceError
from stance.pipeline import analyze, load_config


class KeywordScorer:
    """Deterministic scorer: contradiction when exactly one side says 'denied'."""
    labels = ("contradiction", "entailment", "neutral")   # deliberately unusual order

    def predict(self, pairs, batch_size=None):
        out = []
        for p, h in pairs:
            if ("denied" in p) != ("denied" in h):
                out.append([0.9, 0.05, 0.05])
            else:
                out.append([0.05, 0.6, 0.35])
        return np.array(out)


def test_analyze_with_any_scorer_protocol(tmp_path):
    (tmp_path / "a.txt").write_text("Russia paid bounties to the Taliban to attack US troops.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("The Taliban denied that Russia paid bounties to attack US troops.\n", encoding="utf-8")
    res = analyze(tmp_path, scorer=KeywordScorer(), quiet=True)
    [s] = res.scored
    # raw sentence NLI (labels mapped by name): one side says "denied", so contradiction
    assert s.contradiction == pytest.approx(0.9) and s.support == pytest.approx(0.05)
    # the judgement compares the contents ("Russia paid bounties ..." both sides: entailment 0.6)
    # and the attitudes (asserts vs denies): the Taliban deny what the other document asserts
    denier = s.pair.b if "denied" in s.pair.b.text else s.pair.a
    assert denier.attitude == "denies" and "denied" not in denier.content
    assert s.relation == "denies" and s.score == pytest.approx(0.6)
    sim = s.pair.similarity
    support = s.judgement.support   # asserting P and denying P: support is the contents' contradiction, 0.05
    assert support == pytest.approx(0.05)
    assert res.doc_matrix.contradiction[0, 1] == pytest.approx(0.25 * 0.6 + 0.75 * sim * (1 - support), abs=1e-4)
    assert res.doc_matrix.n_contradictions[0, 1] == 1


def test_config_overlay_and_errors(tmp_path):
    cfg, _ = load_config({"pairs": {"top_k": 3}})
    assert cfg["pairs"]["top_k"] == 3 and cfg["pairs"]["min_similarity"] == 0.35
    bad = tmp_path / "bad.yaml"
    bad.write_text("pairs: [unclosed\n", encoding="utf-8")
    with pytest.raises(StanceError, match="malformed YAML"):
        load_config(bad)
    with pytest.raises(StanceError, match="config file not found"):
        load_config(tmp_path / "missing.yaml")
    (tmp_path / "x.txt").write_text("Some claim about things here.", encoding="utf-8")
    with pytest.raises(StanceError, match="pairs.mode"):
        analyze(tmp_path, config={"pairs": {"mode": "bogus"}}, scorer=KeywordScorer(), quiet=True)
