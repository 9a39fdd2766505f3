import json

import numpy as np
import pytest

from stance.evaluation import labelled as E
from stance.cli import main
from stance.errors import StanceError

from conftest import FIXTURES, PROJECT

KEYS = {"n", "accuracy", "macro_f1", "labels", "per_class", "confusion"}


class Oracle:
    labels = ("neutral", "contradiction", "entailment")

    def __init__(self, answers):
        self.answers = answers

    def predict(self, pairs, batch_size=None):
        return np.array([[0.8 if lab == self.answers[h] else 0.1 for lab in self.labels] for _, h in pairs])


def write(tmp_path, lines):
    f = tmp_path / "pairs.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def test_metrics_and_json_keys(tmp_path):
    f = write(tmp_path, [json.dumps({"premise": "p", "hypothesis": f"h{i}", "label": lab})
                         for i, lab in enumerate(["entailment", "neutral", "contradiction", "neutral"])])
    pairs = E.read_pairs(f)
    answers = {"h0": "entailment", "h1": "neutral", "h2": "contradiction", "h3": "entailment"}
    res = E.evaluate_pairs(pairs, Oracle(answers))
    assert res.accuracy == 0.75 and set(res.to_json()) == KEYS
    assert res.confusion[1] == [1, 1, 0]  # gold neutral: one predicted entailment, one neutral
    text = E.format_result(res, pairs)
    assert "misclassified: 1" in text and "line 4" in text


def test_rte_two_way_collapse():
    pairs = [E.LabelledPair("p", "h0", "entailment", 1), E.LabelledPair("p", "h1", "not_entailment", 2)]
    res = E.evaluate_pairs(pairs, Oracle({"h0": "entailment", "h1": "contradiction"}), two_way=True)
    assert res.labels == ("entailment", "not_entailment") and res.accuracy == 1.0


@pytest.mark.parametrize("line, message", [
    ('{"premise": "p", "hypothesis": "h"}', "line 2|:2: missing field 'label'"),
    ('{"premise": "p", "hypothesis": "h", "label": "maybe"}', ":2: unknown label 'maybe'"),
    ('{"premise": " ", "hypothesis": "h", "label": "neutral"}', ":2: field 'premise' is empty"),
    ("premise,hypothesis,label", ":2: not valid JSON"),
])
def test_bad_input_names_line_and_field(tmp_path, line, message):
    f = write(tmp_path, ['{"premise": "p", "hypothesis": "h", "label": "neutral"}', line])
    with pytest.raises(StanceError) as exc:
        E.read_pairs(f)
    assert any(m in str(exc.value) for m in message.split("|"))


@pytest.mark.slow
def test_cli_eval_on_fixture_with_tiny_model(tiny_model, tmp_path, capsys):
    out = tmp_path / "m.json"
    rc = main(["eval", "--pairs", str(FIXTURES / "claim_pairs.jsonl"), "--model", str(tiny_model), "--json", str(out)])
    assert rc == 0
    data = json.loads(out.read_text())
    assert set(data) == KEYS and data["n"] >= 150
    assert set(data["per_class"]) == {"entailment", "neutral", "contradiction"}
    printed = capsys.readouterr().out
    assert "macro-F1" in printed and "confusion" in printed


def test_cli_eval_bad_file(tmp_path, capsys):
    f = write(tmp_path, ['{"premise": "p", "hypothesis": "h", "label": "nope"}'])
    assert main(["eval", "--pairs", str(f)]) == 2
    assert "unknown label" in capsys.readouterr().err


def test_sick_trial_only_and_holdout(tmp_path):
    sick = tmp_path / "sick.txt"
    sick.write_text("pair_ID\tsentence_A\tsentence_B\tentailment_label\tSemEval_set\n"
                    "1\ta\tb\tNEUTRAL\tTRAIN\n2\tc\td\tENTAILMENT\tTRIAL\n", encoding="utf-8")
    pairs, two_way, notes = E.read_nli_dataset("sick", sick)
    assert [p.label for p in pairs] == ["entailment"] and not two_way and "TRIAL" in notes[0]
    xnli = tmp_path / "x.tsv"
    xnli.write_text("id\tpremise\thypothesis\tlabel\n" + "".join(f"{i}\tp{i}\th{i}\t{i % 3}\n" for i in range(20)))
    cfg = tmp_path / "t.yaml"
    cfg.write_text("seed: 5\nsources:\n  xnli: {holdout: 4}\n")
    held, _, notes = E.read_nli_dataset("xnli", xnli, cfg)
    assert len(held) == 4 and "held back" in notes[0]


def test_macro_f1_ignores_classes_absent_from_gold_and_predictions():
    acc, mf1, per, conf = E.metrics(["agree", "unrelated"], ["agree", "unrelated"], E.STANCES)
    assert acc == 1.0 and mf1 == 1.0 and per["disagree"]["support"] == 0 and len(conf) == 4


class ContentScorer:
    """Contradiction between texts that differ by a "not", entailment between texts that share their last
    three words, else neutral; labels out of order."""
    labels = ("contradiction", "entailment", "neutral")

    def predict(self, pairs, batch_size=None):
        def row(p, h):
            wp, wh = p.lower().rstrip(".").split(), h.lower().rstrip(".").split()
            if [w for w in wp if w != "not"] == [w for w in wh if w != "not"] and wp != wh:
                return [0.9, 0.05, 0.05]      # the same words but for a "not": contradiction
            same = wp[-3:] == wh[-3:]
            return [0.05, 0.9, 0.05] if same else [0.05, 0.05, 0.9]
        return np.array([row(p, h) for p, h in pairs])


def test_judged_eval_maps_relations_to_nli_labels():
    pairs = [E.LabelledPair("Officials said Russia paid bounties to Taliban fighters.",
                            "A Taliban spokesman denied that Russia paid bounties to Taliban fighters.", "contradiction", 1),
             E.LabelledPair("Officials said Russia paid bounties to Taliban fighters.",
                            "Russia paid bounties to Taliban fighters.", "entailment", 2),
             E.LabelledPair("The weather in Kabul was sunny.", "Russia paid bounties to Taliban fighters.", "neutral", 3),
             # a doubt about P is neutral against P itself (the fixture guide) ...
             E.LabelledPair("Reports that Russia paid bounties to Taliban fighters should be treated with caution.",
                            "Russia paid bounties to Taliban fighters.", "neutral", 4),
             # ... but contradicts confidence in the evidence for P
             E.LabelledPair("Reports that Russia paid bounties to Taliban fighters should be treated with caution.",
                            "Officials were confident that Russia paid bounties to Taliban fighters.", "contradiction", 5)]
    # a denial of P entails an assertion of not-P: the contents contradict, the attitudes agree
    pairs.append(E.LabelledPair("An Iraqi official denied that the woman is his wife.",
                                "The woman is not his wife, says Iraq.", "entailment", 6))
    res = E.evaluate_pairs_judged(pairs, ContentScorer())
    assert res.predictions == ("contradiction", "entailment", "neutral", "neutral", "contradiction", "entailment")
    assert res.accuracy == 1.0 and set(res.to_json()) == KEYS
    bare = E.evaluate_pairs(pairs, ContentScorer())   # --nli-only: the raw texts, no attribution
    assert bare.predictions[0] == "entailment"        # the denial reads as entailment without the judgement


@pytest.mark.slow
def test_cli_eval_judgement_and_nli_only_keep_json_keys(tiny_model, tmp_path, capsys):
    f = write(tmp_path, ['{"premise": "Officials said Russia paid bounties.", "hypothesis": "The Taliban denied '
                         'that Russia paid bounties.", "label": "contradiction"}'])
    for extra in ([], ["--nli-only"]):
        out = tmp_path / f"m{len(extra)}.json"
        assert main(["eval", "--pairs", str(f), "--model", str(tiny_model), "--json", str(out)] + extra) == 0
        assert set(json.loads(out.read_text())) == KEYS
    assert "judgement" in capsys.readouterr().out


def test_anli_rounds_train_on_one_part_and_score_exactly_the_held_back_part(tmp_path):
    """Only ANLI's dev rounds are here: a recipe with ``anli: {holdout: N}`` trains on the rest of each
    round, and ``--holdout RECIPE`` scores exactly the N pairs per round it never saw."""
    from stance.config import load_train_config
    from stance.training.nli import build_mixture

    anli = tmp_path / "nli" / "anli_dev"
    anli.mkdir(parents=True)
    for r in (1, 2, 3):
        (anli / f"R{r}.dev.jsonl").write_text("".join(
            f'{{"context": "r{r} premise {i}", "hypothesis": "h{i}", "label": "{"enc"[i % 3]}"}}\n' for i in range(10)))
    cfg = tmp_path / "t.yaml"
    cfg.write_text("seed: 5\nsources:\n  anli: {holdout: 4, repeat: 2}\n")
    mix = build_mixture(load_train_config(cfg), tmp_path)
    assert mix.counts == {"anli": 2 * 3 * 6} and len(mix.dev["anli"]) == 12
    trained = {x.premise for x in mix.train}
    for r in (1, 2, 3):
        held, _, notes = E.read_nli_dataset("anli", anli / f"R{r}.dev.jsonl", cfg)
        assert len(held) == 4 and "held back" in notes[0]
        assert not {p.premise for p in held} & trained
    everything, _, notes = E.read_nli_dataset("anli", anli / "R1.dev.jsonl", PROJECT / "configs" / "train_nli.yaml")
    assert len(everything) == 10 and notes == []   # the bundled recipe never trains on ANLI
