import pytest

from stance.stages.cues import attitude_of, evidential_frame


@pytest.mark.parametrize("cue, attitude", [
    ("said", "asserts"), ("according to", "asserts"), ("is said to", "asserts"), ("confirmed", "asserts"),
    ("denied", "denies"), ("rejected", "denies"), ("dismissed", "denies"), ("said … is without foundation", "denies"),
    ("should be treated with caution", "doubts"), ("According to … wasn't corroborated", "doubts"),
    ("did not confirm", "doubts"), ("declined to confirm", "doubts"), ("questioned", "doubts"),
    ("may have said", "doubts"), ("is not convincing", "doubts"), ("is false", "denies"),
    # non-committal cues withhold commitment: never a denial, never an assertion
    ("confirmed nor denied", "doubts"), ("neither confirmed nor denied", "doubts"), ("has not commented on", "doubts"),
    ("has yet to comment on", "doubts"), ("declined to comment on", "doubts"),
])
def test_attitude_of_cue(cue, attitude):
    assert attitude_of(cue) == attitude


def test_modal_inside_the_content_is_a_hedged_assertion():
    assert attitude_of("said", "Russia may have been trying to derail the talks") == "asserts"


@pytest.mark.parametrize("text, content, predicate", [
    ("Reports that the Russians put out hits on US personnel should be treated with caution.",
     "the Russians put out hits on US personnel", "should be treated with caution"),
    ("This type of agreement with the Russian intelligence agency is without foundation: our murders",
     "This type of agreement with the Russian intelligence agency", "is without foundation"),
    ("the information “wasn't corroborated broadly within the intelligence community”",
     "the information", "wasn't corroborated"),
    ("It remains unclear whether the payments led to any deaths", "the payments led to any deaths",
     "It remains unclear whether"),
    ("It is also unclear whether the operatives were deployed inside Afghanistan",
     "the operatives were deployed inside Afghanistan", "It is also unclear whether"),
    ("The veracity of the allegations appears to be contested.", "The veracity of the allegations",
     "appears to be contested"),
    # a pronoun subject points back; "It is false that P" is about P, not "It"
    ("But this is not convincing.", "this", "is not convincing"),
    ("That is false.", "That", "is false"),
    ("It is false that Russia paid the bounties", "Russia paid the bounties", "It is false that"),
])
def test_evidential_frames_split_content_from_predicate(text, content, predicate):
    ca, cb, pa, pb = evidential_frame(text)
    assert text[ca:cb] == content and text[pa:pb] == predicate


def test_plain_assertion_has_no_frame():
    assert evidential_frame("Russia paid bounties to Taliban-linked militants.") is None
    assert evidential_frame("That is true.") is None
    assert evidential_frame("It is not convincing to say that the talks failed.") is None
