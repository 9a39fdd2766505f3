"""End-to-end `stance run` on the example corpus: seconds, pairs scored, peak RSS.

Runs the CLI as a fresh process `--runs` times (the first is cold, the rest warm: model files
in the OS page cache) and prints each run's wall time, the pipeline's own stage timings and the
child's peak resident memory.

    python benchmarks/bench_pipeline.py [--runs 3] [--model PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--model", default=None)
    a = ap.parse_args()
    stance_bin = [sys.executable, "-m", "stance.cli"]
    tmp = Path(tempfile.mkdtemp(prefix="bench-stance-"))
    walls = []
    try:
        for i in range(a.runs):
            out = tmp / f"out{i}"
            cmd = stance_bin + ["run", str(ROOT / "examples" / "bounties"), "--out", str(out), "--quiet"]
            if a.model:
                cmd += ["--model", a.model]
            t = time.perf_counter()
            subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
            wall = time.perf_counter() - t
            walls.append(wall)
            info = json.loads((out / "run.json").read_text())
            stages = ", ".join(f"{k} {v:.2f}s" for k, v in info["timings_s"].items())
            print(f"run {i + 1} ({'cold' if i == 0 else 'warm'}): {wall:.2f}s wall; "
                  f"{info['counts']['pairs_scored']} pairs scored ({info['counts']['nli_predictions']} NLI predictions); "
                  f"{info['counts']['claims']} claims; stages: {stages}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        warm = walls[1:] or walls
        print(f"end-to-end: best warm {min(warm):.2f}s, median warm {sorted(warm)[len(warm) // 2]:.2f}s; "
              f"peak RSS {peak_mb:.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
