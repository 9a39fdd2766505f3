"""NLI scoring throughput: every scorer backend vs a naive transformers.pipeline, one pair at a time.

Same model, same pairs (cross-document candidate pairs of the example corpus, both directions),
one process, so the ratios are comparable even on a noisy machine.  For each scorer: pairs/s,
speed-up over the naive baseline, and argmax agreement with torch fp32 on the same pairs; then the
model's FLOPs per pair against what this CPU sustains on a large fp32 GEMM (the ceiling).

    python benchmarks/bench_nli.py [--pairs 1024] [--naive-pairs 200] [--json out/bench_nli.json]
    python benchmarks/bench_nli.py --scorers "torch bf16" --compare .teacher/mpnet-nli   # what a bigger model costs
"""
from __future__ import annotations

import argparse
import json
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


SCORERS = (("torch fp32", "torch", "fp32"), ("torch bf16", "torch", "bf16"), ("torch int8", "torch", "int8"),
           ("onnx fp32", "onnx", "fp32"), ("onnx int8", "onnx", "int8"))


def flops_per_pair(config, tokens: float) -> float:
    """Multiply-adds x 2 of one encoder forward pass over ``tokens`` tokens (dense layers + attention)."""
    h, f, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    dense = 4 * h * h + 2 * h * f          # Q, K, V, output projections and the two FFN matrices
    attention = 2 * tokens * h             # QK^T and attention x V, per token
    return 2 * layers * tokens * (dense + attention)


def gemm_gflops(n: int = 1024, repeats: int = 5) -> float:
    """What this CPU sustains on a large fp32 matrix product through torch (the attainable ceiling)."""
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    t = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n ** 3 * repeats / (time.perf_counter() - t) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / "models" / "stance-nli-minilm"))
    ap.add_argument("--pairs", type=int, default=1024, help="pairs for each batched scorer")
    ap.add_argument("--naive-pairs", type=int, default=200, help="pairs for the naive pipeline (it is slow)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--scorers", nargs="+", default=[name for name, _, _ in SCORERS],
                    help="which of: " + ", ".join(name for name, _, _ in SCORERS))
    ap.add_argument("--compare", nargs="+", default=[], metavar="MODEL",
                    help="other NLI model folders: the same scorers on the same pairs, slowdown vs --model")
    ap.add_argument("--json", type=Path, help="also write the figures here as JSON")
    a = ap.parse_args()

    import logging
    import tempfile

    import torch
    from transformers import pipeline

    from stance.models.factory import load_scorer
    from stance.models.scorer import encode_pairs

    logging.disable(logging.WARNING)
    if a.threads:
        torch.set_num_threads(a.threads)
    pairs = candidate_pairs(a.pairs)
    cache_dir = Path(tempfile.mkdtemp(prefix="bench-nli-"))   # ONNX exports: built fresh, outside the timing

    # naive baseline: one pair per call through transformers.pipeline, fp32 (the bundled weights are stored
    # in fp16, and fp16 matmuls on CPU would make the baseline unfairly slow)
    clf = pipeline("text-classification", model=a.model, tokenizer=a.model, device=-1, top_k=None,
                   dtype=torch.float32)
    assert next(clf.model.parameters()).dtype == torch.float32
    naive_pairs = pairs[: a.naive_pairs]
    clf({"text": naive_pairs[0][0], "text_pair": naive_pairs[0][1]})  # warm-up
    t = time.perf_counter()
    for p, h in naive_pairs:
        clf({"text": p, "text_pair": h})
    naive_rate = len(naive_pairs) / (time.perf_counter() - t)
    config = clf.model.config
    del clf

    results = [{"name": "naive transformers.pipeline fp32", "pairs": len(naive_pairs), "pairs_per_s": round(naive_rate, 1),
                "speedup_vs_naive": 1.0, "argmax_agreement_vs_fp32": None}]
    reference = None
    tokens = None
    chosen = [s for s in SCORERS if s[0] in a.scorers or s[0] == "torch fp32"]

    def timed(model: str, backend: str, precision: str):
        kwargs = {"cache_dir": cache_dir} if backend == "onnx" else {}
        scorer = load_scorer(model, backend=backend, batch_size=a.batch_size, precision=precision, **kwargs)
        scorer.predict(pairs[:16])  # warm-up
        t = time.perf_counter()
        probs = scorer.predict(pairs)
        return scorer, len(pairs) / (time.perf_counter() - t), probs

    for name, backend, precision in chosen:
        scorer, rate, probs = timed(a.model, backend, precision)
        if tokens is None:
            tokens = float(np.mean([len(x) for x in encode_pairs(scorer.tokenizer, pairs, scorer.max_length)["input_ids"]]))
        if reference is None:
            reference = probs.argmax(1)
        results.append({"name": name, "backend": backend, "precision": precision, "pairs": len(pairs),
                        "batch_size": min(a.batch_size, 16) if backend == "onnx" else a.batch_size,
                        "pairs_per_s": round(rate, 1), "speedup_vs_naive": round(rate / naive_rate, 2),
                        "argmax_agreement_vs_fp32": round(float(np.mean(probs.argmax(1) == reference)), 4)})
        print(json.dumps(results[-1]), flush=True)
        del scorer

    flops = flops_per_pair(config, tokens)
    ceiling = gemm_gflops()
    print(f"model: {a.model}  torch threads: {torch.get_num_threads()}  mean tokens per pair: {tokens:.1f}  "
          f"forward pass: {flops / 1e9:.2f} GFLOP")
    print(f"naive: {naive_rate:.1f} pairs/s (transformers.pipeline, one pair per call, {len(naive_pairs)} pairs)")
    for r in results[1:]:
        print(f"{r['name']:<11} {r['pairs_per_s']:7.1f} pairs/s  {r['speedup_vs_naive']:5.2f}x naive  "
              f"argmax agreement with torch fp32 {r['argmax_agreement_vs_fp32']:.3f}  "
              f"({r['pairs_per_s'] * flops / 1e9:.0f} G(FL)OP/s)")
    print(f"fp32 GEMM ceiling on this CPU (torch, 1024^3): {ceiling:.0f} GFLOP/s = "
          f"{ceiling * 1e9 / flops:.0f} pairs/s at these lengths, {ceiling * 1e9 / flops / naive_rate:.1f}x naive; "
          f"int8 (VNNI) can at best add 4x the fp32 rate on the dense layers")
    compared = []
    for model in a.compare:
        for name, backend, precision in chosen:
            _, rate, _ = timed(model, backend, precision)
            own = next(r["pairs_per_s"] for r in results[1:] if r["name"] == name)
            compared.append({"model": model, "name": name, "pairs_per_s": round(rate, 1),
                             "slowdown_vs_model": round(own / rate, 2)})
            print(f"{model}: {name:<11} {rate:7.1f} pairs/s  {own / rate:4.1f}x slower than {a.model}", flush=True)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"model": a.model, "threads": torch.get_num_threads(), "mean_tokens": round(tokens, 1),
                                      "gflop_per_pair": round(flops / 1e9, 3), "fp32_gemm_gflops": round(ceiling, 1),
                                      "scorers": results, "compare": compared}, indent=2) + "\n")
        print(f"wrote {a.json}")


if __name__ == "__main__":
    main()
