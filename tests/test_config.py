"""Validated configs: a typo, a wrong type or an unknown choice in any config file exits 2 with one line
naming the file and the key; the defaults in code and in configs/default.yaml are the same."""
import pytest
import yaml

from stance.cli import main
from stance.config import RunConfig, load_train_config, load_yaml

from conftest import EXAMPLE, PROJECT


def run_cli(capsys, *argv):
    rc = main(list(argv))
    err = capsys.readouterr().err.strip().splitlines()
    return rc, err


def test_default_yaml_matches_the_code_defaults():
    on_disk = RunConfig.model_validate(load_yaml(PROJECT / "configs" / "default.yaml")).model_dump()
    assert on_disk == RunConfig().model_dump()


@pytest.mark.parametrize("section, key, value, expect", [
    ("matrices", "doc_topk", 5, "did you mean 'doc_top_k'"),
    ("matrices", "contradiction_combine", "maximum", "'maximum' is not allowed; use 'mean', 'max' or 'min'"),
    ("pairs", "top_k", "many", "pairs.top_k"),
    ("scoring", "precision", "fp8", "'fp8' is not allowed"),
    ("judge", "doubt_weight", 3.0, "judge.doubt_weight"),
])
def test_run_config_errors_name_file_and_key(tmp_path, capsys, section, key, value, expect):
    cfg = tmp_path / "user.yaml"
    cfg.write_text(yaml.safe_dump({section: {key: value}}))
    rc, err = run_cli(capsys, "run", str(EXAMPLE), "--config", str(cfg), "--out", str(tmp_path / "o"))
    assert rc == 2 and len(err) == 1, err
    assert "user.yaml" in err[0] and f"{section}.{key}" in err[0] and expect in err[0]
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_claims_command_validates_config_too(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("claim: {min_words: 3}\n")
    rc, err = run_cli(capsys, "claims", str(EXAMPLE), "--config", str(cfg), "--out", str(tmp_path / "o"))
    assert rc == 2 and len(err) == 1 and "c.yaml: claim: unknown key; did you mean 'claims'" in err[0]


def test_train_config_typo_exits_2(tmp_path, capsys):
    data = load_yaml(PROJECT / "configs" / "train_nli.yaml")
    data["learning_rte"] = data.pop("learning_rate")
    cfg = tmp_path / "t.yaml"
    cfg.write_text(yaml.safe_dump(data))
    rc, err = run_cli(capsys, "train", "--config", str(cfg), "--out", str(tmp_path / "m"), "--work", str(tmp_path / "w"))
    assert rc == 2 and len(err) == 1 and "t.yaml: learning_rte: unknown key; did you mean 'learning_rate'" in err[0]
    data["learning_rate"] = data.pop("learning_rte")
    data["sources"]["snli_train"] = {}
    cfg.write_text(yaml.safe_dump(data))
    rc, err = run_cli(capsys, "train", "--config", str(cfg), "--out", str(tmp_path / "m"), "--work", str(tmp_path / "w"))
    assert rc == 2 and "sources.snli_train" in err[0] and "'lingnli'" in err[0]
    assert not (tmp_path / "w").exists()


def test_shipped_train_config_is_valid():
    cfg = load_train_config(PROJECT / "configs" / "train_nli.yaml")
    assert cfg["precision"] == "bf16" and cfg["sources"]["fnc1"]["dev_fraction"] == 0.1


@pytest.mark.parametrize("text, expect", [
    ("nli_flor: 0.2\n", "nli_flor: unknown key; did you mean 'nli_floor'"),
    ("select_on: best\n", "select_on: 'best' is not allowed"),
    ("candidates: [{kind: svm}]\n", "candidates.0.kind: 'svm' is not allowed; use 'hgb' or 'logreg'"),
])
def test_fnc_config_errors_exit_2(tmp_path, capsys, text, expect):
    cfg = tmp_path / "fnc.yaml"
    cfg.write_text(text)
    rc, err = run_cli(capsys, "fnc-train", "--config", str(cfg), "--out", str(tmp_path / "h.skops"))
    assert rc == 2 and len(err) == 1 and "fnc.yaml" in err[0] and expect in err[0]


@pytest.mark.slow
def test_quiet_and_verbose_control_diagnostics(tmp_path, capsys):
    rc = main(["-q", "claims", str(EXAMPLE), "--out", str(tmp_path / "q")])
    out, err = capsys.readouterr()
    assert rc == 0 and err == "" and out == ""  # -q: results only, and `claims` prints its summary unless quiet
    rc = main(["claims", str(EXAMPLE), "--out", str(tmp_path / "n")])
    out, err = capsys.readouterr()
    assert rc == 0 and "claims" in out and "wrote" in out
    rc = main(["-v", "claims", str(EXAMPLE), "--out", str(tmp_path / "v")])
    out, err = capsys.readouterr()
    assert rc == 0 and "claims" in out and "DEBUG stance.pipeline: config:" in err


def test_a_second_stage_recipe_extends_the_first(tmp_path, capsys):
    cfg = load_train_config(PROJECT / "configs" / "train_nli_continue.yaml")
    first = load_train_config(PROJECT / "configs" / "train_nli.yaml")
    assert cfg["base_model"] == "models/stance-nli-minilm" and cfg["learning_rate"] < first["learning_rate"]
    assert cfg["sources"] == first["sources"] and cfg["seed"] == first["seed"]   # same data, same dev pairs
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nepochs: 2\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    rc, err = run_cli(capsys, "train", "--config", str(tmp_path / "a.yaml"), "--out", str(tmp_path / "m"),
                      "--work", str(tmp_path / "w"))
    assert rc == 2 and len(err) == 1 and "loops back" in err[0]
    (tmp_path / "c.yaml").write_text("extends: nowhere.yaml\n")
    rc, err = run_cli(capsys, "train", "--config", str(tmp_path / "c.yaml"), "--out", str(tmp_path / "m"),
                      "--work", str(tmp_path / "w"))
    assert rc == 2 and "c.yaml: 'extends: nowhere.yaml' names no file" in err[0]
    (tmp_path / "d.yaml").write_text(f"extends: {PROJECT / 'configs' / 'train_nli.yaml'}\nepoch: 2\n")
    rc, err = run_cli(capsys, "train", "--config", str(tmp_path / "d.yaml"), "--out", str(tmp_path / "m"),
                      "--work", str(tmp_path / "w"))
    assert rc == 2 and "d.yaml: epoch: unknown key; did you mean 'epochs'" in err[0]
