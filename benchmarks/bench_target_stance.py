"""Which stance model should label documents against `--target`: the FNC-1 head or the hand rules?

Both run on the same sample of the FNC-1 head's own body-disjoint dev split (``split_by_body`` with
the head's ``dev_fraction`` and seed, so the head never trained on these bodies): the headline is the
target, the body is the document.  Prints accuracy and macro-F1 of each, side by side.  Needs
../shared/data/fnc1.

    python benchmarks/bench_target_stance.py [--n 400] [--json out/eval/target_stance.json]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.stages.claims import ClaimOptions, extract_all  # noqa: E402
from stance.config import load_yaml  # noqa: E402
from stance.stages.corpus import Corpus, Document  # noqa: E402
from stance.evaluation.labelled import metrics  # noqa: E402
from stance.data.stance_csv import read_fnc_csvs, split_by_body  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fnc1"))
    ap.add_argument("--n", type=int, default=400, help="dev pairs sampled (stratified by label)")
    ap.add_argument("--model", default=str(ROOT / "models" / "stance-nli-minilm"))
    ap.add_argument("--json")
    a = ap.parse_args()
    d = Path(a.data)
    if not (d / "train_bodies.csv").exists():
        print(f"{d}: FNC-1 not found; this check reads ../shared/data/fnc1", file=sys.stderr)
        return 2
    from stance.fnc.config import load_fnc_config
    from stance.pipeline import load_claim_tagger
    from stance.models.factory import load_scorer
    from stance.stages.targets import TargetOptions, fnc_stances, target_stances

    fcfg = load_fnc_config(model=a.model)
    data = read_fnc_csvs(d / "train_bodies.csv", d / "train_stances.csv")
    _, dev = split_by_body(data.stances, fcfg.dev_fraction, fcfg.seed)
    rng = random.Random(13)
    by = {lab: [s for s in dev if s.stance == lab] for lab in ("agree", "disagree", "discuss", "unrelated")}
    sample = [s for lab in by for s in rng.sample(by[lab], min(len(by[lab]), a.n // 4))]
    scorer = load_scorer(a.model)
    scorer.progress = False
    cfg = load_yaml(ROOT / "configs" / "default.yaml")
    copts = ClaimOptions.from_config(cfg["claims"])
    tagger = load_claim_tagger(cfg)
    gold, head_pred, rules_pred = [], [], []
    heads = sorted({s.headline for s in sample})
    for i, h in enumerate(heads):
        rows = [s for s in sample if s.headline == h]
        bodies = {f"b{s.body_id}": data.bodies[s.body_id] for s in rows}
        docs = Corpus(tuple(Document(id=k, text=v) for k, v in bodies.items()), "fnc")
        claims = extract_all(docs, copts, tagger)
        rules = {t.doc_id: t.stance for t in target_stances(list(bodies), claims, [h], scorer,
                                                               TargetOptions(stance_model="rules"))}
        head = {k[0]: v for k, v in fnc_stances(bodies, [h], scorer).items()}
        for s in rows:
            gold.append(s.stance)
            rules_pred.append(rules[f"b{s.body_id}"])
            head_pred.append(head[f"b{s.body_id}"])
        print(f"[{i + 1}/{len(heads)}]", file=sys.stderr, flush=True)
    labels = ("agree", "disagree", "discuss", "unrelated")
    out = {"n": len(gold), "split": "FNC-1 head dev (body-disjoint), stratified sample"}
    for name, pred in (("fnc_head", head_pred), ("rules", rules_pred)):
        acc, mf1, per, conf = metrics(gold, pred, labels)
        out[name] = {"accuracy": acc, "macro_f1": mf1, "per_class_f1": {k: v["f1"] for k, v in per.items()}}
        print(f"{name:<9} accuracy {acc:.3f}  macro-F1 {mf1:.3f}  " +
              "  ".join(f"{k} {v['f1']:.2f}" for k, v in per.items()))
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
