"""Inference speed of NLI model folders side by side: the same news pairs, one process, fp32 and bf16.

Used to say what a bigger model costs (the README's "A teacher on 2 CPU cores").  Pairs are PolNeAR and
FNC-1 train-split neighbours (needs ../shared/data), length-bucketed in batches of 64 as the scorer does.

    python benchmarks/bench_model_speed.py models/stance-nli-minilm .teacher/mpnet-nli [--pairs 512]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from stance.models.loading import length_batches
    from stance.models.scorer import encode_pairs
    from stance.training.news_pairs import unlabelled_news_pairs

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="+")
    ap.add_argument("--pairs", type=int, default=512)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    torch.set_num_threads(2)
    pairs = unlabelled_news_pairs(Path(args.data), 13, args.pairs + 100, 0)[:args.pairs]
    rates = {}
    for name in args.models:
        tok = AutoTokenizer.from_pretrained(name)
        model = AutoModelForSequenceClassification.from_pretrained(name, dtype=torch.float32).eval()
        for bf16 in (False, True):
            t = time.monotonic()
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                for idx in length_batches([len(p) + len(h) for p, h in pairs], 64):
                    model(**tok.pad(encode_pairs(tok, [pairs[i] for i in idx], 128), padding=True,
                                    return_tensors="pt"))
            rates[(name, bf16)] = len(pairs) / (time.monotonic() - t)
    first = args.models[0]
    for (name, bf16), r in rates.items():
        print(f"{name:40s} {'bf16' if bf16 else 'fp32'}  {r:7.1f} pairs/s  "
              f"{rates[(first, bf16)] / r:4.1f}x slower than {first}")


if __name__ == "__main__":
    main()
