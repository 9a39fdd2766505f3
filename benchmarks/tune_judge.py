"""Choose the judgement's thresholds on labelled news claim pairs that are not the fixture.

Reads a materialised pair file with a ``split`` field (benchmarks/fnc_claim_pairs.py materialise),
computes the claims and content NLI once, then grid-searches ``judge.conflict_threshold``,
``judge.support_threshold`` and ``judge.doubt_weight`` for macro-F1 on the ``tune`` pairs, and
reports the choice, and the shipped setting, on the ``check`` pairs.  The fixture is never read here.

    python benchmarks/fnc_claim_pairs.py materialise --out out/fnc_claim_pairs.jsonl
    python benchmarks/tune_judge.py --pairs out/fnc_claim_pairs.jsonl [--json out/eval/tune_judge.json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.evaluation.labelled import LabelledPair, judged_inputs, judged_labels, metrics  # noqa: E402
from stance.models.scorer import THREE_WAY  # noqa: E402
from stance.stages.judge import JudgeOptions  # noqa: E402

GRID = {"conflict_threshold": [round(0.15 + 0.05 * i, 2) for i in range(10)],     # 0.15 .. 0.60
        "support_threshold": [round(0.15 + 0.05 * i, 2) for i in range(10)],
        "doubt_weight": [0.6, 0.8, 1.0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--model", default=None, help="NLI model (default: configs/default.yaml scoring.model)")
    ap.add_argument("--json")
    a = ap.parse_args()
    from stance.models.factory import load_scorer
    from stance.pipeline import load_claim_tagger, load_config

    cfg, _ = load_config(None)
    rows = [json.loads(line) for line in Path(a.pairs).read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [LabelledPair(r["premise"], r["hypothesis"], r["label"], i + 1) for i, r in enumerate(rows)]
    scorer = load_scorer(a.model or cfg["scoring"]["model"])
    scorer.progress = False
    claims, probs = judged_inputs(pairs, scorer, tagger=load_claim_tagger(cfg))
    labels = tuple(scorer.labels)
    n = len(pairs)
    idx = {s: [i for i, r in enumerate(rows) if r.get("split") == s] for s in ("tune", "check")}

    def score(opts, split):
        ids = idx[split]
        sub_probs = probs[[*ids, *(n + i for i in ids)]]
        pred, _ = judged_labels([claims[i] for i in ids], sub_probs, labels, opts)
        return metrics([pairs[i].label for i in ids], pred, THREE_WAY)

    shipped = JudgeOptions.from_config(cfg["judge"])
    results = []
    for ct, st, dw in itertools.product(*GRID.values()):
        opts = JudgeOptions(ct, st, dw, shipped.related_floor)
        results.append((score(opts, "tune")[1], -abs(ct - 0.5) - abs(st - 0.5), opts))
    best_f1, _, best = max(results, key=lambda r: (r[0], r[1]))   # ties: the setting nearest 0.5 / 0.5
    out = {"pairs": a.pairs, "n": {s: len(v) for s, v in idx.items()}, "model": scorer.info.name_or_path, "settings": {}}
    for name, opts in (("shipped", shipped), ("chosen on tune", best)):
        out["settings"][name] = {"options": opts.__dict__}
        for split in ("tune", "check"):
            acc, mf1, per, conf = score(opts, split)
            out["settings"][name][split] = {"accuracy": acc, "macro_f1": mf1, "per_class": per, "confusion": conf}
        print(f"{name:15s} conflict {opts.conflict_threshold:.2f} support {opts.support_threshold:.2f} "
              f"doubt {opts.doubt_weight:.1f}: macro-F1 tune {out['settings'][name]['tune']['macro_f1']:.3f} "
              f"(n={len(idx['tune'])}), check {out['settings'][name]['check']['macro_f1']:.3f} (n={len(idx['check'])})")
    if a.json:
        from stance.iohelpers import atomic_write_text

        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(Path(a.json), json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
