import json

import numpy as np
import pytest

from stance.errors import StanceError
from stance.models.factory import load_scorer
from stance.models.scorer import Scorer, canonical_label, label_order, predict_both_directions

from conftest import make_tiny_model

PAIRS = [("The Taliban denied any relationship with Russian intelligence.", "Russia paid the Taliban."),
         ("A man is playing a guitar on stage.", "A man is performing music."),
         ("Short.", "A much longer hypothesis sentence that goes on for a while about the bounty story."),
         ("Iran paid bounties to Taliban insurgents for attacks on American troops in Afghanistan.", "Iran paid.")]


def test_labels_are_mapped_by_name_not_position(tiny_model):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    scorer = load_scorer(tiny_model, batch_size=2)
    assert isinstance(scorer, Scorer)
    assert scorer.labels == ("entailment", "neutral", "contradiction")
    probs = scorer.predict(PAIRS)
    assert probs.shape == (4, 3) and np.allclose(probs.sum(1), 1, atol=1e-5)
    # reference: raw model, columns picked by id2label names
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model).eval()
    with torch.no_grad():
        logits = model(**tok([p for p, _ in PAIRS], [h for _, h in PAIRS], padding=True, return_tensors="pt")).logits
    raw = torch.softmax(logits, -1).numpy()
    name_to_col = {canonical_label(v): int(k) for k, v in model.config.id2label.items()}
    expected = raw[:, [name_to_col["entailment"], name_to_col["neutral"], name_to_col["contradiction"]]]
    assert np.allclose(probs, expected, atol=1e-4)


def test_batching_and_padding_do_not_change_scores(tiny_model):
    scorer = load_scorer(tiny_model)
    assert np.allclose(scorer.predict(PAIRS, batch_size=1), scorer.predict(PAIRS, batch_size=64), atol=1e-5)


def test_both_directions(tiny_model):
    scorer = load_scorer(tiny_model)
    fwd, bwd = predict_both_directions(scorer, PAIRS[:2])
    assert np.allclose(bwd, scorer.predict([(h, p) for p, h in PAIRS[:2]]), atol=1e-5)
    assert np.allclose(fwd, scorer.predict(PAIRS[:2]), atol=1e-5)


def test_hypothesis_longer_than_max_length_does_not_fail(tiny_model):
    scorer = load_scorer(tiny_model, max_length=16)
    assert scorer.predict([("premise", "a very long hypothesis " * 20)]).shape == (1, 3)


def test_two_way_model_is_reported_as_two_way(tiny_model_2way):
    scorer = load_scorer(tiny_model_2way)
    assert scorer.labels == ("entailment", "not_entailment")
    assert scorer.predict(PAIRS).shape == (4, 2)


def test_calibration_temperature_is_applied(tiny_model, tmp_path):
    import shutil

    folder = tmp_path / "m"
    shutil.copytree(tiny_model, folder)
    plain = load_scorer(folder).predict(PAIRS)
    (folder / "calibration.json").write_text(json.dumps({"temperature": 2.0}))
    scorer = load_scorer(folder)
    assert scorer.temperature == 2.0
    hot = scorer.predict(PAIRS)
    assert (hot.argmax(1) == plain.argmax(1)).all() and hot.max(1).mean() <= plain.max(1).mean()


@pytest.mark.parametrize("id2label", [{0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, {0: "yes", 1: "no"}])
def test_unidentifiable_labels_are_a_clear_error(tmp_path, id2label):
    folder = make_tiny_model(tmp_path / "m", id2label)
    with pytest.raises(StanceError, match="cannot identify NLI labels"):
        load_scorer(folder)


@pytest.mark.slow
def test_not_a_classifier_missing_folder_and_unreachable_hub_id(tmp_path):
    enc = make_tiny_model(tmp_path / "enc", {0: "entailment", 1: "neutral", 2: "contradiction"}, architecture="encoder")
    with pytest.raises(StanceError, match="not a sequence-classification model"):
        load_scorer(enc)
    with pytest.raises(StanceError, match="model folder not found"):
        load_scorer(tmp_path / "nope")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(StanceError, match="no config.json"):
        load_scorer(empty)
    with pytest.raises(StanceError, match="definitely-not-a-model-xyz: cannot load the model config"):
        load_scorer("stance-test-org/definitely-not-a-model-xyz")


def test_label_synonyms():
    assert label_order({0: "Contradiction", 1: "ENTAILMENT", 2: "Neutral"}, "x") == (
        ("entailment", "neutral", "contradiction"), [1, 2, 0])
    assert label_order({"0": "not_entailment", "1": "entailment"}, "x")[0] == ("entailment", "not_entailment")


def test_truncation_cuts_the_premise_and_keeps_the_hypothesis(tiny_model):
    from stance.models.scorer import encode_pairs

    scorer = load_scorer(tiny_model, max_length=24)
    tok = scorer.tokenizer
    premise = "Officials said that " + "the bounty story kept growing " * 20
    hypothesis = "Russia paid the Taliban to attack US troops."
    ids = encode_pairs(tok, [(premise, hypothesis)], 24)["input_ids"][0]
    hyp_ids = tok(hypothesis, add_special_tokens=False)["input_ids"]
    assert len(ids) == 24 and ids[-len(hyp_ids) - 1:-1] == hyp_ids   # [CLS] premise… [SEP] hypothesis [SEP]
    assert tok.decode(ids[1:4]) == "officials said that"             # the premise keeps its start
    # the score is the score of the truncated text: nothing past max_length reaches the model
    kept = tok.decode(ids[1:ids.index(tok.sep_token_id)])
    assert np.allclose(scorer.predict([(premise, hypothesis)]), scorer.predict([(kept, hypothesis)]), atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("precision, min_agreement, max_drift", [("bf16", 0.95, 0.03), ("int8", 0.85, 0.1)])
def test_reduced_precision_agrees_with_fp32_on_real_pairs(precision, min_agreement, max_drift):
    """On the bundled model (confident outputs, unlike a random tiny one) and the fixture pairs."""
    from conftest import FIXTURES, bundled_model_or_skip

    rows = [json.loads(x) for x in (FIXTURES / "claim_pairs.jsonl").read_text().splitlines()][:80]
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    ref = load_scorer(bundled_model_or_skip()).predict(pairs)
    got = load_scorer(bundled_model_or_skip(), precision=precision).predict(pairs)
    assert ref.max(1).mean() > 0.6   # confident outputs: agreement below is not the agreement of noise
    assert (got.argmax(1) == ref.argmax(1)).mean() >= min_agreement
    assert np.abs(got - ref).mean() < max_drift   # int8 moves probabilities more (README: about 1 point)


def test_configured_precision_is_honoured_whatever_the_stored_dtype(tiny_model, tmp_path):
    import shutil

    import torch
    from transformers import AutoModelForSequenceClassification

    half = tmp_path / "half"
    shutil.copytree(tiny_model, half)
    AutoModelForSequenceClassification.from_pretrained(half).half().save_pretrained(half)
    fp32 = load_scorer(half, precision="fp32")
    assert next(fp32.model.parameters()).dtype == torch.float32
    assert (fp32.info.device, fp32.info.compute_dtype) == ("cpu", "float32")
    assert load_scorer(half, precision="bf16").info.compute_dtype == "bfloat16 autocast"
    with pytest.raises(StanceError, match="CPU only"):
        load_scorer(tiny_model, precision="int8", device="cuda")


def test_unknown_precision_is_an_error(tiny_model):
    with pytest.raises(StanceError, match="scoring.precision"):
        load_scorer(tiny_model, precision="fp8")
