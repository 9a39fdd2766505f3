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
