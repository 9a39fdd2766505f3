"""FNC-1: the official score on hand-made cases, the CSV formats, and the pipeline end to end
on a dozen hand-written rows with the tiny random NLI model (no ../shared/data needed)."""
from __future__ import annotations

import argparse
import csv
import json

import numpy as np
import pytest

from stance.errors import StanceError
from stance.data.stance_csv import FNC_LABELS, FNCData, StanceExample, read_fnc_csvs
from stance.fnc.cache import ArrayStore
from stance.fnc.cli import register_cli
from stance.fnc.config import HeadSpec, load_fnc_config
from stance.fnc.features import FEATURE_NAMES
from stance.fnc.head import load_head, save_head
from stance.fnc.predict import run_fnc
from stance.fnc.scoring import evaluate, fnc_best_score, fnc_score
from stance.fnc.train import train_fnc

# --- official score ---------------------------------------------------------------------


def test_perfect_prediction_scores_the_best_possible():
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated"]
    assert fnc_score(gold, gold) == fnc_best_score(gold) == 3 * 1.0 + 2 * 0.25
    ev = evaluate(gold, gold)
    assert ev.fnc_relative == 1.0 and ev.macro_f1 == 1.0


def test_all_unrelated_only_earns_the_unrelated_quarter_points():
    gold = ["agree", "discuss", "unrelated", "unrelated"]
    pred = ["unrelated"] * 4
    assert fnc_score(gold, pred) == 0.5          # 0.25 for each unrelated pair, nothing for related ones
    assert evaluate(gold, pred).fnc_relative == pytest.approx(0.5 / 2.5)


def test_related_but_wrong_label_earns_a_quarter():
    assert fnc_score(["agree"], ["disagree"]) == 0.25
    assert fnc_score(["discuss"], ["agree"]) == 0.25
    assert fnc_score(["unrelated"], ["discuss"]) == 0.0   # wrong on relatedness: nothing
    assert fnc_score(["disagree"], ["unrelated"]) == 0.0


def test_mixed_case_by_hand():
    gold = ["agree", "disagree", "discuss", "unrelated", "agree", "unrelated"]
    pred = ["agree", "agree", "unrelated", "unrelated", "discuss", "agree"]
    # 1.0 + 0.25 + 0 + 0.25 + 0.25 + 0 ; best = 4 related + 2 unrelated * 0.25
    assert fnc_score(gold, pred) == pytest.approx(1.75)
    ev = evaluate(gold, pred)
    assert ev.fnc_best == pytest.approx(4.5)
    assert ev.fnc_relative == pytest.approx(1.75 / 4.5)
    assert ev.labels == FNC_LABELS
    # rows gold, columns predicted, order agree, disagree, discuss, unrelated
    assert ev.confusion == [[1, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], [1, 0, 0, 1]]
    assert ev.per_class["agree"].precision == pytest.approx(1 / 3)
    assert ev.per_class["agree"].recall == pytest.approx(1 / 2)
    assert ev.per_class["disagree"].f1 == 0.0
    from sklearn.metrics import f1_score

    assert ev.macro_f1 == pytest.approx(f1_score(gold, pred, labels=list(FNC_LABELS), average="macro"))


def test_evaluate_rejects_unknown_labels_and_empty_input():
    with pytest.raises(StanceError):
        evaluate(["agree"], ["maybe"])
    with pytest.raises(StanceError):
        evaluate([], [])


# --- CSV formats ------------------------------------------------------------------------

BODIES = {
    "1": "The city council approved the new bridge on Monday. Construction will begin in the spring, "
         "officials said. The bridge will cost 40 million dollars.",
    "2": "A video claiming to show a shark swimming on a flooded highway is a hoax. The image was "
         "debunked by fact checkers, who said it had been edited. It was first shared in 2011.",
    "3": "Scientists reportedly found water ice on the moon's south pole. The claims have not been "
         "confirmed by NASA. Researchers said more study is needed.",
    "4": "The football club denied reports that its coach had resigned. The coach will stay until the "
         "end of the season, a spokesman said. Fans had gathered outside the stadium.",
    "5": "Apple released a new phone with a larger battery. Reviewers praised the camera. "
         "Sales start next week in most countries.",
    "6": "A rare comet will be visible from Europe this weekend. Astronomers said clear skies are expected. "
         "The comet returns every 70 years.",
}
STANCES = [
    ("City council approves new bridge", "1", "agree"),
    ("Bridge plan rejected by council", "1", "disagree"),
    ("Shark swims on flooded highway", "2", "disagree"),
    ("Photo shows shark on highway", "2", "discuss"),
    ("Water ice found on the moon", "3", "discuss"),
    ("NASA confirms ice on moon", "3", "agree"),
    ("Coach resigns from football club", "4", "disagree"),
    ("Football coach to stay until end of season", "4", "agree"),
    ("New phone has bigger battery", "5", "agree"),
    ("Comet visible from Europe this weekend", "6", "agree"),
    ("City council approves new bridge", "6", "unrelated"),
    ("Coach resigns from football club", "5", "unrelated"),
    ("Photo shows shark on highway", "3", "unrelated"),
    ("Comet visible from Europe this weekend", "1", "unrelated"),
]


def write_csvs(folder, stances=STANCES, with_stance=True, bodies=BODIES):
    folder.mkdir(parents=True, exist_ok=True)
    b, s = folder / "bodies.csv", folder / "stances.csv"
    with open(b, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(bodies.items())
    with open(s, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"] if with_stance else ["Headline", "Body ID"])
        w.writerows(row if with_stance else row[:2] for row in stances)
    return b, s


def test_read_official_csvs(tmp_path):
    b, s = write_csvs(tmp_path)
    data = read_fnc_csvs(b, s)
    assert data.labelled and len(data.stances) == len(STANCES) and set(data.bodies) == set(BODIES)
    assert data.stances[0] == StanceExample("City council approves new bridge", "1", "agree")
    b2, s2 = write_csvs(tmp_path / "unlabelled", with_stance=False)
    unlabelled = read_fnc_csvs(b2, s2)
    assert not unlabelled.labelled and unlabelled.stances[0].stance is None


def test_read_accepts_a_byte_order_mark(tmp_path):
    b, s = write_csvs(tmp_path)
    s.write_bytes(b"\xef\xbb\xbf" + s.read_bytes())
    assert read_fnc_csvs(b, s).stances[0].headline == "City council approves new bridge"


@pytest.mark.parametrize("case", ["missing_bodies", "missing_stances", "bodies_columns", "stances_columns",
                                  "unknown_body", "bad_label", "not_utf8"])
def test_bad_input_is_one_line_stance_error_naming_the_file(tmp_path, case):
    b, s = write_csvs(tmp_path)
    named = s
    if case == "missing_bodies":
        b, named = tmp_path / "nope.csv", tmp_path / "nope.csv"
    elif case == "missing_stances":
        s, named = tmp_path / "nope.csv", tmp_path / "nope.csv"
    elif case == "bodies_columns":
        b.write_text("id,text\n1,hello\n")
        named = b
    elif case == "stances_columns":
        s.write_text("Title,Body\nx,1\n")
    elif case == "unknown_body":
        write_csvs(tmp_path, stances=STANCES + [("Orphan headline", "99", "agree")])
    elif case == "bad_label":
        write_csvs(tmp_path, stances=STANCES + [("Odd label", "1", "maybe")])
    elif case == "not_utf8":
        s.write_bytes("Headline,Body ID,Stance\n\xe9t\xe9,1,agree\n".encode("latin-1"))
    with pytest.raises(StanceError) as exc:
        read_fnc_csvs(b, s)
    msg = str(exc.value)
    assert "\n" not in msg and str(named) in msg and ";" in msg  # names the file, then the fix


# --- config and cache -------------------------------------------------------------------

def test_config_rejects_unknown_keys(tmp_path):
    bad = tmp_path / "fnc.yaml"
    bad.write_text("top_sentencs: 3\n")
    with pytest.raises(StanceError, match="top_sentencs"):
        load_fnc_config(bad)
    cfg = load_fnc_config(None, top_sentences=2)
    assert cfg.top_sentences == 2 and cfg.candidates


def test_array_store_round_trip_and_damaged_file(tmp_path):
    path = tmp_path / "store.npz"
    store = ArrayStore(path, 3)
    store.add(["a" * 32, "b" * 32], np.array([[0.1, 0.2, 0.7], [1, 0, 0]]))
    store.save()
    again = ArrayStore(path, 3)
    rows, found = again.lookup(["b" * 32, "c" * 32])
    assert found.tolist() == [True, False] and rows[0].tolist() == [1, 0, 0]
    path.write_bytes(b"not an npz")
    assert len(ArrayStore(path, 3)) == 0  # damaged caches are rebuilt, never trusted


# --- pipeline end to end (tiny random NLI model) ------------------------------------------

def tiny_config(tiny_model, cache_dir, **kw):
    return load_fnc_config(None, model=str(tiny_model), cache_dir=str(cache_dir), dev_fraction=0.34,
                           compare_arc=False, add_arc=False, nli_floor=0.0, nli_batch_size=8, **kw)


@pytest.fixture(scope="module")
def trained(tiny_model, tmp_path_factory):
    root = tmp_path_factory.mktemp("fnc")
    b, s = write_csvs(root / "data")
    cfg = tiny_config(tiny_model, root / "cache",
                      candidates=(HeadSpec("logreg"), HeadSpec("hgb", params={"max_iter": 20})))
    result = train_fnc(cfg, quiet=True, fnc_data=read_fnc_csvs(b, s), dev_csv_dir=root / "dev")
    head_path = save_head(result.head, root / "fnc_head.skops")
    return root, cfg, result, head_path


@pytest.mark.slow
def test_training_end_to_end(trained):
    root, cfg, result, head_path = trained
    # the chosen head is the candidate with the best dev figure under select_on (mean of FNC and macro-F1)
    best = max(result.candidates, key=lambda c: (c.evaluation.fnc_relative + c.evaluation.macro_f1) / 2)
    assert result.chosen == best and len(result.candidates) == 2
    assert [a.groups[-1] for a in result.ablation] == ["relatedness", "nli", "cues", "attribution",
                                                       "-reverse", "-joined"]
    assert head_path.stat().st_size < 5_000_000
    head = load_head(head_path)
    assert len(head.columns) == len(FEATURE_NAMES) and head.config["top_sentences"] == cfg.top_sentences
    # the saved head, run by `stance fnc` on the dev split it wrote, reproduces the dev figures it was chosen by
    dev = root / "dev"
    rerun = run_fnc(dev / "dev_bodies.csv", dev / "dev_stances.csv", model=cfg.model, head_path=head_path,
                    cache_dir=cfg.cache_dir, quiet=True)
    assert rerun.evaluation.n == result.chosen.evaluation.n
    assert rerun.evaluation.fnc_relative == pytest.approx(result.chosen.evaluation.fnc_relative)
    assert rerun.evaluation.macro_f1 == pytest.approx(result.chosen.evaluation.macro_f1)
    # the cache holds sentence splits, embeddings and NLI probabilities
    cached = {p.name.split("-")[0] for p in (root / "cache").iterdir()}
    assert {"sentences.json", "embeddings", "nli"} <= cached


@pytest.mark.slow
def test_features_are_sane(trained, tiny_model):
    from stance.fnc.features import FeatureBuilder

    root, cfg, result, _ = trained
    data = read_fnc_csvs(root / "data" / "bodies.csv", root / "data" / "stances.csv")
    builder = FeatureBuilder(replace_floor(cfg, 0.99), quiet=True)
    X = builder.build(data.bodies, data.stances, result.head.vectorizer)
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    assert X.shape == (len(STANCES), len(FEATURE_NAMES)) and np.isfinite(X).all()
    # above a floor nothing reaches, NLI is skipped: zeros and the flag
    assert (X[:, col["nli_skipped"]] == 1).all() and (X[:, col["fwd_ent_max"]] == 0).all()
    # a related pair is more similar than an unrelated one built from the same headline
    related, unrelated = 0, 10   # "City council approves new bridge" vs body 1 / body 6
    assert X[related, col["emb_max"]] > X[unrelated, col["emb_max"]]
    assert X[related, col["tfidf_body"]] > X[unrelated, col["tfidf_body"]]
    # body 2 says "hoax" and "debunked"; body 4 "denied ... said"
    assert X[2, col["top_refute"]] >= 1 and X[2, col["top_denial_cues"]] >= 1
    assert X[6, col["top_denials"]] >= 1 or X[6, col["top_refute"]] >= 1


def replace_floor(cfg, floor):

    return cfg.model_copy(update={"nli_floor": floor})


@pytest.mark.slow
def test_fnc_command_scores_writes_json_and_reuses_the_cache(trained, tmp_path):
    root, cfg, _, head_path = trained
    b, s = root / "data" / "bodies.csv", root / "data" / "stances.csv"
    out = tmp_path / "fnc.json"
    run = run_fnc(b, s, model=cfg.model, head_path=head_path, cache_dir=cfg.cache_dir, json_out=out, quiet=True)
    payload = json.loads(out.read_text())
    assert set(payload) == {"n", "fnc_score", "fnc_relative", "macro_f1", "per_class", "confusion", "labels",
                            "seconds"}
    assert payload["n"] == len(STANCES) and payload["labels"] == list(FNC_LABELS)
    assert payload["fnc_relative"] == pytest.approx(run.evaluation.fnc_relative)
    assert run.stats["nli_pairs_computed"] == 0  # every NLI pair came from the cache


@pytest.mark.slow
def test_unlabelled_stances_write_submission_csv(trained, tmp_path):
    root, cfg, _, head_path = trained
    b, s = write_csvs(tmp_path / "test", with_stance=False)
    with pytest.raises(StanceError, match="--predictions"):
        run_fnc(b, s, model=cfg.model, head_path=head_path, cache_dir=cfg.cache_dir, quiet=True)
    out = tmp_path / "pred.csv"
    run_fnc(b, s, model=cfg.model, head_path=head_path, cache_dir=cfg.cache_dir, predictions_out=out, quiet=True)
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["Headline", "Body ID", "Stance"] and len(rows) == len(STANCES)
    assert {r["Stance"] for r in rows} <= set(FNC_LABELS)
    # with only --json, predictions go beside it
    run_fnc(b, s, model=cfg.model, head_path=head_path, cache_dir=cfg.cache_dir, json_out=tmp_path / "o.json",
            quiet=True)
    assert (tmp_path / "o.predictions.csv").exists()
    assert json.loads((tmp_path / "o.json").read_text())["fnc_score"] is None


def test_missing_head_is_a_stance_error(tmp_path):
    b, s = write_csvs(tmp_path)
    with pytest.raises(StanceError, match="fnc-train"):
        run_fnc(b, s, head_path=tmp_path / "none.skops", json_out=tmp_path / "x.json", quiet=True)


def test_register_cli_adds_both_commands(tmp_path):
    parser = argparse.ArgumentParser(prog="stance")
    register_cli(parser.add_subparsers(dest="command", required=True))
    a = parser.parse_args(["fnc", "--bodies", "b.csv", "--stances", "s.csv", "--json", "o.json"])
    assert callable(a.func) and a.json == "o.json" and a.head is None
    t = parser.parse_args(["fnc-train", "--out", str(tmp_path / "h.skops")])
    assert callable(t.func) and t.out.endswith("h.skops")
    # a missing bodies file surfaces as a StanceError from the command function
    b, s = write_csvs(tmp_path)
    bad = parser.parse_args(["fnc", "--bodies", str(tmp_path / "missing.csv"), "--stances", str(s)])
    with pytest.raises(StanceError, match="missing.csv"):
        bad.func(bad)


def test_fnc_data_gold():
    data = FNCData({"1": "x"}, [StanceExample("h", "1", "agree")], True)
    assert data.gold == ["agree"]


class UntrustedClassifier:
    """Stands for any class outside the trusted list (in a pickle, it could run code on load)."""

    def predict(self, X):
        return ["agree"] * len(X)


def test_head_file_with_untrusted_types_is_refused(tmp_path):
    """A head is loaded without pickle: a file carrying a type outside the trusted list is refused."""
    import skops.io as sio

    path = tmp_path / "evil.skops"
    path.write_bytes(sio.dumps({"format": 2, "classifier": UntrustedClassifier(), "vectorizer": None, "columns": [0],
                                "config": {}, "nli_model": "x", "spec": {"kind": "hgb", "class_weight": "none",
                                                                          "params": {}}}))
    with pytest.raises(StanceError, match="does not trust"):
        load_head(path)
    (tmp_path / "junk.skops").write_bytes(b"not a zip")
    with pytest.raises(StanceError, match="not a readable FNC head"):
        load_head(tmp_path / "junk.skops")


@pytest.mark.slow
def test_feature_precision_loads_that_scorer_and_keys_its_own_cache(tiny_model, tmp_path):
    """`stance fnc-train --precision bf16` scores the features in bf16; its NLI cache is not fp32's."""
    from stance.fnc.features import FeatureBuilder

    fp32 = FeatureBuilder(load_fnc_config(None, model=str(tiny_model), cache_dir=str(tmp_path)), quiet=True)
    bf16 = FeatureBuilder(load_fnc_config(None, model=str(tiny_model), cache_dir=str(tmp_path), nli_precision="bf16"),
                          quiet=True)
    assert fp32.scorer.info.compute_dtype == "float32" and bf16.scorer.info.compute_dtype.startswith("bfloat16")
    assert fp32._nli_namespace() != bf16._nli_namespace()
    with pytest.raises(StanceError):
        load_fnc_config(None, nli_precision="fp16")
