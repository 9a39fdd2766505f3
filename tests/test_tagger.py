"""The attribution tagger: BIO decoding, and a tiny random token classifier loaded through load_tagger."""
import json

import pytest

from stance.errors import StanceError
from stance.models.tagger import BIO, bio_to_spans, load_tagger


def test_bio_to_spans_merges_pieces_and_splits_at_b_tags():
    text = "Mujahid denied the deal"
    offs = [(0, 7), (8, 14), (15, 18), (19, 23)]
    spans = bio_to_spans(["B-Source", "B-Cue", "B-Content", "I-Content"], offs, text)
    assert [(s.role, text[s.start:s.end]) for s in spans] == [("Source", "Mujahid"), ("Cue", "denied"),
                                                              ("Content", "the deal")]
    # a word piece glued to the previous one continues its span even when tagged B-
    spans = bio_to_spans(["B-Source", "B-Source"], [(0, 4), (4, 7)], "Mujahid")
    assert [(s.start, s.end) for s in spans] == [(0, 7)]
    # an I- tag after O opens a span
    assert bio_to_spans(["O", "I-Cue"], [(0, 3), (4, 8)], "abc said")[0].role == "Cue"


def _tiny_tagger(folder, labels=BIO):
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    from conftest import minilm_folder

    torch.manual_seed(0)
    folder.mkdir(parents=True)
    tok = AutoTokenizer.from_pretrained(str(minilm_folder()))
    tok.save_pretrained(folder)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, num_labels=len(labels), id2label=dict(enumerate(labels)),
                     label2id={v: i for i, v in enumerate(labels)})
    BertForTokenClassification(cfg).save_pretrained(folder)
    return folder


def test_tiny_tagger_spans_are_offsets_into_long_text(tmp_path):
    tagger = load_tagger(_tiny_tagger(tmp_path / "t"), window=32, stride=16)
    text = " ".join(f"Official {i} said that the payment {i} happened." for i in range(30))
    spans = tagger.tag(text)
    assert spans and all(0 <= s.start < s.end <= len(text) for s in spans)
    assert all(s.role in ("Source", "Cue", "Content") for s in spans)
    assert tagger.tag("   ") == []


def test_missing_or_wrong_tagger_is_one_clear_error(tmp_path):
    with pytest.raises(StanceError, match="train-tagger"):
        load_tagger(tmp_path / "none")
    with pytest.raises(StanceError, match="BIO"):
        load_tagger(_tiny_tagger(tmp_path / "w", labels=("O", "X", "Y")))


def test_missing_tagger_from_the_config_is_a_one_line_cli_error(tmp_path, capsys):
    from stance.cli import main

    from conftest import EXAMPLE

    cfg = tmp_path / "c.yaml"
    cfg.write_text("claims:\n  tagger: models/no-such-tagger\n", encoding="utf-8")
    assert main(["claims", str(EXAMPLE), "--out", str(tmp_path / "o"), "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-tagger" in err[0] and "claims.tagger: null" in err[0]


def test_the_pieces_of_one_word_share_one_label():
    """Labelled piece by piece, "Asymmetric" (as ##ym ##metric) could open a span in mid-word."""
    import numpy as np

    from stance.models.tagger import pool_words

    logits = np.array([[2.0, 0.0], [0.0, 3.0], [0.0, 3.0], [1.0, 0.0]])
    pooled = pool_words(logits, [0, 0, 0, 1])
    assert (pooled.argmax(1) == [1, 1, 1, 0]).all()
    assert np.allclose(pooled[0], pooled[2])
    assert (pool_words(logits, [None, 0, 0, None])[0] == logits[0]).all()   # special tokens stay alone


@pytest.mark.slow
def test_train_tagger_end_to_end_and_resume(tmp_path):
    """A tiny base model on a hand-made PolNeAR: checkpoint, best and output are written whole (staged,
    then swapped in), and --resume continues from the checkpoint."""
    from conftest import make_tiny_model
    from test_polnear import ANN, TEXT

    from stance.training.tagger import train_tagger

    base = make_tiny_model(tmp_path / "base", {0: "x"}, architecture="encoder")   # an encoder, no head

    for split in ("train", "dev"):
        (tmp_path / "polnear" / split / "text").mkdir(parents=True)
        (tmp_path / "polnear" / split / "attributions").mkdir(parents=True)
        (tmp_path / "polnear" / split / "text" / "a.txt").write_text(TEXT)
        (tmp_path / "polnear" / split / "attributions" / "a_x.ann").write_text(ANN)
    out, work = tmp_path / "tagger", tmp_path / "work"
    args = dict(polnear=tmp_path / "polnear", work=work, base_model=str(base), batch_size=1, log=lambda m: None)
    train_tagger(out, epochs=1, **args)
    assert (out / "config.json").exists() and (work / "checkpoint" / "trainer.pt").exists()
    assert not [f for d in (tmp_path, work) for f in d.iterdir() if f.name.endswith(".tmp")]
    state = train_tagger(out, epochs=2, resume=True, **args)
    assert [h["epoch"] for h in state["history"]] == [1, 2]
    stages = [json.loads(line)["stage"] for line in (work / "log.jsonl").read_text().splitlines()]
    assert stages.count("resume") == 1 and stages.count("dev") == 2    # epoch 1 read back, only epoch 2 trained
