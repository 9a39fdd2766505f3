import pytest

from stance.stages.attribution import attribute
from stance.stages.claims import ClaimOptions, extract_all
from stance.config import load_yaml
from stance.stages.corpus import load_corpus

from conftest import EXAMPLE, PROJECT

AUTHOR = "Example (author)"


@pytest.mark.parametrize("sentence, speaker, verb, denial", [
    ("Taliban spokesman Zabihullah Mujahid denied that the insurgents have “any such relationship”.",
     "Taliban spokesman Zabihullah Mujahid", "denied", True),
    ("The Kremlin had not been informed of the allegations, said Dmitry Peskov, press secretary to Putin.",
     "Dmitry Peskov, press secretary to Putin", "said", False),
    ("Iran has been paying bounties to Taliban insurgents, U.S. intelligence officials say, according to a CNN report.",
     "U.S. intelligence officials", "say", False),
    ("According to reporting by NBC News, the information “wasn't corroborated broadly”.", "NBC News", "according to", False),
    ("“We share some interests with Russia,” Gen. John W. Nicholson Jr., commander of the US forces, said in 2018.",
     "Gen. John W. Nicholson Jr., commander of the US forces", "said", False),
    ("True to form, Trump dismissed the bounty story as a “hoax”.", "Trump", "dismissed", True),
])
def test_attributed_sentences(sentence, speaker, verb, denial):
    a = attribute(sentence, AUTHOR)
    assert (a.speaker, a.verb, a.is_denial, a.attributed) == (speaker, verb, denial, True)


@pytest.mark.parametrize("sentence, cue", [
    ("Russia is said to have offered rewards to the Taliban for killing members of the US military.", "is said to"),
    ("While officials were said to be confident in the intelligence, they are uncertain about its origin.",
     "were said to"),
    ("The talks at times appear to work against the grain of the United States’ efforts to end the conflict.", None),
    ("Preventing states from backing foreign proxies is no easy task.", None),
])
def test_hedges_and_noun_lookalikes_stay_with_the_author(sentence, cue):
    """A passive hedge is the author reporting an unnamed source: the hedge is the cue, the source
    stays the author, and the source asserts the content."""
    a = attribute(sentence, AUTHOR)
    assert a.speaker == AUTHOR and not a.attributed and a.verb == cue and a.attitude == "asserts"
    assert a.source_span is None


def test_pronoun_and_quote_continuation_take_the_previous_speaker():
    first = attribute("Taliban spokesman Zabihullah Mujahid denied that the insurgents have any such relationship.", AUTHOR)
    second = attribute("“This agreement is without foundation,” he said.", AUTHOR, first, "x")
    assert second.speaker == "Taliban spokesman Zabihullah Mujahid" and second.is_denial
    third = attribute("“Their lives are safe and we don’t attack them.”", AUTHOR, second, "“This agreement,” he said.")
    assert third.speaker == "Taliban spokesman Zabihullah Mujahid"


def test_known_speakers_in_the_example_corpus():
    claims = extract_all(load_corpus(EXAMPLE), ClaimOptions.from_config(
        load_yaml(PROJECT / "configs" / "default.yaml")["claims"]))
    by_start = {c.text[:40]: c for c in claims}

    def claim(prefix):
        return next(c for t, c in by_start.items() if t.startswith(prefix))

    mujahid = claim("Taliban spokesman Zabihullah Mujahid")
    assert mujahid.speaker == "Taliban spokesman Zabihullah Mujahid" and mujahid.verb == "denied" and mujahid.is_denial
    assert claim("“This type of agreement").speaker == "Taliban spokesman Zabihullah Mujahid"
    assert claim("Iran has been paying bounties").speaker == "U.S. intelligence officials"
    assert claim("The Kremlin had not been informed").speaker.startswith("Dmitry Peskov")
    assert claim("“If someone does").speaker == "Peskov"
    assert claim("Trump denied that he was briefed").speaker == "Trump"
    assert claim("According to reporting by NBC News").speaker == "NBC News"
    trt_author = claim("Reports that the Russians put out hits")
    assert trt_author.speaker == "TRT World opinion (author)" and not trt_author.attributed


@pytest.mark.parametrize("sentence, source, cue, content, attitude", [
    ("Taliban spokesman Zabihullah Mujahid denied that the insurgents have “any such relationship with any "
     "intelligence agency” and called the report an attempt to smear them.",
     "Taliban spokesman Zabihullah Mujahid", "denied",
     "the insurgents have “any such relationship with any intelligence agency”", "denies"),
    ("According to NBC News, the payments were made in 2019.", "NBC News", "According to",
     "the payments were made in 2019", "asserts"),
    ("Iran has been paying bounties to Taliban insurgents, U.S. intelligence officials say.",
     "U.S. intelligence officials", "say", "Iran has been paying bounties to Taliban insurgents", "asserts"),
    ("Trump denied that he was briefed about the intelligence, tweeting that it was not credible.",
     "Trump", "denied", "he was briefed about the intelligence", "denies"),
    ("The Pentagon did not confirm that the bounties led to any deaths.", "The Pentagon", "did not confirm",
     "the bounties led to any deaths", "doubts"),
])
def test_source_cue_content_spans_and_attitude(sentence, source, cue, content, attitude):
    a = attribute(sentence, AUTHOR)
    assert sentence[a.source_span[0]:a.source_span[1]] == source
    assert sentence[a.cue_span[0]:a.cue_span[1]] == cue
    assert sentence[a.content_span[0]:a.content_span[1]] == content
    assert a.attitude == attitude


def test_author_frames_separate_the_doubted_proposition():
    s = "Reports that the Russians put out hits on US personnel in Afghanistan should be treated with caution."
    a = attribute(s, AUTHOR)
    assert a.speaker == AUTHOR and a.source_span is None and a.attitude == "doubts"
    assert s[a.content_span[0]:a.content_span[1]] == "the Russians put out hits on US personnel in Afghanistan"
    assert s[a.cue_span[0]:a.cue_span[1]] == "should be treated with caution"


def test_quoted_denial_after_a_pronoun_keeps_the_speaker_and_the_proposition():
    first = attribute("Taliban spokesman Zabihullah Mujahid denied that the insurgents have any such relationship.", AUTHOR)
    s = "“This type of agreement with the Russian intelligence agency is without foundation: our murders continued,” he said."
    a = attribute(s, AUTHOR, first, "x")
    assert a.speaker == "Taliban spokesman Zabihullah Mujahid" and a.attitude == "denies"
    assert s[a.content_span[0]:a.content_span[1]] == "This type of agreement with the Russian intelligence agency"


@pytest.mark.parametrize("headline, speaker, content, attitude", [
    # "is a hoax" frames the content as false: NASA denies it
    ("NASA: Viral news on days of darkness in December is a hoax", "NASA",
     "Viral news on days of darkness in December", "denies"),
    ("Brian Williams: Our meteorologist was not peeing on live TV", "Brian Williams",
     "Our meteorologist was not peeing on live TV", "asserts"),
    ("BREAKING: Former soldier was captured by ISIS in Iraq", None, None, None),   # a section label, not a speaker
    ("SEE IT: California homeless man uses $100 gift to give food", None, None, None),
])
def test_speaker_colon_headlines(headline, speaker, content, attitude):
    att = attribute(headline, AUTHOR)
    if speaker is None:
        assert not att.attributed and att.speaker == AUTHOR
    else:
        assert (att.speaker, att.verb, att.attributed) == (speaker, ":", True)
        assert headline[att.content_span[0]:att.content_span[1]] == content and att.attitude == attitude


def test_a_colon_after_the_cue_opens_the_content():
    """"Mujahid said: P": the content is P (it came out empty and inverted, start after end)."""
    for text, content in (('Mujahid said: "We have no ties to Moscow."', '"We have no ties to Moscow."'),
                          ("Mujahid said: We have no ties to Moscow.", "We have no ties to Moscow")):
        a = attribute(text, "x")
        assert (a.speaker, text[slice(*a.cue_span)]) == ("Mujahid", "said")
        assert text[slice(*a.content_span)] == content
