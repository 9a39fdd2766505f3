"""PolNeAR reading and token-level scoring, on a hand-made brat file (the corpus itself is not committed)."""
import pytest

from stance.data import polnear as P
from stance.errors import StanceError

TEXT = "Trump said that the wall will be built. Officials denied it, according to aides."
ANN = "\n".join([
    "T1\tSource 0 5\tTrump",
    "T2\tCue 6 10\tsaid",
    "T3\tContent 11 38\tthat the wall will be built",
    "T4\tAttribution 6 10\tsaid",
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
    "T5\tCue 40 49;59 71\tOfficials according to",
    "T6\tContent 57 59\tit",
    "T7\tAttribution 40 49\tx",
    "E2\tAttribution-no-source:T7 Content:T6 Cue:T5",
    "T8\tDiscuss 72 77\taides",
    "E3\tDiscuss:T8",
    "#1\tAnnotatorNotes T1\ta note",
    "a span's text running over",
    "two lines",
])


def test_parse_ann_keeps_attributions_with_discontinuous_spans():
    rels = P.parse_ann(ANN)
    assert len(rels) == 2
    assert rels[0].source == ((0, 5),) and rels[0].cue == ((6, 10),) and rels[0].content == ((11, 38),)
    assert rels[1].source == () and rels[1].cue == ((40, 49), (59, 71))


def test_token_roles_and_scores():
    rels = P.parse_ann(ANN)
    gold = P.token_roles(TEXT, P.char_roles(TEXT, rels))
    toks = [TEXT[a:b] for a, b in P.tokens(TEXT)]
    assert gold[toks.index("Trump")] == "Source" and gold[toks.index("wall")] == "Content"
    assert gold[toks.index("aides")] is None            # Discuss spans are not attributions
    perfect = P.score_roles([(gold, gold)])
    assert all(s.f1 == 1.0 for s in perfect.values())
    nothing = P.score_roles([(gold, [None] * len(gold))])
    assert all(s.recall == 0.0 and s.f1 == 0.0 for s in nothing.values())
    half = list(gold)
    half[toks.index("wall")] = None
    s = P.score_roles([(gold, half)])["Content"]
    assert s.precision == 1.0 and s.recall < 1.0


def test_missing_corpus_says_where_it_is_read_from(tmp_path):
    with pytest.raises(StanceError, match="PolNeAR not found"):
        P.polnear_dir(tmp_path / "nope")


def test_real_dev_split_when_present():
    try:
        arts = P.load_split("dev", limit=3)
    except StanceError:
        pytest.skip("../shared/data/attribution/polnear not present")
    assert len(arts) == 3 and all(a.relations for a in arts)
    for a in arts:
        for r in a.relations:
            for x, y in r.cue + r.content:
                assert 0 <= x < y <= len(a.text)


def test_piece_labels_open_a_b_tag_per_span():
    from stance.training.tagger import LABEL_ID, _piece_labels

    art = P.Article("x", TEXT, P.parse_ann(ANN))
    offs = P.tokens(TEXT)
    labels = {TEXT[a:b]: lab for (a, b), lab in zip(offs, _piece_labels(art, offs))}
    assert labels["Trump"] == LABEL_ID["B-Source"] and labels["said"] == LABEL_ID["B-Cue"]
    assert labels["that"] == LABEL_ID["B-Content"] and labels["wall"] == LABEL_ID["I-Content"]
    assert labels["aides"] == LABEL_ID["O"]


def test_the_pipeline_extractor_scores_the_content_of_a_report_running_on():
    """``stance eval --polnear --extractor rules|hybrid`` scores the claims the pipeline writes: a quote
    that runs on into the next sentence is attributed there (no cue of its own), so its content counts;
    the author's own sentence contributes nothing."""
    from stance.evaluation.attribution import spans_rules
    from stance.stages.claims import ClaimOptions

    text = '"We have no ties to Moscow," Mujahid said. "We never took money from anyone." The weather was mild.'
    got = spans_rules(text, ClaimOptions())
    contents = [text[a:b] for r, a, b in got if r == "Content"]
    assert ("Source", 29, 36) in got and ("Cue", 37, 41) in got
    assert any("We never took money" in c for c in contents)
    assert not any("weather" in c for c in contents)


def test_the_eval_closes_an_appositive_source_as_polnear_marks_it():
    from stance.evaluation.attribution import close_appositive

    text = "Rendell, a Clinton surrogate, said he had pneumonia. Rendell, who won, said so. Kall -- an editor -- said it."
    a = text.index("Rendell, a")
    assert text[slice(*close_appositive(text, (a, a + len("Rendell, a Clinton surrogate"))))] == "Rendell, a Clinton surrogate,"
    b = text.index("Rendell, who")
    assert close_appositive(text, (b, b + len("Rendell"))) == (b, b + len("Rendell"))   # no appositive inside
    c = text.index("Kall")
    assert text[slice(*close_appositive(text, (c, c + len("Kall -- an editor"))))] == "Kall -- an editor --"
