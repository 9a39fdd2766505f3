import json

import numpy as np
import pytest

from stance.errors import StanceError
from stance.models.scorer import Scorer, canonical_label, label_order, load_scorer, predict_both_directions

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
    with pytest.raises(StanceError, match="cannot load model config"):
        load_scorer("stance-test-org/definitely-not-a-model-xyz")


def test_label_synonyms():
    assert label_order({0: "Contradiction", 1: "ENTAILMENT", 2: "Neutral"}, "x") == (
        ("entailment", "neutral", "contradiction"), [1, 2, 0])
    assert label_order({"0": "not_entailment", "1": "entailment"}, "x")[0] == ("entailment", "not_entailment")


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_reduced_precision_paths_run_and_agree_roughly(tiny_model, precision):
    ref = load_scorer(tiny_model).predict(PAIRS)
    got = load_scorer(tiny_model, precision=precision).predict(PAIRS)
    assert got.shape == ref.shape and np.allclose(got, ref, atol=0.1)


def test_unknown_precision_is_an_error(tiny_model):
    with pytest.raises(StanceError, match="scoring.precision"):
        load_scorer(tiny_model, precision="fp8")
