from stance.stages.sentences import split_sentences


def test_abbreviations_quotes_dashes_and_headlines_survive():
    text = ("US Warned Iran of ISIS-K Threat Ahead of Deadly Blasts\n\n"
            "The U.S. government warned Iran, Gen. John Smith said. Dr. Jones agreed—mostly.\n"
            "“We won’t tolerate that,” Pompeo said. Then he left.")
    sents = [s.text for s in split_sentences(text)]
    assert sents[0] == "US Warned Iran of ISIS-K Threat Ahead of Deadly Blasts"
    assert "The U.S. government warned Iran, Gen. John Smith said." in sents
    assert "Dr. Jones agreed—mostly." in sents
    assert "“We won’t tolerate that,” Pompeo said." in sents


def test_spans_point_into_the_original_text():
    text = "First line without stop\n\n  Second sentence here. Third one, with U.S. forces.  \n"
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
