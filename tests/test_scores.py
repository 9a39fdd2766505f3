import numpy as np
import pytest

from stance.stages.claims import Claim
from stance.stages.pairs import ClaimPair
from stance.stages.scores import combine, score_pairs


class FixedScorer:
    """Deterministic stand-in: contradiction when the hypothesis contains 'not'."""
    labels = ("entailment", "neutral", "contradiction")

    def predict(self, pairs, batch_size=None):
        return np.array([[0.1, 0.2, 0.7] if " not " in h else [0.8, 0.1, 0.1] for _, h in pairs])


def claim(cid, doc, text):
    return Claim(cid, doc, text, 0, len(text), "X (author)", None, False, False)


def test_both_directions_and_combination_rules():
    a, b = claim("a#1", "a", "It rained in Kabul."), claim("b#1", "b", "It did not rain in Kabul.")
    [s] = score_pairs([ClaimPair(a, b, 0.9, 0.9, 0.9)], FixedScorer())
    assert s.prob("contradiction", "forward") == pytest.approx(0.7)
    assert s.prob("contradiction", "backward") == pytest.approx(0.1)
    assert s.contradiction == pytest.approx(0.4)      # mean over directions
    assert s.support == pytest.approx(0.8)            # max over directions
    [s2] = score_pairs([ClaimPair(a, b, 0.9, 0.9, 0.9)], FixedScorer(), contradiction_combine="max")
    assert s2.contradiction == pytest.approx(0.7)
    assert combine(0.2, 0.6, "min") == 0.2


def test_two_way_scorer_has_no_contradiction():
    class TwoWay:
        labels = ("entailment", "not_entailment")

        def predict(self, pairs, batch_size=None):
            return np.tile([0.3, 0.7], (len(pairs), 1))

    a, b = claim("a#1", "a", "x y z"), claim("b#1", "b", "x y w")
    [s] = score_pairs([ClaimPair(a, b, 0.5, 0.5, 0.5)], TwoWay())
    assert s.contradiction is None and s.support == pytest.approx(0.3)


class CountingScorer(FixedScorer):
    def __init__(self):
        self.asked = []

    def predict(self, pairs, batch_size=None):
        self.asked += list(pairs)
        return super().predict(pairs, batch_size)


def attributed(cid, doc, text, content, attitude):
    return Claim(cid, doc, text, 0, len(text), "Spokesman", "denied", attitude == "denies", True,
                 content=content, content_span=(0, len(content)), attitude=attitude, speaker_id="Spokesman")


def test_contents_are_judged_with_attitudes_and_each_text_pair_scored_once():
    a = claim("a#1", "a", "Russia paid the bounties.")
    b = attributed("b#1", "b", "The spokesman denied that Russia paid the bounties.", "Russia paid the bounties.",
                   "denies")
    c = claim("c#1", "c", "Russia paid the bounties.")   # identical to a: never sent to the model
    scorer = CountingScorer()
    out = score_pairs([ClaimPair(a, b, 0.9, 0.9, 0.9), ClaimPair(a, c, 0.9, 0.9, 0.9)], scorer)
    s_ab, s_ac = out
    # the content of b equals a's text: the judgement sees entailment, and b denies it
    assert s_ab.content_forward[0] == 1.0 and s_ab.relation == "denies" and s_ab.score == pytest.approx(1.0)
    assert s_ab.contradiction is not None            # the raw sentence-level NLI is still there
    assert s_ac.relation == "supports" and s_ac.score == 0.0
    assert len(scorer.asked) == len(set(scorer.asked)) == 2   # only a<->b sentences; nothing twice
    assert all(p != h for p, h in scorer.asked)


def test_near_duplicate_contents_are_not_sent_to_the_model():
    a = attributed("a#1", "a", "Officials said that Russia paid the bounties.", "Russia paid the bounties.", "asserts")
    b = attributed("b#1", "b", "The spokesman denied that “Russia paid the bounties”.", "“Russia paid the bounties”",
                   "denies")
    scorer = CountingScorer()
    [s] = score_pairs([ClaimPair(a, b, 0.9, 0.9, 0.9)], scorer)
    assert not [p for p in scorer.asked if "bounties" in p[0] and len(p[0]) < 30]   # no content pair asked
    assert len(scorer.asked) == 2                                          # the two sentence directions only
    assert s.content_forward[0] == s.content_backward[0] == 1.0 and s.relation == "denies"


def test_a_negated_assertion_denies_what_the_other_side_asserts():
    """"Iraq said the woman was not his wife" against "the woman was his wife": NLI reads the two positive
    propositions (near-duplicates, so entailment), and the relation is a denial, not a support."""
    a = claim("a#1", "a", "The woman detained in Lebanon was the wife of al-Baghdadi.")
    b = attributed("b#1", "b", "An Iraqi official said the woman detained in Lebanon was not the wife of al-Baghdadi.",
                   "the woman detained in Lebanon was not the wife of al-Baghdadi.", "asserts")
    [s] = score_pairs([ClaimPair(a, b, 0.9, 0.9, 0.9)], FixedScorer())
    assert s.relation == "denies" and s.judgement.direction == "b" and s.score == pytest.approx(1.0)
