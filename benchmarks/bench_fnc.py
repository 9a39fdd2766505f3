"""Time `stance fnc` on a labelled FNC-1 split and extrapolate to a competition-sized run.

    python benchmarks/bench_fnc.py --bodies out/fnc_dev/dev_bodies.csv --stances out/fnc_dev/dev_stances.csv

By default the feature cache starts empty (a cold run: every sentence split, embedding and NLI
pair is computed), which is what a new test set costs; --warm reruns on the same cache to show
what the cache saves.  The FNC-1 competition test set has 25,413 pairs.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

COMPETITION_PAIRS = 25_413


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bodies", required=True)
    p.add_argument("--stances", required=True)
    p.add_argument("--model", help="NLI model (default: the config's)")
    p.add_argument("--head", help="FNC head (default: MODEL/fnc_head.joblib)")
    p.add_argument("--config")
    p.add_argument("--cache-dir", help="use this cache instead of a fresh temporary one")
    p.add_argument("--warm", action="store_true", help="run twice and report the second (cached) run too")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    a = p.parse_args(argv)

    import torch

    from stance.fnc import format_evaluation, run_fnc

    if a.threads:
        torch.set_num_threads(a.threads)
    print(f"CPU cores: {os.cpu_count()}, torch threads: {torch.get_num_threads()}")
    with tempfile.TemporaryDirectory(prefix="fnc-cache-") as tmp:
        cache = a.cache_dir or tmp
        runs = 2 if a.warm else 1
        for i in range(runs):
            t0 = time.perf_counter()
            run = run_fnc(a.bodies, a.stances, model=a.model, head_path=a.head, config=a.config, cache_dir=cache,
                          quiet=True)
            wall = time.perf_counter() - t0
            n = len(run.predictions)
            label = "cold" if i == 0 and not a.cache_dir else ("warm" if i else "given cache")
            print(f"[{label}] {n} pairs in {wall:.1f}s ({1000 * wall / n:.1f} ms/pair); "
                  f"NLI on {run.stats['pairs_with_nli']} pairs ({run.stats['nli_pairs_computed']} sentence-headline "
                  f"pairs computed, {run.stats['nli_pairs']} needed); "
                  f"features before NLI {run.stats['seconds_prepare']:.1f}s")
            print(f"[{label}] extrapolated to {COMPETITION_PAIRS} pairs: {wall * COMPETITION_PAIRS / n / 60:.1f} min")
            if i == 0 and run.evaluation is not None:
                print(format_evaluation(run.evaluation))
    return 0


if __name__ == "__main__":
    sys.exit(main())
