import numpy as np
import pytest

from stance.stages.claims import Claim
from stance.stages.judge import Judgement
from stance.stages.matrices import claim_matrix, doc_conflict, doc_matrix, ranked_contradictions, speaker_matrix
from stance.stages.pairs import ClaimPair
from stance.stages.scores import ScoredPair


def sp(a, b, conflict, support, relation=None, speakers=("s", "t")):
    relation = relation or ("denies" if conflict >= 0.5 else "supports" if support >= 0.5 else "neutral")
    ca = Claim(a, a.split("#")[0], a, 0, 1, speakers[0], None, False, True, speaker_id=speakers[0])
    cb = Claim(b, b.split("#")[0], b, 0, 1, speakers[1], None, False, True, speaker_id=speakers[1])
    return ScoredPair(ClaimPair(ca, cb, 0.5, 0.5, 0.5), ("entailment", "neutral", "contradiction"),
                      (0.3, 0.4, 0.3), (0.3, 0.4, 0.3), 0.3, 0.3,
                      judgement=Judgement(relation, conflict, support, support, conflict))


def test_doc_matrix_top_k_and_counts_by_relation():
    scored = [sp("a#1", "b#1", 0.9, 0.1), sp("a#2", "b#1", 0.7, 0.2), sp("a#3", "b#2", 0.1, 0.8),
              sp("a#1", "c#1", 0.2, 0.6)]
    dm = doc_matrix(["a", "b", "c"], scored, top_k=2, aggregation="topk")
    assert dm.contradiction[0, 1] == pytest.approx((0.9 + 0.7) / 2) == dm.contradiction[1, 0]
    assert dm.support[0, 1] == pytest.approx((0.8 + 0.2) / 2)
    assert dm.n_contradictions[0, 1] == 2 and dm.n_supports[0, 1] == 1 and dm.n_pairs[0, 1] == 3
    assert dm.contradiction[0, 2] == pytest.approx(0.2) and dm.n_pairs[1, 2] == 0
    assert np.isnan(dm.contradiction[0, 0])
    assert dm.pairs[0].doc_a == "a" and dm.pairs[0].doc_b == "b"
    assert dm.pairs[0].top_contradictions[0].score == 0.9


def test_document_aggregations_rank_a_debunking_pair_over_an_agreeing_pair():
    """Agreeing articles share many near-duplicates (strong supports) and a stray conflict; a
    debunking article has conflicts and little support.  The plain top-k conflict mean ranks the
    agreeing pair higher; "net", "unmatched" and "disagreement" rank the debunk higher."""
    agreeing = [sp("a#1", "b#1", 0.75, 0.95), sp("a#2", "b#2", 0.7, 0.9), sp("a#3", "b#3", 0.1, 0.9),
                sp("a#1", "b#4", 0.1, 0.9), sp("a#2", "b#5", 0.1, 0.85)]   # a#1, a#2 also supported in b
    debunking = [sp("a#1", "c#1", 0.7, 0.1), sp("a#2", "c#2", 0.6, 0.05), sp("a#3", "c#3", 0.1, 0.2)]
    assert doc_conflict(agreeing, "topk", 2) > doc_conflict(debunking, "topk", 2)
    assert doc_conflict(debunking, "net", 2) > doc_conflict(agreeing, "net", 2) == 0.0
    for rule in ("unmatched", "disagreement"):
        assert doc_conflict(debunking, rule, 2) > doc_conflict(agreeing, rule, 2), rule
    assert doc_conflict([], "disagreement", 2) == 0.0     # no claim pairs: no evidence of disagreement
    with pytest.raises(ValueError):
        doc_conflict(agreeing, "maximum", 2)


def test_unmatched_conflict_is_discounted_by_the_claims_other_support():
    from stance.stages.matrices import unmatched_conflicts

    items = [sp("a#1", "b#1", 0.8, 0.0), sp("a#1", "b#2", 0.0, 0.9)]   # b also carries a#1's claim
    assert unmatched_conflicts(items)[0] == pytest.approx(0.8 * (1 - 0.9))
    assert unmatched_conflicts(items[:1])[0] == pytest.approx(0.8)   # a pair's own support does not count


def test_claim_matrix_is_sparse_symmetric_with_nan_for_unscored():
    scored = [sp("a#1", "b#1", 0.9, 0.1)]
    cm = claim_matrix([s.pair.a for s in scored] + [s.pair.b for s in scored] +
                      [Claim("c#1", "c", "c", 0, 1, "s", None, False, False)], scored)
    assert cm.value(0, 1) == cm.value(1, 0) == pytest.approx(0.9)
    assert cm.value(0, 1, "support") == pytest.approx(0.1)
    assert np.isnan(cm.value(0, 2))
    assert cm.contradiction.nnz == 2   # only the scored pair, both ways: nothing N x N is held


def test_doc_matrix_is_sparse_and_bounds_its_dense_view():
    # 30 documents, conflicts only between d00-d01 and d02-d03: 2 document pairs held, not 435
    scored = [sp("d00#1", "d01#1", 0.9, 0.1), sp("d02#1", "d03#1", 0.6, 0.1), sp("d04#1", "d05#1", 0.1, 0.9)]
    ids = [f"d{i:02d}" for i in range(30)]
    dm = doc_matrix(ids, scored, top_k=1, aggregation="topk", max_docs=4)
    assert len(dm.pairs) == 3 and dm.all_doc_ids == tuple(ids)
    assert dm.doc_ids == ("d00", "d01", "d02", "d03")          # the most conflicted, in corpus order
    assert dm.contradiction.shape == (4, 4) and dm.contradiction[0, 1] == pytest.approx(0.9)
    assert [(p.doc_a, p.doc_b) for p in dm.pairs][:2] == [("d00", "d01"), ("d02", "d03")]


def test_ranking_is_by_conflict_score_highest_first():
    scored = [sp("a#1", "b#1", 0.3, 0.1), sp("a#2", "b#1", 0.8, 0.2)]
    assert [s.score for s in ranked_contradictions(scored)] == [0.8, 0.3]


def test_speaker_matrix_aggregates_across_documents_and_counts_relations():
    scored = [sp("a#1", "b#1", 0.9, 0.0, "denies", ("Mujahid", "officials")),
              sp("c#1", "b#2", 0.6, 0.0, "denies", ("Mujahid", "officials")),   # another document
              sp("a#2", "d#1", 0.1, 0.7, "supports", ("Mujahid", "Peskov")),
              sp("a#3", "d#2", 0.2, 0.1, "neutral", ("Mujahid", "Mujahid"))]   # same speaker: no cell
    sm = speaker_matrix(scored, top_k=3)
    assert sm.speakers[0] == "Mujahid"
    top = sm.pairs[0]
    assert (top.speaker_a, top.speaker_b) == ("Mujahid", "officials")
    assert top.counts == {"denies": 2} and top.n_pairs == 2 and top.score == pytest.approx(0.75)
    i, j = sm.speakers.index("Mujahid"), sm.speakers.index("officials")
    assert sm.score[i, j] == sm.score[j, i] == pytest.approx(0.75) and sm.n_conflicts[i, j] == 2
    assert all(p.speaker_a != p.speaker_b for p in sm.pairs)
    assert np.isnan(sm.score[i, i])


def test_a_restatement_is_listed_under_the_pair_it_restates():
    """A spokesman's two sentences that deny the same story against one assertion are one conflict."""
    from dataclasses import replace

    from stance.stages.matrices import ranked_with_restatements

    a1 = Claim("x#1", "x", "Mujahid denied that the insurgents have any such relationship.", 0, 10, "Mujahid", "denied",
               True, True, content="the insurgents have any such relationship", attitude="denies", speaker_id="Mujahid",
               refers_to="x#0", resolved_content="Russia paid bounties")
    a2 = replace(a1, id="x#2", text="This type of agreement is without foundation, he said.",
                 content="This type of agreement")
    b = Claim("y#1", "y", "The GRU paid bounties.", 0, 22, "y (author)", None, False, False, content="The GRU paid bounties")
    other = replace(a2, id="x#3", resolved_content="", content="the Taliban were paid", text="He denied the Taliban were paid.")
    scored = [_scored(a1, b, 0.7), _scored(a2, b, 0.7), _scored(other, b, 0.6)]
    ranked = ranked_with_restatements(scored)
    assert [(s.pair.a.id, r) for s, r in ranked] == [("x#1", (("x#2", "y#1"),)), ("x#3", ())]
    assert [s.pair.a.id for s in ranked_contradictions(scored)] == ["x#1", "x#3"]


def _scored(a, b, conflict):
    return ScoredPair(ClaimPair(a, b, 0.5, 0.5, 0.5), ("entailment", "neutral", "contradiction"),
                      (0.3, 0.4, 0.3), (0.3, 0.4, 0.3), 0.3, 0.3,
                      judgement=Judgement("denies", conflict, 0.1, conflict, 0.1, "a"))
