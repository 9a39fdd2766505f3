"""The attitude calculus on hand-made pairs: content NLI x attitudes -> relation and conflict score."""
import pytest

from stance.stages.claims import Claim
from stance.stages.judge import CONFLICTS, JudgeOptions, judge, nli_content

OPTS = JudgeOptions(conflict_threshold=0.5, support_threshold=0.5, doubt_weight=0.8, related_floor=0.35)


# (attitude a, attitude b, E a->b, E b->a, C a->b, C b->a) -> relation
@pytest.mark.parametrize("att_a, att_b, e_ab, e_ba, c_ab, c_ba, relation", [
    ("asserts", "asserts", 0.05, 0.05, 0.90, 0.80, "contradicts"),   # incompatible assertions
    ("asserts", "asserts", 0.90, 0.20, 0.02, 0.02, "supports"),      # one entails the other
    ("asserts", "denies", 0.85, 0.30, 0.02, 0.02, "denies"),         # b denies what a asserts
    ("denies", "asserts", 0.30, 0.85, 0.02, 0.02, "denies"),
    ("asserts", "denies", 0.02, 0.02, 0.90, 0.90, "supports"),       # denying P agrees with asserting not-P
    ("asserts", "doubts", 0.90, 0.40, 0.02, 0.02, "disputes"),       # doubt: 0.8 x 0.9 = 0.72
    ("asserts", "doubts", 0.55, 0.40, 0.02, 0.02, "neutral"),        # 0.8 x 0.55 = 0.44 < 0.5
    ("denies", "denies", 0.90, 0.90, 0.01, 0.01, "supports"),        # both deny the same thing
    ("doubts", "denies", 0.90, 0.90, 0.01, 0.01, "supports"),
    ("asserts", "asserts", 0.10, 0.10, 0.10, 0.10, "neutral"),
])
def test_relation_from_attitudes_and_contents(att_a, att_b, e_ab, e_ba, c_ab, c_ba, relation):
    assert judge(att_a, att_b, e_ab, e_ba, c_ab, c_ba, similarity=0.6, opts=OPTS).relation == relation


def test_conflict_score_ranks_the_three_conflict_relations_together():
    contradicts = judge("asserts", "asserts", 0.0, 0.0, 0.7, 0.7, 0.6, OPTS)
    denies = judge("denies", "asserts", 0.2, 0.9, 0.0, 0.0, 0.6, OPTS)     # b's assertion entails a's denied content
    disputes = judge("asserts", "doubts", 0.9, 0.2, 0.0, 0.0, 0.6, OPTS)   # a's assertion entails b's doubted content
    assert (contradicts.relation, denies.relation, disputes.relation) == ("contradicts", "denies", "disputes")
    assert denies.score == pytest.approx(0.9) and contradicts.score == pytest.approx(0.7)
    assert disputes.score == pytest.approx(0.72)   # a doubt is weaker than the same denial
    assert sorted([contradicts, denies, disputes], key=lambda j: -j.score)[0] is denies
    assert all(0.0 <= j.score <= 1.0 for j in (contradicts, denies, disputes))


def test_a_denial_conflicts_only_with_assertions_that_imply_what_it_denies():
    """Denying P ("Russia paid bounties") conflicts with asserting Q when Q implies P ("the GRU paid
    bounties"), not when P implies Q ("Russia cultivates ties with the Taliban")."""
    implies_denied = judge("denies", "asserts", 0.1, 0.8, 0.0, 0.0, 0.6, OPTS)   # asserted -> denied: 0.8
    implied_by_denied = judge("denies", "asserts", 0.8, 0.1, 0.0, 0.0, 0.6, OPTS)
    assert (implies_denied.relation, implies_denied.score, implies_denied.same) == ("denies", 0.8, 0.8)
    assert implied_by_denied.relation != "denies" and implied_by_denied.score == pytest.approx(0.1)
    assert judge("asserts", "doubts", 0.1, 0.9, 0.0, 0.0, 0.6, OPTS).relation != "disputes"


def test_direction_names_the_side_that_denies_or_doubts():
    assert judge("denies", "asserts", 0.9, 0.9, 0, 0, 0.6, OPTS).direction == "a"
    assert judge("asserts", "doubts", 0.9, 0.9, 0, 0, 0.6, OPTS).direction == "b"
    assert judge("asserts", "asserts", 0, 0, 0.9, 0.9, 0.6, OPTS).direction is None


def test_unrelated_below_the_similarity_floor():
    assert judge("asserts", "asserts", 0.1, 0.1, 0.1, 0.1, 0.2, OPTS).relation == "unrelated"
    # a conflict is a conflict whatever the surface similarity
    assert judge("asserts", "denies", 0.9, 0.1, 0.0, 0.0, 0.2, OPTS).relation == "denies"
    assert set(CONFLICTS) == {"contradicts", "denies", "disputes"}


def test_nli_content_resolves_a_leading_pronoun_to_the_source():
    c = Claim("d#1", "d", "Trump denied that he was briefed.", 0, 33, "Trump", "denied", True, True,
              content="he was briefed", attitude="denies", speaker_id="Trump")
    assert nli_content(c) == "Trump was briefed"
    author = Claim("d#2", "d", "He left.", 0, 8, "d (author)", None, False, False, content="He left")
    assert nli_content(author) == "He left"


def test_a_noun_phrase_content_is_read_as_its_sentence():
    """"X dismissed the claims" and "Y has yet to comment on the claims" share the content "the claims",
    which names something elsewhere: NLI must read the sentences, or they would 'deny' each other at 1.0."""
    from stance.stages.claims import Claim
    from stance.stages.judge import nli_content

    text = "His reps dismissed the claims."
    c = Claim("a#1", "a", text, 0, len(text), "His reps", "dismissed", True, True, content="the claims",
              content_span=(text.index("the claims"), len(text) - 1), attitude="denies")
    assert nli_content(c) == text
    long = Claim("b#1", "b", "Officials denied that Russia paid the bounties.", 0, 47, "Officials", "denied", True, True,
                 content="that Russia paid the bounties", attitude="denies")
    assert nli_content(long) == "Russia paid the bounties"


@pytest.mark.parametrize("text, reading", [
    ("Russia is said to have offered rewards to the Taliban", "Russia has offered rewards to the Taliban"),
    ("The officers were believed to have paid militants", "The officers had paid militants"),
    ("The GRU, reportedly offered and paid bounties", "The GRU, offered and paid bounties"),
    ("Allegedly, the money was paid in cash", "the money was paid in cash"),
    ("He is said to be in Moscow", "He is in Moscow"),
    ("Officials said the report was false", "Officials said the report was false"),   # not a hedge
])
def test_author_hedges_are_read_as_the_proposition_they_hedge(text, reading):
    from stance.stages.judge import propositional

    assert propositional(text) == reading


def _said(text: str, speaker: str, cue: str, content: str, attitude: str = "asserts") -> Claim:
    return Claim("d#1", "d", text, 0, len(text), speaker, cue, attitude == "denies", True, content=content,
                 attitude=attitude, speaker_id=speaker)


@pytest.mark.parametrize("text, clause", [
    ("Moscow", False), ("the Afghan peace process", False), ("killing U.S. soldiers", False),
    ("to derail the peace talks", False), ("Russia paid bounties to the Taliban", True),
    ("he was briefed", True), ("Moscow supports the peace deal", True), ("the GRU offered rewards", True),
    ("officials haven't confirmed it", True),
])
def test_a_clause_states_something_a_noun_phrase_only_names_it(text, clause):
    from stance.stages.judge import is_clause

    assert is_clause(text) is clause


def test_an_asserted_stance_toward_a_thing_is_read_as_its_whole_sentence():
    """PolNeAR marks "has taken a complacent stance toward" as a cue with the content "Moscow"; compared
    with other claims, "Moscow" says nothing: the sentence is the proposition."""
    text = "Trump has taken a complacent stance toward Moscow."
    assert nli_content(_said(text, "Trump", "has taken a complacent stance toward", "Moscow")) == text
    # a cue of auxiliaries alone is no cue: the tagger split "X has also been employed" at "has"
    text = "Asymmetric use of bounties has also been employed by Russia."
    assert nli_content(_said(text, "d (author)", "has", "Asymmetric use of bounties to threaten U.S. forces")) == text


@pytest.mark.parametrize("content, reading", [
    ("Trump of being too accommodating to Moscow", "Trump was too accommodating to Moscow"),
    ("Russia of arming the Taliban", "Russia was arming the Taliban"),
    ("Trump for not responding to Russia and for continuing his campaign",
     "Trump was not responding to Russia and was continuing his campaign"),
    ("the decision to leave", "the decision to leave"),   # no verdict frame: unchanged
])
def test_a_verdict_on_someone_reads_as_what_they_did(content, reading):
    from stance.stages.judge import accused_of

    assert accused_of(content) == reading
    if content.startswith("Russia of"):
        text = f"Officials accused {content}."
        assert nli_content(_said(text, "Officials", "accused", content)) == reading


def test_what_a_dismissal_denies_is_the_thing_dismissed_not_the_verdict():
    text = 'Trump dismissed the Russian bounty story as a "hoax".'
    c = _said(text, "Trump", "dismissed", 'the Russian bounty story as a "hoax"', "denies")
    assert nli_content(c) == "the Russian bounty story"
    text = "The Kremlin disclaimed any knowledge of the payments."
    c = _said(text, "Kremlin", "disclaimed", "any knowledge of the payments", "denies")
    assert nli_content(c) == "Kremlin had knowledge of the payments"


@pytest.mark.parametrize("text, reading", [
    ("And, even if Russia is supplying the Taliban, any support is recent and limited.", "Any support is recent and limited."),
    ("If the report is true, the deal is dead", "The deal is dead"),
    ("Unless Moscow pays, the talks will stall", "The talks will stall"),
    ("Although Russia denied it, the payments were made", "Although Russia denied it, the payments were made"),  # concessive: both hold
    ("If so, why", "If so, why"),   # no clause after the condition: unchanged
])
def test_a_condition_is_supposed_not_asserted(text, reading):
    from stance.stages.judge import propositional

    assert propositional(text) == reading


def test_title_case_headlines_are_clauses():
    from stance.stages.judge import is_clause

    assert is_clause("Arrested Woman Is Not The Wife of ISIS Leader al-Baghdadi")
    assert is_clause("Viral Video of Homeless Man Was Staged")
    assert not is_clause("The Afghan Peace Process")
    assert not is_clause("Moscow")


def test_categorical_and_bogus_frames_deny():
    from stance.stages.cues import evidential_frame

    text = "The suggestion that ISIS members crossed the border is categorically false"
    a, b, pa, pb = evidential_frame(text)
    assert text[a:b] == "ISIS members crossed the border" and text[pa:pb] == "is categorically false"
    text = "The story about the robots guarding the campus is bogus"
    a, b, _, _ = evidential_frame(text)
    assert text[a:b] == "The story about the robots guarding the campus"
    assert evidential_frame("The committee is made up of five members from each party") is None


@pytest.mark.parametrize("content, positive", [
    ("the woman detained in Lebanon was not the wife of al-Baghdadi", "the woman detained in Lebanon was the wife of al-Baghdadi"),
    ("terrorists haven't crossed the U.S.-Mexico border", "terrorists have crossed the U.S.-Mexico border"),
    ("The group has never needed foreign funds", "The group has needed foreign funds"),
    ("No, our meteorologist was not peeing on live TV", "our meteorologist was peeing on live TV"),
    ("contrary to reports, she has not been captured", "she has been captured"),
    ("Managua explosion not a meteorite", "Managua explosion is a meteorite"),
    ("Russia won't pay the militants", "Russia will pay the militants"),
    # not the main clause's negation, or not a denial: left alone
    ("it was not clear if the crater was caused by a meteorite", None),
    ("officials could not confirm the payments", None),
    ("a meteorite could not be ruled out", None),
    ("the airlines, which are not missing any planes, reported nothing", None),
    ("Knightscope built the robot but Microsoft is not one of its testers", None),
    ("Russia may not have paid the militants", None),        # a hedge, not a denial
    ("Russia paid the militants", None),
])
def test_the_positive_proposition_of_a_negated_main_clause(content, positive):
    from stance.stages.judge import positive_form

    assert positive_form(content) == positive


def test_asserting_not_p_reads_as_denying_p():
    """"Iraq said the woman was not his wife" denies what "Lebanon detained his wife" asserts: NLI compares
    the positive proposition, and the attitude flips (a denied negation is an assertion)."""
    from stance.stages.judge import reading

    text = "An Iraqi official said the woman detained in Lebanon was not the wife of al-Baghdadi."
    c = _said(text, "An Iraqi official", "said", "the woman detained in Lebanon was not the wife of al-Baghdadi")
    assert reading(c) == ("the woman detained in Lebanon was the wife of al-Baghdadi", "denies")
    text = "Gillian Rosenberg said that she has not been captured."
    c = _said(text, "Gillian Rosenberg", "said", "that she has not been captured")
    assert reading(c) == ("Gillian Rosenberg has been captured", "denies")   # the pronoun still names her
    c = _said("Mujahid denied that the group has never needed funds.", "Mujahid", "denied",
              "that the group has never needed funds", "denies")
    assert reading(c) == ("the group has needed funds", "asserts")
    doubt = _said("Experts doubt that Russia did not pay.", "Experts", "doubt", "that Russia did not pay", "doubts")
    assert reading(doubt) == ("Russia did not pay", "doubts")               # a doubt keeps its content


@pytest.mark.parametrize("content, reading", [
    ("the congressman's claim that ISIS fighters crossed the border", "ISIS fighters crossed the border"),
    ("rumors that its robots are roaming the campus", "its robots are roaming the campus"),
    ("intelligence reports that Russia has been paying bounties", "Russia has been paying bounties"),
    ("the claims of ISIS members at the border", "the claims of ISIS members at the border"),   # no "that": a thing
])
def test_the_claim_that_p_reads_as_p(content, reading):
    c = _said(f"Officials denied {content}.", "Officials", "denied", content, "denies")
    assert nli_content(c) == reading


def test_opposed_combine_max_takes_either_directions_contradiction():
    """The model often reads a contradiction in one direction only: mean halves it, max keeps it."""
    args = ("asserts", "asserts", 0.05, 0.05, 0.80, 0.10, 0.9)
    assert judge(*args, OPTS).relation == "neutral"                                  # C = 0.45
    j = judge(*args, JudgeOptions(0.5, 0.5, 0.8, 0.35, opposed_combine="max"))
    assert j.relation == "contradicts" and j.score == pytest.approx(0.8)
    assert JudgeOptions.from_config({"opposed_combine": "max"}).opposed_combine == "max"


def test_opposed_combine_is_validated(tmp_path):
    from stance.errors import StanceError
    from stance.pipeline import load_config

    bad = tmp_path / "x.yaml"
    bad.write_text("judge:\n  opposed_combine: maximum\n")
    with pytest.raises(StanceError, match="opposed_combine"):
        load_config(bad)


def test_where_reports_spread_is_not_part_of_what_they_report():
    """"Reports that P have surfaced": the tagger's content runs on into the main predicate."""
    c = _said("Reports that the Taliban were paid have surfaced in Washington.", "Reports", "Reports",
              "that the Taliban were paid have surfaced in Washington")
    assert nli_content(c) == "the Taliban were paid"
    plain = _said("New documents have surfaced in Washington, officials said.", "officials", "said",
                  "New documents have surfaced in Washington")
    assert nli_content(plain) == "New documents have surfaced in Washington"
