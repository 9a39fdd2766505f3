"""The GPU teacher recipe, run end to end on CPU with tiny random models and a few dozen pairs."""
import gzip
import json

from conftest import make_tiny_model
from stance.cli import main
from stance.models.factory import load_scorer
from test_train import config, write_mini_data


def test_export_then_distil_writes_a_model_like_stance_train(tmp_path, tiny_model, capsys):
    write_mini_data(tmp_path / "data")
    mixture = tmp_path / "mix.jsonl.gz"
    assert main(["export-mixture", "--config", str(config(tmp_path, tiny_model, 3)), "--out", str(mixture),
                 "--unlabelled", "0"]) == 0
    rows = [json.loads(x) for x in gzip.decompress(mixture.read_bytes()).decode().splitlines()]
    assert {r["split"] for r in rows} == {"train", "dev:sick", "dev:rte"}
    # unlabelled news pairs join the file as pairs without a label
    rows += [{"p": "Officials said Russia paid bounties.", "h": "Russia paid bounties.", "y": None, "src": "news",
              "split": "unlabelled"}] * 8
    mixture.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))

    teacher = make_tiny_model(tmp_path / "teacher", {0: "a", 1: "b"}, architecture="encoder", seed=1)
    student = make_tiny_model(tmp_path / "student", {0: "a", 1: "b"}, architecture="encoder", seed=2)
    out, work = tmp_path / "distilled", tmp_path / "work"
    assert main(["distill", "--mixture", str(mixture), "--teacher", str(teacher), "--student", str(student),
                 "--out", str(out), "--time-limit", "120", "--device", "cpu", "--work", str(work), "--quiet"]) == 0
    stages = [json.loads(x)["stage"] for x in (work / "log.jsonl").read_text().splitlines()]
    assert stages[0] == "data" and {"teacher", "teacher_dev", "label", "student"} <= set(stages) and stages[-1] == "done"
    label = next(json.loads(x) for x in (work / "log.jsonl").read_text().splitlines() if '"label"' in x)
    assert label["pairs"] == label["of"] == 36 + 6 + 8          # every training and unlabelled pair got soft labels
    scorer = load_scorer(out)
    assert scorer.labels == ("entailment", "neutral", "contradiction")
    assert scorer.predict([("A man is playing a guitar.", "A woman is sleeping.")]).shape == (1, 3)
    metrics = json.loads((out / "training_metrics.json").read_text())
    assert metrics["config"]["distillation"]["teacher"] == str(teacher) and {"sick", "rte"} <= set(metrics["dev"])


def test_the_time_limit_stops_each_phase_and_still_writes_the_model(tmp_path, tiny_model):
    write_mini_data(tmp_path / "data")
    mixture = tmp_path / "mix.jsonl.gz"
    assert main(["export-mixture", "--config", str(config(tmp_path, tiny_model, 3)), "--out", str(mixture),
                 "--unlabelled", "0"]) == 0
    teacher = make_tiny_model(tmp_path / "teacher", {0: "a", 1: "b"}, architecture="encoder", seed=1)
    from stance.training.distill import distil

    distil(mixture, teacher, tmp_path / "out", student=str(teacher), time_limit=0.01, device="cpu",
           work=tmp_path / "work", quiet=True)
    log = [json.loads(x) for x in (tmp_path / "work" / "log.jsonl").read_text().splitlines()]
    assert any(x.get("stopped") == "time limit" for x in log if x["stage"] == "teacher")
    assert (tmp_path / "out" / "calibration.json").exists()


def test_a_missing_or_broken_mixture_is_one_line(tmp_path, capsys):
    assert main(["distill", "--mixture", str(tmp_path / "nope.gz"), "--teacher", "x", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.gz: mixture file not found; write it with `stance export-mixture" in err[0]
    bad = tmp_path / "bad.gz"
    bad.write_text("not gzip")
    assert main(["distill", "--mixture", str(bad), "--teacher", "x", "--out", str(tmp_path / "o")]) == 2
    assert "bad.gz: not a mixture file" in capsys.readouterr().err


def test_teacher_logits_map_labels_by_name_and_resume_after_a_stop(tmp_path, tiny_model, monkeypatch):
    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    import stance.models.scorer as scorer_mod
    from stance.training.kd import teacher_logits

    pairs = [(f"Officials said {n} soldiers were killed.", f"{n} soldiers died.") for n in range(10)]
    path = tmp_path / "teacher_logits.npz"
    full = teacher_logits(tiny_model, pairs, path, max_length=32, chunk=4, precision="fp32")
    # the tiny teacher's order is contradiction/entailment/neutral: columns come back by name
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model).eval()
    with torch.inference_mode():
        direct = model(**tok([p for p, _ in pairs], [h for _, h in pairs], padding=True, return_tensors="pt")).logits.numpy()
    assert np.allclose(full, direct[:, [1, 2, 0]], atol=1e-4)
    # a run stopped after the first chunk resumes there: only the last 6 pairs are scored again
    with np.load(path) as z:
        meta = z["meta"]
    partial = full.copy()
    partial[4:] = 0
    np.savez(path, logits=partial, done=np.array(4), meta=meta)
    seen = []
    real = scorer_mod.encode_pairs
    monkeypatch.setattr(scorer_mod, "encode_pairs", lambda tok, ps, n: seen.extend(ps) or real(tok, ps, n))
    again = teacher_logits(tiny_model, pairs, path, max_length=32, chunk=4, precision="fp32")
    assert len(seen) == 6 and np.allclose(again, full, atol=1e-5)
    # other pairs do not reuse the file
    seen.clear()
    teacher_logits(tiny_model, pairs[:3], path, max_length=32, chunk=4, precision="fp32")
    assert len(seen) == 3


def test_stance_train_with_a_teacher_trains_on_its_logits(tmp_path, tiny_model):
    import yaml

    from stance.training.nli import train

    write_mini_data(tmp_path / "data")
    cfg_path = config(tmp_path, tiny_model, 3)
    cfg = yaml.safe_load(cfg_path.read_text())
    cfg["distill"] = {"teacher": str(tiny_model), "unlabelled": 0, "alpha": 0.5}
    cfg_path.write_text(yaml.safe_dump(cfg))
    out, work = tmp_path / "student", tmp_path / "work"
    report = train(cfg_path, out, quiet=True, work=work)
    log = [json.loads(x) for x in (work / "log.jsonl").read_text().splitlines()]
    labels = [x for x in log if x["stage"] == "teacher_labels"]
    assert labels and labels[-1]["done"] == labels[-1]["of"] == 36 + 6    # every training pair, gold or 2-way
    assert report["config"]["distill"]["teacher"] == str(tiny_model) and (out / "model.safetensors").exists()
    assert load_scorer(out).labels == ("entailment", "neutral", "contradiction")


def test_a_teacher_without_nli_labels_is_one_line(tmp_path, tiny_model_2way):
    import pytest

    from stance.errors import StanceError
    from stance.training.kd import teacher_logits

    with pytest.raises(StanceError, match="id2label"):
        teacher_logits(tiny_model_2way, [("a b", "c d")], tmp_path / "t.npz", max_length=16)
