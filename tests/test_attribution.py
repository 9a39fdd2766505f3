import pytest

from stance.attribution import attribute
from stance.claims import ClaimOptions, extract_all
from stance.config import load_yaml
from stance.corpus import load_corpus

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


@pytest.mark.parametrize("sentence", [
    "Russia is said to have offered rewards to the Taliban for killing members of the US military.",
    "While officials were said to be confident in the intelligence, they are uncertain about its origin.",
    "The talks at times appear to work against the grain of the United States’ efforts to end the conflict.",
    "Preventing states from backing foreign proxies is no easy task.",
])
def test_hedges_and_noun_lookalikes_stay_with_the_author(sentence):
    a = attribute(sentence, AUTHOR)
    assert a.speaker == AUTHOR and not a.attributed and a.verb is None


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
