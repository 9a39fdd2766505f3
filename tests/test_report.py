import json

import pytest

from stance.errors import StanceError
from stance.pipeline import analyze, run
from stance.report import OUTPUT_FILES, check_out_dir

from conftest import EXAMPLE


@pytest.fixture(scope="module")
def tiny_run(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "out"
    return run(EXAMPLE, out=out, model=str(tiny_model), quiet=True,
               targets=["Russia paid bounties to Taliban-linked militants to kill US troops"])


def test_all_outputs_written(tiny_run):
    names = {p.name for p in tiny_run.out_dir.iterdir()}
    assert set(OUTPUT_FILES) <= names and "target_stances.jsonl" in names
    assert not any(n.endswith(".tmp") for n in names)


def test_contradictions_jsonl_schema_and_ranking(tiny_run):
    rows = [json.loads(x) for x in (tiny_run.out_dir / "contradictions.jsonl").read_text().splitlines()]
    assert len(rows) == len(tiny_run.scored)
    need = {"rank", "doc_a", "doc_b", "claim_a", "claim_b", "text_a", "text_b", "speaker_a", "speaker_b", "score"}
    assert need <= set(rows[0])
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert all(a["score"] >= b["score"] for a, b in zip(rows, rows[1:]))
    assert all(r["doc_a"] != r["doc_b"] for r in rows)


def test_pairs_jsonl_has_both_directions(tiny_run):
    row = json.loads((tiny_run.out_dir / "pairs.jsonl").read_text().splitlines()[0])
    for key in ("a_to_b", "b_to_a"):
        assert set(row[key]) == {"entailment", "neutral", "contradiction"}
        assert sum(row[key].values()) == pytest.approx(1, abs=1e-3)


def test_run_json_records_model_hash_config_versions_timings(tiny_run):
    info = json.loads((tiny_run.out_dir / "run.json").read_text())
    assert len(info["model"]["weights_sha256"]) == 64
    assert info["config"]["pairs"]["top_k"] == 8 and info["versions"]["torch"]
    assert {"corpus", "claims", "pairs", "scores", "matrices"} <= set(info["timings_s"])
    assert info["counts"]["documents"] == 5 and info["counts"]["pairs_scored"] == len(tiny_run.scored)


def test_html_is_self_contained_and_md_has_sections(tiny_run):
    html = (tiny_run.out_dir / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html and "<script src" not in html
    md = (tiny_run.out_dir / "report.md").read_text()
    for section in ("## Documents", "## Document × document", "## Top contradictions", "## Top supports",
                    "## Stance toward targets", "## Document pairs"):
        assert section in md
    header = (tiny_run.out_dir / "matrix_contradiction.csv").read_text().splitlines()[0]
    assert header.split(",")[1:] == [d.id for d in tiny_run.corpus.documents]


def test_existing_output_needs_overwrite(tiny_run, tiny_model):
    with pytest.raises(StanceError, match="--overwrite"):
        check_out_dir(tiny_run.out_dir, overwrite=False)
    res = run(EXAMPLE, out=tiny_run.out_dir, model=str(tiny_model), quiet=True, overwrite=True)
    assert (res.out_dir / "report.md").exists()


def test_failed_run_leaves_no_output_folder(tmp_path, tiny_model, monkeypatch):
    import stance.report as report

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "_heatmap_png", boom)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        run(EXAMPLE, out=out, model=str(tiny_model), quiet=True)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_analyze_writes_nothing(tiny_model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = analyze(EXAMPLE, model=str(tiny_model), quiet=True)
    assert res.out_dir is None and list(tmp_path.iterdir()) == []
