"""NLI training throughput: the training step with and without each speed-up, side by side in one run.

Every variant starts from the same encoder weights and trains on the same pairs (a sample of the real
mixture of ``configs/train_nli.yaml``); pairs/s counts timed steps after warm-up.  The bf16 loss curve is
compared with fp32 on identical batches, so a speed-up that changes training shows up here.

    python benchmarks/bench_train.py [--steps 25] [--warmup 3] [--json out/bench_train.json]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VARIANTS = [  # name, length grouping, precision, torch.compile, pad to max_length
    ("padded to 128, fp32", False, "fp32", False, True),
    ("length-grouped, fp32", True, "fp32", False, False),
    ("length-grouped, bf16 autocast", True, "bf16", False, False),
    ("length-grouped, bf16 autocast, torch.compile", True, "bf16", True, False),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(ROOT / "configs" / "train_nli.yaml"))
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--skip-compile", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    from stance.config import load_train_config
    from stance.training.nli import LABELS, build_mixture, encode_examples, epoch_batches, resolve_base_model, train_step

    cfg = load_train_config(a.config)
    torch.set_num_threads(int(cfg.get("threads", 2)))
    mix = build_mixture(cfg, (ROOT / cfg["data_dir"]).resolve())
    bs = int(cfg["batch_size"])
    n = bs * 50 * 2  # two megabatches: the grouped order is what a real epoch sees
    sample = random.Random(0).sample(mix.train, n)
    base = resolve_base_model(cfg["base_model"])
    tok = AutoTokenizer.from_pretrained(base)
    enc, labels = encode_examples(sample, tok, int(cfg["max_length"]))
    results = []
    for name, grouped, precision, compiled, padded in VARIANTS:
        if compiled and a.skip_compile:
            continue
        torch.manual_seed(0)
        model = AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=3, id2label=dict(enumerate(LABELS)), label2id={v: k for k, v in enumerate(LABELS)})
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=float(cfg["learning_rate"]))
        sched = get_linear_schedule_with_warmup(opt, 0, 10_000)
        fwd = torch.compile(model, dynamic=True) if compiled else model
        batches = epoch_batches(enc, {"batch_size": bs, "length_grouping": grouped}, 0)
        pad_to = int(cfg["max_length"]) if padded else None
        losses = []
        t_warm = time.perf_counter()
        for b in batches[: a.warmup]:
            losses.append(train_step(fwd, tok, enc, labels, b, opt, sched, precision, pad_to))
        warm_s = time.perf_counter() - t_warm
        t = time.perf_counter()
        pairs = 0
        for b in batches[a.warmup: a.warmup + a.steps]:
            losses.append(train_step(fwd, tok, enc, labels, b, opt, sched, precision, pad_to))
            pairs += len(b)
        secs = time.perf_counter() - t
        results.append({"name": name, "pairs_per_s": round(pairs / secs, 1), "warmup_s": round(warm_s, 1),
                        "length_grouping": grouped, "precision": precision, "compile": compiled,
                        "losses": [round(x, 4) for x in losses]})
        print(f"{name:48s} {pairs / secs:7.1f} pairs/s  (warm-up {warm_s:.0f}s)", flush=True)
    base_rate = results[0]["pairs_per_s"]
    current = next(r for r in results if r["name"] == "length-grouped, fp32")
    for r in results:
        r["speedup_vs_padded"] = round(r["pairs_per_s"] / base_rate, 2)
        r["speedup_vs_fp32_grouped"] = round(r["pairs_per_s"] / current["pairs_per_s"], 2)
    bf = next((r for r in results if r["name"] == "length-grouped, bf16 autocast"), None)
    if bf:
        diffs = [abs(x - y) for x, y in zip(bf["losses"], current["losses"])]
        print(f"bf16 vs fp32 loss on identical batches: mean |diff| {sum(diffs) / len(diffs):.4f}, "
              f"max {max(diffs):.4f}; fp32 first/last {current['losses'][0]:.3f}/{current['losses'][-1]:.3f}, "
              f"bf16 {bf['losses'][0]:.3f}/{bf['losses'][-1]:.3f}")
    print("\n| variant | pairs/s | vs padded | vs fp32 grouped |\n|---|---|---|---|")
    for r in results:
        print(f"| {r['name']} | {r['pairs_per_s']} | {r['speedup_vs_padded']}x | {r['speedup_vs_fp32_grouped']}x |")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"batch_size": bs, "steps": a.steps, "variants": results}, indent=1))


if __name__ == "__main__":
    main()
