"""CLI: bad input gives one line naming the file/option and the fix, exit code != 0, no traceback."""
import subprocess
import sys

import pytest

from stance.cli import main

from conftest import EXAMPLE, PROJECT


def run_cli(capsys, *argv):
    rc = main(list(argv))
    err = capsys.readouterr().err.strip().splitlines()
    return rc, err


@pytest.mark.slow
def test_empty_corpus(tmp_path, capsys, tiny_model):
    rc, err = run_cli(capsys, "run", str(tmp_path), "--model", str(tiny_model), "--out", str(tmp_path / "o"))
    assert rc == 2 and len(err) == 1 and "empty corpus" in err[0] and str(tmp_path) in err[0]
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_non_utf8_file_then_skip(tmp_path, capsys, tiny_model):
    (tmp_path / "good.txt").write_text("Russia paid bounties to militants, officials said.\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("The Taliban denied any relationship with Russia.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    rc, err = run_cli(capsys, "run", str(tmp_path), "--model", str(tiny_model), "--out", str(tmp_path / "o"), "--quiet")
    assert rc == 2 and len(err) == 1 and "bad.txt" in err[0]
    rc, err = run_cli(capsys, "run", str(tmp_path), "--model", str(tiny_model), "--out", str(tmp_path / "o"),
                      "--quiet", "--skip-bad-files")
    assert rc == 0 and (tmp_path / "o" / "report.html").exists()


@pytest.mark.slow
@pytest.mark.parametrize("model_kind", ["missing", "encoder", "labels"])
def test_bad_models(tmp_path, capsys, model_kind):
    from conftest import make_tiny_model

    if model_kind == "missing":
        model = tmp_path / "no-model"
    elif model_kind == "encoder":
        model = make_tiny_model(tmp_path / "enc", {0: "entailment", 1: "neutral", 2: "contradiction"}, "encoder")
    else:
        model = make_tiny_model(tmp_path / "lab", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    rc, err = run_cli(capsys, "run", str(EXAMPLE), "--model", str(model), "--out", str(tmp_path / "o"), "--quiet")
    assert rc == 2 and len(err) == 1 and str(model) in err[0]
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_non_empty_out_needs_overwrite(tmp_path, capsys, tiny_model):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    rc, err = run_cli(capsys, "run", str(EXAMPLE), "--model", str(tiny_model), "--out", str(out))
    assert rc == 2 and "--overwrite" in err[0] and (out / "keep.txt").exists()


def test_malformed_config(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("pairs: {top_k: [\n")
    rc, err = run_cli(capsys, "run", str(EXAMPLE), "--config", str(cfg), "--out", str(tmp_path / "o"))
    assert rc == 2 and len(err) == 1 and "c.yaml" in err[0] and "malformed YAML" in err[0]


def test_entry_point_prints_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "stance.cli", "run", str(tmp_path / "missing"), "--quiet",
                           "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=PROJECT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.strip().count("\n") == 0
    assert "corpus not found" in proc.stderr and not (tmp_path / "o").exists()


def test_missing_corpus_is_reported_before_an_existing_output(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "x").write_text("x")
    rc, err = run_cli(capsys, "run", str(tmp_path / "missing"), "--out", str(out))
    assert rc == 2 and "corpus not found" in err[0]


@pytest.mark.slow
def test_claims_command_writes_attributed_claims_and_refuses_to_overwrite(tmp_path, capsys):
    import json

    out = tmp_path / "claims"
    assert main(["claims", str(EXAMPLE), "--out", str(out)]) == 0
    rows = [json.loads(x) for x in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    need = {"id", "doc", "text", "span", "source", "source_span", "cue", "cue_span", "content", "content_span",
            "content_spans", "attitude", "speaker_id"}
    assert rows and all(need <= set(r) for r in rows)
    assert {r["attitude"] for r in rows} == {"asserts", "denies", "doubts"}
    assert "claims" in capsys.readouterr().out
    rc, err = run_cli(capsys, "claims", str(EXAMPLE), "--out", str(out))
    assert rc == 2 and len(err) == 1 and "--overwrite" in err[0]
    rc, err = run_cli(capsys, "claims", str(tmp_path / "nope"), "--out", str(tmp_path / "o2"))
    assert rc == 2 and len(err) == 1 and not (tmp_path / "o2").exists()
