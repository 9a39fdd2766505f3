import pytest

from stance.stages.claims import ClaimOptions, extract_all, extract_claims
from stance.config import load_yaml
from stance.stages.corpus import Document, load_corpus

from conftest import EXAMPLE, PROJECT

OPTS = ClaimOptions.from_config(load_yaml(PROJECT / "configs" / "default.yaml")["claims"])


def test_boilerplate_dropped_headline_kept():
    doc = Document(id="d", source="Example Times", text=(
        "Monday , 29 April 2024\n\nBig Headline About the Russian Bounties\n\n"
        "VOA – The U.S. government privately warned Iran about the attack, a U.S. official said Thursday.\n\n"
        "Does it pass muster?\n\nRead more at Gatestone\n\nMore about: Afghanistan, Iran\n\n"
        "Disclaimer: The viewpoints expressed by the authors do not reflect ours.\n\nJuly 30 2020\n"))
    claims = extract_claims(doc, OPTS)
    texts = [c.text for c in claims]
    assert texts == ["Big Headline About the Russian Bounties",
                     "The U.S. government privately warned Iran about the attack, a U.S. official said Thursday."]
    assert claims[0].is_headline and not claims[1].is_headline
    for c in claims:
        assert doc.text[c.start:c.end] == c.text  # dateline stripped, span still exact


def test_example_corpus_claims_have_exact_spans_and_unique_ids():
    corpus = load_corpus(EXAMPLE)
    claims = extract_all(corpus, OPTS)
    assert len(claims) > 100
    assert len({c.id for c in claims}) == len(claims)
    docs = corpus.by_id()
    for c in claims:
        assert docs[c.doc_id].text[c.start:c.end] == c.text
    texts = {c.text for c in claims}
    assert not any(t.startswith(("Read more at", "More about:", "Disclaimer:", "We welcome all pitches")) for t in texts)
    assert "Iran, Too, Rewards Taliban Fighters for Killing Americans" in texts
    assert "Monday , 29 April 2024" not in texts and "July 30 2020" not in texts


def test_every_span_is_an_offset_into_the_document_text():
    corpus = load_corpus(EXAMPLE)
    docs = corpus.by_id()
    claims = extract_all(corpus, OPTS)
    pronouns = {"he", "she", "they", "we", "i"}
    for c in claims:
        text = docs[c.doc_id].text
        assert text[c.content_span[0]:c.content_span[1]] == c.content
        assert c.start <= c.content_span[0] <= c.content_span[1] <= c.end
        assert c.content_spans == (c.content_span,)
        if c.cue_span:
            if c.cue_span[1] <= c.start:   # a colon frame before it ("Lawrence Franklin writes:")
                assert text[c.cue_span[1]:c.start].strip() == ":", text[c.cue_span[0]:c.start]
            elif c.cue_span[0] >= c.end:   # a frame after a quotation ("“P.” Mujahid said.")
                assert len(text[c.end:c.cue_span[0]].split()) <= 6
            else:
                assert c.start <= c.cue_span[0] < c.cue_span[1] <= c.end
            assert text[c.cue_span[0]:c.cue_span[1]].lower() in (c.cue or "").lower()
        if c.source_span:
            written = text[c.source_span[0]:c.source_span[1]]
            assert written == c.speaker or written.lower() in pronouns, (written, c.speaker)
        else:
            assert not c.attributed or c.text.lstrip().startswith(("“", '"'))  # a quote continuing a speaker
        assert c.attitude in ("asserts", "denies", "doubts")


def test_design_card_claims_are_attributed_propositions():
    claims = extract_all(load_corpus(EXAMPLE), OPTS)

    def claim(prefix):
        return next(c for c in claims if c.text.startswith(prefix))

    mujahid = claim("Taliban spokesman Zabihullah Mujahid denied")
    assert (mujahid.speaker_id, mujahid.cue, mujahid.attitude) == ("Zabihullah Mujahid", "denied", "denies")
    assert mujahid.content == "the insurgents have “any such relationship with any intelligence agency”"
    quote = claim("“This type of agreement")
    assert (quote.speaker_id, quote.attitude) == ("Zabihullah Mujahid", "denies")
    assert quote.content == "This type of agreement with the Russian intelligence agency"
    caution = claim("Reports that the Russians put out hits")
    assert caution.attitude == "doubts" and caution.speaker == "TRT World opinion (author)"
    assert caution.content == "the Russians put out hits on US personnel in Afghanistan"
    nbc = claim("According to reporting by NBC News")
    assert (nbc.speaker_id, nbc.attitude) == ("NBC News", "doubts")
    headline = claim("Russia is said to have offered rewards")
    assert headline.cue == "is said to" and headline.attitude == "asserts" and not headline.attributed
    peskovs = {c.speaker_id for c in claims if "Peskov" in c.speaker}
    assert peskovs == {"Dmitry Peskov"}


def test_tagger_spans_lead_where_the_tagger_finds_a_cue():
    from stance.models.tagger import Span

    text = ("The minister has learned that the border will close on Monday. "
            "Reports that the deal collapsed should be treated with caution.")

    class FakeTagger:
        def tag(self, t):
            assert t == text
            return [Span("Source", 0, 12), Span("Cue", 13, 24), Span("Content", 25, 61)]

    doc = Document(id="d", source="Paper", text=text)
    first, second = extract_claims(doc, OPTS, tagger=FakeTagger())
    assert (first.speaker, first.cue, first.attitude) == ("The minister", "has learned", "asserts")
    assert text[first.source_span[0]:first.source_span[1]] == "The minister"
    assert first.content == "that the border will close on Monday"
    assert first.content_spans == (first.content_span,)
    # no cue from the tagger in the second sentence: the rules' evidential frame applies
    assert second.attitude == "doubts" and second.content == "the deal collapsed" and not second.attributed


def test_a_denial_that_points_back_stands_for_the_story_it_answers():
    """"denied ... any such relationship" and "This type of agreement ... is without foundation" deny the
    headline's claim: NLI reads the headline's content in their place, their own spans stay as written."""
    from stance.stages.judge import nli_content

    doc = Document(id="nyt", text=(
        "Russia is said to have offered rewards to the Taliban for killing US troops\n\n"
        "The finding was reported to the president, officials said.\n\n"
        "Taliban spokesman Zabihullah Mujahid denied that the insurgents have any such relationship "
        "with any intelligence agency.\n\n"
        "“This type of agreement with the Russian intelligence agency is without foundation,” he said.\n\n"
        "Mujahid denied that the group had met Russian officers in Doha.\n"))
    claims = extract_claims(doc, OPTS)
    head, finding, such, agreement, plain = claims
    assert head.is_headline and head.refers_to is None and finding.refers_to is None
    for c in (such, agreement):
        assert c.attitude == "denies" and c.refers_to == head.id and c.resolved_content == head.content
        assert doc.text[c.content_span[0]:c.content_span[1]] == c.content   # the words as written
        assert nli_content(c) == "Russia has offered rewards to the Taliban for killing US troops"
    assert plain.attitude == "denies" and plain.refers_to is None     # states its own proposition
    assert nli_content(plain) == "the group had met Russian officers in Doha"


def test_a_pronoun_answers_the_sentence_before_and_a_doubted_headline_still_states_the_story():
    """"But this is not convincing" doubts the suggestion just before it, not the headline; "the bounty
    story" points to the headline's content even when the headline itself cautions about it."""
    doc = Document(id="trt", text=(
        "Reports that the Russians put out hits on US personnel should be treated with caution\n\n"
        "Donald Trump is once again in the firing line over Russia.\n\n"
        "Trump dismissed the bounty story as a hoax.\n\n"
        "It has also been suggested that Moscow wants to derail the peace talks.\n\n"
        "But this is not convincing.\n"))
    head, firing, hoax, suggested, doubt = extract_claims(doc, OPTS)
    assert head.is_headline and head.attitude == "doubts"
    assert hoax.attitude == "denies" and hoax.refers_to == head.id          # not the first assertion
    assert hoax.resolved_content == head.content
    assert doubt.attitude == "doubts" and doubt.content == "this" and doubt.refers_to == suggested.id
    assert doubt.resolved_content == suggested.content and firing.refers_to is None


@pytest.mark.parametrize("content, points_back", [
    ("the Russian bounty story", True), ('the Russian bounty story as a "hoax"', True),
    ("the intelligence about Russian bounties", True), ("the allegations", True), ("any such relationship", True),
    ("the claims that Russia paid", False),            # carries its own proposition
    ("the US intelligence officials leaked it", False), ("the story of his life", False),
    ("the Taliban have any relationship", False),
])
def test_contents_that_point_back_to_a_story(content, points_back):
    from stance.stages.claims import ANAPHORIC_CONTENT

    assert bool(ANAPHORIC_CONTENT.search(content)) is points_back


def test_headline_attributions_the_tagger_misreads():
    """"P, says Iraq": the tagger reads the trailing name as more content; "Brian Williams: P": it keeps
    one word after the colon.  The source is the name, the content the claim, spans into the text."""
    from stance.models.tagger import Span

    says = "Woman detained in Lebanon is not his wife, says Iraq"
    colon = "Brian Williams: No, Our Meteorologist Was Not Peeing on Live TV"
    tags = {says: [Span("Content", 0, 41), Span("Cue", 43, 47), Span("Content", 48, 52)],
            colon: [Span("Source", 0, 14), Span("Cue", 14, 15), Span("Content", 24, 37)]}

    class FakeTagger:
        def tag(self, t):
            return tags[t]

    for text, source, content in ((says, "Iraq", "Woman detained in Lebanon is not his wife"),
                                  (colon, "Brian Williams", "No, Our Meteorologist Was Not Peeing on Live TV")):
        (c,) = extract_claims(Document(id="d", text=text), OPTS, tagger=FakeTagger())
        assert (c.speaker, c.content, c.attitude) == (source, content, "asserts")
        assert text[c.source_span[0]:c.source_span[1]] == source
        assert text[c.content_span[0]:c.content_span[1]] == content
    # "The economy, he said, is strong": a lower-case tail is content, not a name
    text = "The economy, he said, is strong"
    tags[text] = [Span("Content", 0, 11), Span("Source", 13, 15), Span("Cue", 16, 20), Span("Content", 22, 31)]
    (c,) = extract_claims(Document(id="d", text=text), OPTS, tagger=FakeTagger())
    assert c.content_spans == ((0, 11), (22, 31))


def _tagged(text: str, marks: list[tuple[str, str]]):
    """Tagger spans for the given (role, words) in order of appearance."""
    from stance.models.tagger import Span

    spans, pos = [], 0
    for role, words in marks:
        a = text.index(words, pos)
        spans.append(Span(role, a, a + len(words)))
        pos = a + len(words)

    class FakeTagger:
        def tag(self, t):
            assert t == text
            return spans
    return FakeTagger()


def test_a_report_running_on_past_its_sentence_keeps_its_source():
    """PolNeAR marks content that runs on into sentences with no cue of their own: the previous source
    still speaks.  A sentence with a hedge of its own ("It is unclear whether") is read by the rules."""
    text = ("Mujahid denied that the Taliban took money from Russia. The group has never needed foreign funds. "
            "It is unclear whether the group met Russian officers.")
    tagger = _tagged(text, [("Source", "Mujahid"), ("Cue", "denied"), ("Content", "the Taliban took money from Russia"),
                            ("Content", "The group has never needed foreign funds"),
                            ("Content", "the group met Russian officers")])
    first, second, third = extract_claims(Document(id="d", source="Paper", text=text), OPTS, tagger=tagger)
    assert (first.speaker, first.attitude) == ("Mujahid", "denies")
    assert (second.speaker, second.attributed, second.attitude) == ("Mujahid", True, "denies")
    assert second.source_span is None and second.cue_span is None   # both are in the sentence before
    assert second.content == "The group has never needed foreign funds"
    assert (third.attributed, third.attitude) == (False, "doubts")


def test_every_attribution_in_a_sentence_when_asked():
    """"US officials accused Russia of P, although Russian officials dismissed such claims": two sources.
    A further cue with no source of its own ("tweeting") is the main source's; "such claims" answers the
    accusation in its own sentence.  By default only the main attribution is a claim."""
    from dataclasses import replace

    text = ("US officials accused Russia of arming the Taliban, although Russian officials dismissed such claims "
            "as gossip. Trump denied that he was briefed about the intelligence, tweeting that it was fake.")
    tagger = _tagged(text, [("Source", "US officials"), ("Cue", "accused"), ("Content", "Russia of arming the Taliban"),
                            ("Source", "Russian officials"), ("Cue", "dismissed"), ("Content", "such claims as gossip"),
                            ("Source", "Trump"), ("Cue", "denied"), ("Content", "he was briefed about the intelligence"),
                            ("Cue", "tweeting"), ("Content", "it was fake")])
    doc = Document(id="d", source="Paper", text=text)
    every = extract_claims(doc, replace(OPTS, all_attributions=True), tagger=tagger)
    got = [(c.speaker, c.cue, c.attitude, c.content) for c in every]
    assert got == [("US officials", "accused", "asserts", "Russia of arming the Taliban"),
                   ("Russian officials", "dismissed", "denies", "such claims as gossip"),
                   ("Trump", "denied", "denies", "he was briefed about the intelligence"),
                   ("Trump", "tweeting", "asserts", "it was fake")]
    for c in every:   # spans into the document, inside the claim's sentence
        assert c.start <= c.cue_span[0] < c.cue_span[1] <= c.end and text[c.cue_span[0]:c.cue_span[1]] == c.cue
        assert text[c.source_span[0]:c.source_span[1]] in c.speaker
    assert every[1].refers_to == every[0].id and every[1].start == every[0].start
    assert len({c.id for c in every}) == 4
    main_only = extract_claims(doc, OPTS, tagger=tagger)
    assert [(c.speaker, c.cue) for c in main_only] == [("US officials", "accused"), ("Trump", "denied")]


def test_a_quotation_takes_the_source_of_the_frame_after_it():
    """“P. Q.” Mujahid said in a statement.  The quote ends its sentence, and the next sentence only
    frames it: the quotation is Mujahid's, its source and cue spans point into the frame, and the frame
    makes no claim of its own ("in a statement" states nothing)."""
    text = ("Officials said the payments began in 2019. “We reject this report. It is a smear.” "
            "Mujahid said in a statement. “They are lying about us.” He added. The group met in Doha on Monday.")
    tagger = _tagged(text, [("Source", "Officials"), ("Cue", "said"), ("Content", "the payments began in 2019"),
                            ("Content", "We reject this report."), ("Cue", "is a smear"),
                            ("Source", "Mujahid"), ("Cue", "said"), ("Content", "They are lying about us."),
                            ("Source", "He"), ("Cue", "added")])
    doc = Document(id="d", source="Paper", text=text)
    for tg in (tagger, None):   # the tagger's frame, and the rules' frame ("said in a statement")
        claims = extract_claims(doc, OPTS, tagger=tg)
        by_text = {c.text: c for c in claims}
        quote = by_text["“We reject this report. It is a smear.”"]
        assert (quote.speaker, quote.attributed, quote.attitude) == ("Mujahid", True, "asserts")
        assert text[quote.source_span[0]:quote.source_span[1]] == "Mujahid"
        assert text[quote.cue_span[0]:quote.cue_span[1]] == "said"
        assert quote.content == "“We reject this report. It is a smear.”"
        assert not any(c.text.startswith("Mujahid said") for c in claims)
        assert by_text["The group met in Doha on Monday."].attributed is False
    claims = extract_claims(doc, OPTS, tagger=tagger)
    lying = next(c for c in claims if c.text.startswith("“They are lying"))
    assert (lying.speaker, lying.cue) == ("Mujahid", "added")   # "He" is the speaker before
    # a sentence that reports something of its own is not a frame
    text = "“We reject this report. It is a smear.” Mujahid said the Taliban never took money from Russia."
    quote, report = extract_claims(Document(id="d", source="Paper", text=text), OPTS)
    assert quote.speaker != "Mujahid" and report.content == "the Taliban never took money from Russia"


def test_a_pronoun_source_is_the_name_before_it_in_the_same_sentence():
    """"Fowler said P — and he noted Q": "he" is Fowler, not the speaker of the sentence before."""
    text = ("Kamarck said the party has rules for this. "
            "Fowler said the politics would be intense — and he noted that any change would occur weeks later in the season.")
    tagger = _tagged(text, [("Source", "Kamarck"), ("Cue", "said"), ("Content", "the party has rules for this"),
                            ("Source", "Fowler"), ("Cue", "said"), ("Content", "the politics would be intense"),
                            ("Source", "he"), ("Cue", "noted"),
                            ("Content", "any change would occur weeks later in the season")])
    from dataclasses import replace

    doc = Document(id="d", source="Paper", text=text)
    first, second = extract_claims(doc, OPTS, tagger=tagger)
    assert first.speaker == "Kamarck"
    assert second.speaker == "Fowler" and text[second.source_span[0]:second.source_span[1]] == "he"
    # with every attribution a claim, each cue keeps the content nearest to it
    first, noted, said = extract_claims(doc, replace(OPTS, all_attributions=True), tagger=tagger)
    assert (noted.speaker, noted.cue, noted.content) == ("Fowler", "noted", "any change would occur weeks later in the season")
    assert (said.speaker, said.cue, said.content) == ("Fowler", "said", "the politics would be intense")


def test_a_one_word_source_the_tagger_reads_in_a_preposition_is_not_the_speaker():
    """The tagger sometimes tags a stray "in" or "with" as a source; the nearest one to the cue would win."""
    text = ("Gillian Rosenberg, the woman fighting ISIS with Kurdish forces in Syria, has updated her page "
            "to say that she has not been captured.")
    tagger = _tagged(text, [("Source", "Gillian Rosenberg"), ("Source", "with"), ("Source", "in"), ("Cue", "to say"),
                            ("Content", "she has not been captured")])
    [c] = extract_claims(Document(id="d", source="Paper", text=text), OPTS, tagger=tagger)
    assert c.speaker == "Gillian Rosenberg" and c.content == "she has not been captured"


def test_a_colon_frame_gives_its_source_to_the_sentence_after_it():
    """"Lawrence Franklin writes: Iran's bounty program began in 2010." — split into two sentences, the
    frame makes no claim and the next sentence is Franklin's, its source and cue spans in the frame."""
    text = "Iran pays bounties, officials say. Lawrence Franklin writes:\n\nIran's bounty program began as early as 2010."
    for tagger in (None, _tagged(text, [("Content", "Iran pays bounties"), ("Source", "officials"), ("Cue", "say"),
                                        ("Source", "Lawrence Franklin"), ("Cue", "writes")])):
        claims = extract_claims(Document(id="d", source="Paper", text=text), OPTS, tagger=tagger)
        assert [c.text for c in claims] == ["Iran pays bounties, officials say.",
                                            "Iran's bounty program began as early as 2010."]
        c = claims[1]
        assert (c.speaker, c.cue, c.attitude, c.attributed) == ("Lawrence Franklin", "writes", "asserts", True)
        assert text[c.source_span[0]:c.source_span[1]] == "Lawrence Franklin"
        assert text[c.cue_span[0]:c.cue_span[1]] == "writes"
        assert c.content == "Iran's bounty program began as early as 2010"
    # a sentence with a cue of its own after the colon keeps its own source
    text = "Caddell continued:\n\nOfficials said the payments began as early as 2010."
    [c] = extract_claims(Document(id="d", source="Paper", text=text), OPTS)
    assert (c.speaker, c.cue) == ("Officials", "said")
