"""NLI scoring throughput: our batched scorer vs a naive transformers.pipeline, one pair at a time.

Same model, same pairs (cross-document candidate pairs of the example corpus, both directions),
one process, so the ratio is comparable even on a noisy machine.

    python benchmarks/bench_nli.py [--model models/stance-nli-minilm] [--pairs 400] [--naive-pairs 200]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def candidate_pairs(n: int) -> list[tuple[str, str]]:
    from stance.stages.claims import ClaimOptions, extract_all
    from stance.config import load_yaml
    from stance.stages.corpus import load_corpus
    from stance.stages.pairs import PairOptions, candidate_pairs as cands

    cfg = load_yaml(ROOT / "configs" / "default.yaml")
    claims = extract_all(load_corpus(ROOT / "examples" / "bounties"), ClaimOptions.from_config(cfg["claims"]))
    pairs = cands(claims, PairOptions.from_config(cfg["pairs"]))
    both = [(p.a.text, p.b.text) for p in pairs] + [(p.b.text, p.a.text) for p in pairs]
    return (both * (n // len(both) + 1))[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / "models" / "stance-nli-minilm"))
    ap.add_argument("--pairs", type=int, default=944, help="pairs for our scorer")
    ap.add_argument("--naive-pairs", type=int, default=200, help="pairs for the naive pipeline (it is slow)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16", "int8"])
    a = ap.parse_args()

    import torch
    from transformers import pipeline

    from stance.models.factory import load_scorer

    if a.threads:
        torch.set_num_threads(a.threads)
    pairs = candidate_pairs(a.pairs)
    scorer = load_scorer(a.model, batch_size=a.batch_size, precision=a.precision)
    scorer.predict(pairs[:16])  # warm-up
    t = time.perf_counter()
    ours = scorer.predict(pairs)
    ours_s = time.perf_counter() - t
    ours_rate = len(pairs) / ours_s

    # fp32 for the baseline too: the bundled weights are stored in fp16, and fp16 matmuls on CPU
    # would make the naive baseline unfairly slow
    clf = pipeline("text-classification", model=a.model, tokenizer=a.model, device=-1, top_k=None,
                   dtype=torch.float32)
    assert next(clf.model.parameters()).dtype == torch.float32
    naive_pairs = pairs[: a.naive_pairs]
    clf({"text": naive_pairs[0][0], "text_pair": naive_pairs[0][1]})  # warm-up
    t = time.perf_counter()
    naive = [clf({"text": p, "text_pair": h}) for p, h in naive_pairs]
    naive_s = time.perf_counter() - t
    naive_rate = len(naive_pairs) / naive_s

    # same predictions? (the naive pipeline ignores calibration; compare argmax labels)
    naive_top = [max(r, key=lambda d: d["score"])["label"].lower() for r in naive]
    ours_top = [scorer.labels[i] for i in ours[: len(naive_pairs)].argmax(1)]
    agree = float(np.mean([x == y for x, y in zip(naive_top, ours_top)]))
    print(f"model: {a.model}  torch threads: {torch.get_num_threads()}  batch size: {a.batch_size}  "
          f"precision (ours): {a.precision}")
    print(f"ours:  {len(pairs)} pairs in {ours_s:.2f}s = {ours_rate:.1f} pairs/s")
    print(f"naive: {len(naive_pairs)} pairs in {naive_s:.2f}s = {naive_rate:.1f} pairs/s (transformers.pipeline, one pair per call)")
    print(f"speed-up: {ours_rate / naive_rate:.1f}x   argmax agreement on shared pairs: {agree:.3f}")


if __name__ == "__main__":
    main()
