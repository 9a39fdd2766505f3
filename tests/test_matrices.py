import numpy as np
import pytest

from stance.claims import Claim
from stance.matrices import claim_matrix, doc_matrix, ranked_contradictions
from stance.pairs import ClaimPair
from stance.scores import ScoredPair


def sp(a, b, con, sup):
    ca = Claim(a, a.split("#")[0], a, 0, 1, "s", None, False, False)
    cb = Claim(b, b.split("#")[0], b, 0, 1, "s", None, False, False)
    return ScoredPair(ClaimPair(ca, cb, 0.5, 0.5, 0.5), ("entailment", "neutral", "contradiction"),
                      (sup, 0.0, con), (sup, 0.0, con), sup, con)


def test_doc_matrix_top_k_mean_and_counts():
    scored = [sp("a#1", "b#1", 0.9, 0.1), sp("a#2", "b#1", 0.7, 0.2), sp("a#3", "b#2", 0.1, 0.8),
              sp("a#1", "c#1", 0.2, 0.6)]
    dm = doc_matrix(["a", "b", "c"], scored, top_k=2, contradiction_threshold=0.5, support_threshold=0.5)
    assert dm.contradiction[0, 1] == pytest.approx((0.9 + 0.7) / 2) == dm.contradiction[1, 0]
    assert dm.support[0, 1] == pytest.approx((0.8 + 0.2) / 2)
    assert dm.n_contradictions[0, 1] == 2 and dm.n_supports[0, 1] == 1 and dm.n_pairs[0, 1] == 3
    assert dm.contradiction[0, 2] == pytest.approx(0.2) and dm.n_pairs[1, 2] == 0
    assert np.isnan(dm.contradiction[0, 0])
    assert dm.pairs[0].doc_a == "a" and dm.pairs[0].doc_b == "b"
    assert dm.pairs[0].top_contradictions[0].contradiction == 0.9


def test_claim_matrix_is_symmetric_with_nan_for_unscored():
    scored = [sp("a#1", "b#1", 0.9, 0.1)]
    cm = claim_matrix([s.pair.a for s in scored] + [s.pair.b for s in scored] +
                      [Claim("c#1", "c", "c", 0, 1, "s", None, False, False)], scored)
    assert cm.contradiction[0, 1] == cm.contradiction[1, 0] == 0.9
    assert np.isnan(cm.contradiction[0, 2])


def test_ranking_is_highest_first():
    scored = [sp("a#1", "b#1", 0.3, 0.1), sp("a#2", "b#1", 0.8, 0.2)]
    assert [s.contradiction for s in ranked_contradictions(scored)] == [0.8, 0.3]
