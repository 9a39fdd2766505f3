"""End to end: `stance run` on the bundled example corpus with the bundled model."""
import json

import pytest

from stance.cli import main

from conftest import EXAMPLE, bundled_model_or_skip

TARGETS = ["Russia paid bounties to Taliban-linked militants to kill US troops",
           "Iran paid bounties to the Taliban for attacks on US troops"]


@pytest.fixture(scope="module")
def e2e_out(tmp_path_factory):
    model = bundled_model_or_skip()
    out = tmp_path_factory.mktemp("e2e") / "report"
    argv = ["run", str(EXAMPLE), "--out", str(out), "--model", str(model), "--quiet"]
    for t in TARGETS:
        argv += ["--target", t]
    assert main(argv) == 0
    return out


def jsonl(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_output_structure(e2e_out):
    for name in ("report.md", "report.html", "matrix_contradiction.csv", "matrix_support.csv", "claims.jsonl",
                 "pairs.jsonl", "contradictions.jsonl", "run.json", "target_stances.jsonl"):
        assert (e2e_out / name).stat().st_size > 0, name
    info = json.loads((e2e_out / "run.json").read_text())
    assert info["model"]["labels"] == ["entailment", "neutral", "contradiction"]
    assert info["counts"]["documents"] == 5 and info["counts"]["pairs_scored"] > 100
    rows = jsonl(e2e_out / "contradictions.jsonl")
    assert rows[0]["rank"] == 1 and rows[0]["score"] >= rows[-1]["score"]
    assert len(jsonl(e2e_out / "target_stances.jsonl")) == 5 * len(TARGETS)


def test_known_speakers_are_attributed(e2e_out):
    claims = jsonl(e2e_out / "claims.jsonl")

    def find(prefix):
        return next(c for c in claims if c["text"].startswith(prefix))

    mujahid = find("Taliban spokesman Zabihullah Mujahid denied")
    assert mujahid["speaker"] == "Taliban spokesman Zabihullah Mujahid" and mujahid["is_denial"]
    assert find("Iran has been paying bounties")["speaker"] == "U.S. intelligence officials"
    assert find("The Kremlin had not been informed")["speaker"].startswith("Dmitry Peskov")
    assert find("Reports that the Russians put out hits")["speaker"] == "TRT World opinion (author)"
    doc = (EXAMPLE / "002_13fe666cd85b8211.txt").read_text(encoding="utf-8")
    assert doc[mujahid["span"][0]:mujahid["span"][1]] == mujahid["text"]


def rank_of(rows, doc_a_pred, text_a_pred, doc_b_pred, text_b_pred):
    for r in rows:
        for (da, ta, db, tb) in ((r["doc_a"], r["text_a"], r["doc_b"], r["text_b"]),
                                 (r["doc_b"], r["text_b"], r["doc_a"], r["text_a"])):
            if doc_a_pred(da) and text_a_pred(ta) and doc_b_pred(db) and text_b_pred(tb):
                return r["rank"]
    return None


def test_design_card_pairs_are_paired_and_scored(e2e_out):
    """Pairing finds both design-card cases.  Their ranks are reported in the model card; the
    current model does not yet put them in the top 10, so this asserts only that they are scored."""
    rows = jsonl(e2e_out / "contradictions.jsonl")
    denial = rank_of(rows, lambda d: d == "russia-bounties-nyt-account", lambda t: "Zabihullah Mujahid denied" in t,
                     lambda d: d == "trt-caution", lambda t: "GRU, reportedly offered and paid bounties" in t)
    caution = rank_of(rows, lambda d: d == "trt-caution", lambda t: "should be treated with caution" in t,
                      lambda d: d == "russia-bounties-nyt-account", lambda t: t.startswith("Russia is said to have offered"))
    assert denial is not None and caution is not None
