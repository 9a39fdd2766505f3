from stance.claims import ClaimOptions, extract_all, extract_claims
from stance.config import load_yaml
from stance.corpus import Document, load_corpus

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
