import pytest

from stance.data import nli as D
from stance.data.stance_csv import StanceExample, split_by_body
from stance.errors import DataMissingError


def test_two_way_not_entailment_is_never_contradiction(tmp_path):
    f = tmp_path / "rte.tsv"
    f.write_text("index\tsentence1\tsentence2\tlabel\n0\tA man sleeps.\tA man is awake.\tnot_entailment\n"
                 "1\tA man sleeps.\tA man rests.\tentailment\n", encoding="utf-8")
    assert [x.label for x in D.load_rte(f)] == ["not_entailment", "entailment"]


def test_xnli_numeric_labels_and_snli_dash_skipped(tmp_path):
    x = tmp_path / "x.tsv"
    x.write_text("id\tpremise\thypothesis\tlabel\n0\tp\th\t0\n1\tp\th\t1\n2\tp\th\t2\n", encoding="utf-8")
    assert [e.label for e in D.load_xnli(x)] == ["entailment", "neutral", "contradiction"]
    s = tmp_path / "s.jsonl"
    s.write_text('{"sentence1": "a", "sentence2": "b", "gold_label": "-"}\n'
                 '{"sentence1": "a", "sentence2": "b", "gold_label": "neutral"}\n', encoding="utf-8")
    assert [e.label for e in D.load_snli(s)] == ["neutral"]


def test_body_disjoint_split():
    stances = [StanceExample(f"h{i}", str(i % 10), "agree") for i in range(100)]
    train, dev = split_by_body(stances, 0.2, seed=1)
    assert {s.body_id for s in train}.isdisjoint({s.body_id for s in dev}) and len(dev) == 20


def test_missing_data_is_a_clear_error(tmp_path):
    with pytest.raises(DataMissingError, match="../shared/data"):
        D.data_path(tmp_path, "nli", "snli", "nope.jsonl")


def test_hard_neutrals_pair_different_articles_naming_the_same_actors():
    from stance.data.polnear import Article
    from stance.training.news_pairs import overlap_neutrals

    arts = [Article("a", "Officials said that Russia has cultivated ties with the Taliban for years now. "
                         "The weather in Ohio was mild and pleasant for the whole of the week.", ()),
            Article("b", "According to the report, Russia paid the Taliban bounties to target American troops. "
                         "Russia has cultivated ties with the Taliban for years now, officials said.", ())]
    pairs = overlap_neutrals(arts, 10, seed=0)
    assert pairs and all(x.label == "neutral" and x.source == "news_overlap" for x in pairs)
    texts = {(x.premise, x.hypothesis) for x in pairs}
    # across articles only, never a paraphrase (high word overlap), never a sentence without both actors
    assert all(("Ohio" not in p and "Ohio" not in h) for p, h in texts)
    assert not any("cultivated" in p and "cultivated" in h for p, h in texts)
    assert any("bounties" in p or "bounties" in h for p, h in texts)
