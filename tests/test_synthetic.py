import random

from stance.training import synthetic as S

SENT = "Officials said 12 soldiers were killed in Iran in 2019 after the attack was confirmed."


def test_contradiction_edits_change_meaning():
    rng = random.Random(0)
    assert " not " in S.negate("The army has withdrawn from the town.", rng)
    assert S.negate("The army has not withdrawn from the town.", rng) == "The army has withdrawn from the town."
    assert S.change_number(SENT, rng) != SENT
    swapped = S.swap_actor(SENT, rng)
    assert "Iran" not in swapped and swapped != SENT
    assert S.antonym("The court confirmed the ruling.", rng) == "The court denied the ruling."
    assert S.deny("Russia paid the bounties.", rng).endswith("denied that Russia paid the bounties.")


def test_entailment_edits():
    rng = random.Random(0)
    assert S.hedge("The minister resigned on Monday.", rng).endswith("the minister resigned on Monday.") or \
        "The minister resigned" in S.hedge("The minister resigned on Monday.", rng)
    said, reported = S.attribute("The minister resigned on Monday.", rng)
    assert said.endswith("said that the minister resigned on Monday.") and reported.startswith("It was reported that")
    assert S.drop_clause("The minister resigned on Monday morning in Kabul, which surprised many observers.", rng) == \
        "The minister resigned on Monday morning in Kabul."


def test_synthesize_is_deterministic_and_balanced():
    arts = [[f"Article {a} sentence {i} says the government has approved {i + 3} new rules in 2019 for Iran."
             for i in range(30)] for a in range(10)]
    one, two = S.synthesize(arts, 90, seed=3), S.synthesize(arts, 90, seed=3)
    assert one == two
    labels = [x.label for x in one]
    assert {labels.count(lab) for lab in ("entailment", "neutral", "contradiction")} <= set(range(20, 32))
