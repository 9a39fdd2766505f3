"""FNC-1 figures beyond `stance fnc-train`: run time, and a claim-disjoint dev split.

    # wall time of `stance fnc` on a labelled split, from an empty cache, extrapolated to 25,413 pairs
    python benchmarks/bench_fnc.py time --bodies out/fnc_dev/dev_bodies.csv --stances out/fnc_dev/dev_stances.csv

    # head trained and scored on a split where dev shares neither bodies nor headlines with train
    python benchmarks/bench_fnc.py claim-split

``time`` starts from an empty temporary cache (every sentence split, embedding and NLI pair is
computed: what a new test set costs); --warm reruns on the same cache.  The FNC-1 competition test
set has 25,413 pairs.

``claim-split``: in the FNC-1 training set every headline recurs with many bodies, so the
body-disjoint dev split of `stance fnc-train` still shares all its headlines with train, while
the competition test set has new claims.  Related pairs link a claim's headlines to that claim's
bodies, so the connected components of the related-pair graph are claims; holding out 20% of
them (and the unrelated pairs whose headline and body both fall in held-out claims) gives a split
disjoint in both.  Its class mix differs (few unrelated pairs survive), so compare per-class F1
and related-pair accuracy, or the relative score re-weighted to the competition test set's class
counts (printed too), rather than the raw relative FNC score.  Uses the feature cache that
`stance fnc-train` filled.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

COMPETITION_PAIRS = 25_413
# gold class counts of the FNC-1 competition test set (agree, disagree, discuss, unrelated)
COMPETITION_MIX = {"agree": 1903, "disagree": 697, "discuss": 4464, "unrelated": 18349}


def relative_at_mix(ev, mix: dict[str, int]) -> float:
    """The relative FNC score ``ev``'s per-class behaviour would earn on a set with class counts ``mix``."""
    labels = list(ev.labels)
    score = best = 0.0
    for gi, gold in enumerate(labels):
        row = ev.confusion[gi]
        n = sum(row)
        if not n:
            continue
        per_pair = 0.0
        for pi, pred in enumerate(labels):
            same_side = (gold == "unrelated") == (pred == "unrelated")
            per_pair += row[pi] * (0.25 * same_side + 0.75 * (gold == pred and gold != "unrelated"))
        score += mix[gold] * per_pair / n
        best += mix[gold] * (0.25 if gold == "unrelated" else 1.0)
    return score / best


def bench_time(a) -> None:
    import torch

    from stance.fnc.predict import run_fnc
    from stance.fnc.scoring import format_evaluation

    if a.threads:
        torch.set_num_threads(a.threads)
    print(f"CPU cores: {os.cpu_count()}, torch threads: {torch.get_num_threads()}")
    with tempfile.TemporaryDirectory(prefix="fnc-cache-") as tmp:
        cache = a.cache_dir or tmp
        for i in range(2 if a.warm else 1):
            t0 = time.perf_counter()
            run = run_fnc(a.bodies, a.stances, model=a.model, head_path=a.head, config=a.config, cache_dir=cache,
                          quiet=True)
            wall = time.perf_counter() - t0
            n = len(run.predictions)
            label = "warm" if i else ("given cache" if a.cache_dir else "cold")
            print(f"[{label}] {n} pairs in {wall:.1f}s ({1000 * wall / n:.1f} ms/pair); NLI on "
                  f"{run.stats['pairs_with_nli']} pairs ({run.stats['nli_pairs_computed']} of "
                  f"{run.stats['nli_pairs']} sentence-headline pairs computed)")
            print(f"[{label}] extrapolated to {COMPETITION_PAIRS} pairs: {wall * COMPETITION_PAIRS / n / 60:.1f} min")
            if i == 0 and run.evaluation is not None:
                print(format_evaluation(run.evaluation))


def claim_components(stances) -> dict[str, str]:
    """Node ('h:' headline or 'b:' body id) -> component root, joining nodes by related pairs."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s in stances:
        h, b = find("h:" + s.headline), find("b:" + s.body_id)
        if s.stance != "unrelated":
            parent[h] = b
    return {node: find(node) for node in list(parent)}


def bench_claim_split(a) -> None:
    from stance.data import data_path
    from stance.data.stance_csv import read_fnc_csvs
    from stance.fnc.config import HeadSpec, load_fnc_config
    from stance.fnc.features import FEATURE_GROUPS, FeatureBuilder, feature_columns, fit_tfidf
    from stance.fnc.head import fit_classifier
    from stance.fnc.scoring import evaluate, format_evaluation

    cfg = load_fnc_config(a.config, model=a.model)
    data = read_fnc_csvs(data_path(a.data_dir, "fnc1", "train_bodies.csv"),
                         data_path(a.data_dir, "fnc1", "train_stances.csv"))
    comp = claim_components(data.stances)
    roots = sorted(set(comp.values()))
    random.Random(cfg.seed).shuffle(roots)
    held_out = set(roots[: int(a.dev_fraction * len(roots))])
    in_dev = [(comp["h:" + s.headline] in held_out, comp["b:" + s.body_id] in held_out) for s in data.stances]
    train = [s for s, (h, b) in zip(data.stances, in_dev) if not h and not b]
    dev = [s for s, (h, b) in zip(data.stances, in_dev) if h and b]
    print(f"{len(roots)} claims; {len(held_out)} held out: {len(train)} train / {len(dev)} dev pairs "
          f"(sharing no headline and no body)")
    builder = FeatureBuilder(cfg, quiet=True)
    texts = [data.bodies[b] for b in sorted({s.body_id for s in train})] + sorted({s.headline for s in train})
    vec = fit_tfidf(texts, cfg.tfidf_max_features)
    X_train, X_dev = builder.build(data.bodies, train, vec), builder.build(data.bodies, dev, vec)
    y_train, y_dev = [s.stance for s in train], [s.stance for s in dev]
    spec = HeadSpec("hgb", a.class_weight)
    groups_all = tuple(FEATURE_GROUPS)
    for n in range(1, len(groups_all) + 1):
        cols = feature_columns(groups_all[:n])
        clf = fit_classifier(spec, X_train[:, cols], y_train, cfg.seed)
        pred = [str(p) for p in clf.predict(X_dev[:, cols])]
        ev = evaluate(y_dev, pred)
        related = [(g, p) for g, p in zip(y_dev, pred) if g != "unrelated"]
        acc = sum(g == p for g, p in related) / len(related)
        print(f"{spec.name} {'+'.join(groups_all[:n]):40s} FNC {100 * ev.fnc_relative:6.2f}%  "
              f"macro-F1 {ev.macro_f1:.4f}  related-pair accuracy {acc:.4f}  "
              f"FNC at the competition class mix {100 * relative_at_mix(ev, COMPETITION_MIX):6.2f}%")
    print(format_evaluation(ev))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="what", required=True)
    t = sub.add_parser("time", help="wall time of `stance fnc` from an empty cache")
    t.add_argument("--bodies", required=True)
    t.add_argument("--stances", required=True)
    t.add_argument("--head", help="FNC head (default: MODEL/fnc_head.skops)")
    t.add_argument("--cache-dir", help="use this cache instead of a fresh temporary one")
    t.add_argument("--warm", action="store_true", help="run twice and report the second (cached) run too")
    t.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    t.set_defaults(func=bench_time)
    c = sub.add_parser("claim-split", help="head trained and scored on a claim-disjoint split")
    c.add_argument("--data-dir", help="folder with fnc1/ (default: ../shared/data)")
    c.add_argument("--dev-fraction", type=float, default=0.2)
    c.add_argument("--class-weight", default="balanced")
    c.set_defaults(func=bench_claim_split)
    for q in (t, c):
        q.add_argument("--model", help="NLI model (default: the config's)")
        q.add_argument("--config")
    a = p.parse_args(argv)
    a.func(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
