"""Training end to end on a few dozen pairs with a tiny random model (fast)."""
import json

import yaml

from stance.models.factory import load_scorer
from stance.training.nli import fit_temperature, train

import numpy as np

ROWS = [
    ("A man is playing a guitar.", "A man is playing an instrument.", "ENTAILMENT"),
    ("A man is playing a guitar.", "A woman is sleeping.", "CONTRADICTION"),
    ("A man is playing a guitar.", "The man is famous.", "NEUTRAL"),
    ("Two dogs run in a field.", "Animals are running.", "ENTAILMENT"),
    ("Two dogs run in a field.", "The dogs are asleep.", "CONTRADICTION"),
    ("Two dogs run in a field.", "The dogs are brothers.", "NEUTRAL"),
]


def write_mini_data(root):
    sick = root / "nli" / "sick"
    sick.mkdir(parents=True)
    lines = ["pair_ID\tsentence_A\tsentence_B\tentailment_label\tSemEval_set"]
    n = 0
    for split, reps in (("TRAIN", 6), ("TRIAL", 1)):
        for _ in range(reps):
            for p, h, lab in ROWS:
                n += 1
                lines.append(f"{n}\t{p}\t{h}\t{lab}\t{split}")
    (sick / "SICK_train_trial.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rte = root / "nli" / "rte"
    rte.mkdir(parents=True)
    body = "index\tsentence1\tsentence2\tlabel\n" + "".join(
        f"{i}\t{p}\t{h}\t{'entailment' if lab == 'ENTAILMENT' else 'not_entailment'}\n" for i, (p, h, lab) in enumerate(ROWS))
    (rte / "train.tsv").write_text(body, encoding="utf-8")
    (rte / "dev.tsv").write_text(body, encoding="utf-8")


def config(tmp_path, tiny_model, max_steps):
    cfg = {"base_model": str(tiny_model), "data_dir": str(tmp_path / "data"), "seed": 1, "max_length": 32,
           "batch_size": 4, "learning_rate": 1e-3, "weight_decay": 0.0, "warmup_ratio": 0.1, "epochs": 3,
           "max_steps": max_steps, "eval_every": 3, "checkpoint_every": 3, "threads": 1, "save_fp16": True,
           "sources": {"sick": {}, "rte": {}}, "dev": {"per_set": 50, "select_on": ["sick"]}}
    path = tmp_path / f"train{max_steps}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_train_end_to_end_and_resume(tmp_path, tiny_model, caplog):
    write_mini_data(tmp_path / "data")
    out, work = tmp_path / "model", tmp_path / "work"
    report = train(config(tmp_path, tiny_model, 3), out, quiet=True, work=work)
    assert report["train_counts"] == {"sick": 36, "rte": 6}
    assert json.loads((work / "checkpoint" / "state.json").read_text())["step"] == 3
    # resume continues from the checkpoint instead of starting over
    with caplog.at_level("INFO", logger="stance"):
        train(config(tmp_path, tiny_model, 6), out, resume=True, quiet=False, work=work)
    assert "resuming from step 3" in caplog.text
    assert json.loads((work / "checkpoint" / "state.json").read_text())["step"] == 6
    stages = [json.loads(line)["stage"] for line in (work / "log.jsonl").read_text().splitlines()]
    assert stages[0] == "data" and "resume" in stages and "dev" in stages and stages[-1] == "done"
    assert not (out / "checkpoint").exists()  # checkpoints stay in the work folder, outside the model
    for name in ("config.json", "model.safetensors", "tokenizer.json", "calibration.json", "training_metrics.json"):
        assert (out / name).exists(), name
    scorer = load_scorer(out)
    assert scorer.labels == ("entailment", "neutral", "contradiction")
    assert scorer.predict([("A man is playing a guitar.", "A woman is sleeping.")]).shape == (1, 3)
    metrics = json.loads((out / "training_metrics.json").read_text())
    assert {"sick", "rte"} <= set(metrics["dev"]) and metrics["temperature"] > 0


def test_fit_temperature_prefers_softer_logits_for_overconfident_model():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 300)
    logits = rng.normal(size=(300, 3)) * 5
    logits[np.arange(300), gold] += 2  # right only sometimes, very confident
    assert fit_temperature(logits, gold) > 1.0


def test_a_run_killed_between_checkpoint_swap_steps_resumes_from_the_new_one(tmp_path):
    from stance.training import recover_checkpoint

    ckpt = tmp_path / "checkpoint"
    tmp = tmp_path / "checkpoint.tmp"
    tmp.mkdir()
    (tmp / "model.safetensors").write_text("w")
    assert not recover_checkpoint(ckpt, "state.json")       # incomplete: state.json is written last
    (tmp / "state.json").write_text('{"step": 250}')
    assert recover_checkpoint(ckpt, "state.json")
    assert (ckpt / "state.json").read_text() == '{"step": 250}' and not tmp.exists()
    assert not recover_checkpoint(ckpt, "state.json")       # a complete checkpoint is left alone


def test_a_select_on_set_the_mixture_lacks_is_named_in_the_log(tmp_path, tiny_model):
    """dev.select_on may name a set that only exists with its source (fnc_news, anli): the run says
    which it ignored and what chose the checkpoint, instead of dropping it silently."""
    write_mini_data(tmp_path / "data")
    path = config(tmp_path, tiny_model, 3)
    cfg = yaml.safe_load(path.read_text())
    cfg["dev"]["select_on"] = ["sick", "fnc_news"]
    path.write_text(yaml.safe_dump(cfg))
    work = tmp_path / "work"
    train(path, tmp_path / "model", quiet=True, work=work)
    notes = [json.loads(line) for line in (work / "log.jsonl").read_text().splitlines()]
    (sel,) = [n for n in notes if n["stage"] == "select_on"]
    assert sel["ignored"] == ["fnc_news"] and sel["used"] == ["sick"]
