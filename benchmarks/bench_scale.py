"""How the pipeline grows with the corpus: FNC-1 train bodies as news articles, N = 100 ... all.

For each N, ``stance run`` runs as a fresh process on the first N bodies (in file order) with an
empty score cache, and the table gives claims, pairs, seconds per stage and the process's peak RSS
(from its ``run.json``).  Then the largest N runs again on the warm cache (``rerun``), and, with
``--ray``, once more on the Ray engine (cold cache).  ``--ray-only`` runs just the Ray leg for each N
and merges its rows into an existing ``OUT/scale.json`` (so a long local table need not be re-measured).  Writes ``OUT/scale.json``, ``OUT/scale.md``
(the table), ``OUT/scale.png`` (log-log: pairs, seconds and peak RSS against N) and the largest run's
``report.html``, ``report.md``, ``run.json`` and ``doc_pairs.csv`` as ``OUT/largest-*``.

    python benchmarks/bench_scale.py [--sizes 100 300 1000 0] [--backend onnx --precision int8] [--ray | --ray-only]

N = 0 means every body (1,683).  Needs ../shared/data/fnc1/train_bodies.csv.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"
STAGES = ("claims", "pairs", "model_load", "scores", "matrices", "report")


def bodies(path: Path) -> list[dict]:
    if not path.exists():
        sys.exit(f"{path}: FNC-1 train bodies not found; put ../shared/data beside the checkout or pass --bodies")
    csv.field_size_limit(10_000_000)
    with open(path, encoding="utf-8", newline="") as f:
        return [{"id": f"body-{r['Body ID']}", "text": r["articleBody"]} for r in csv.DictReader(f)
                if r["articleBody"].strip()]


def run_once(corpus: Path, out: Path, cache: Path, extra: list[str]) -> dict:
    env = dict(os.environ, STANCE_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-m", "stance.cli", "-q", "run", str(corpus), "--out", str(out), "--overwrite",
           "--quiet", *extra]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    tree_peak = [0.0]
    sampler = threading.Thread(target=_sample_tree_rss, args=(proc.pid, tree_peak), daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - t
    sampler.join(timeout=2)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-2000:]}")
    info = json.loads((out / "run.json").read_text())
    return {"wall_s": round(wall, 1), "documents": info["counts"]["documents"], "claims": info["counts"]["claims"],
            "pairs": info["counts"]["pairs_scored"], "stages_s": {k: info["timings_s"].get(k) for k in STAGES},
            "peak_rss_mb": max(info["peak_rss_mb"].values()), "peak_rss_by_stage_mb": info["peak_rss_mb"],
            "peak_tree_rss_mb": round(tree_peak[0], 1),
            "report_html_mb": round((out / "report.html").stat().st_size / 2 ** 20, 2),
            "backend": info["model"].get("backend"), "compute": info["model"].get("compute_dtype"),
            "engine": info.get("engine", {}).get("kind", "local")}


def _sample_tree_rss(pid: int, peak: list[float]) -> None:
    """Sum of RSS over the run and every process it started (Ray's raylet and workers included), each 0.5 s.

    run.json's peak_rss_mb is the stance process alone; with --engine ray the scoring happens in workers."""
    import psutil

    try:
        root = psutil.Process(pid)
        while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
            total = 0
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total / 2 ** 20)
            time.sleep(0.5)
    except psutil.Error:
        pass


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cold = [r for r in rows if r["kind"] == "cold"]
    n = [r["documents"] for r in cold]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), dpi=110)
    for ax, key, label in zip(axes, ("pairs", "wall_s", "peak_rss_mb"),
                              ("claim pairs judged", "seconds (whole run)", "peak RSS (MB)")):
        ax.loglog(n, [r[key] for r in cold], "o-", label="measured")
        ax.loglog(n, [cold[0][key] * x / n[0] for x in n], ":", color="grey", label="linear in N")
        ax.set_xlabel("documents (N)")
        ax.set_title(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def table(rows: list[dict]) -> str:
    head = ("| N | run | claims | pairs | claims s | pairs s | scores s | report s | total s | peak RSS MB | all processes MB | report.html MB |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    body = "".join(
        f"| {r['documents']} | {r['kind']} | {r['claims']} | {r['pairs']} | {r['stages_s']['claims']:.0f} | "
        f"{r['stages_s']['pairs']:.0f} | {r['stages_s']['scores']:.0f} | {r['stages_s']['report']:.1f} | "
        f"{r['wall_s']:.0f} | {r['peak_rss_mb']:.0f} | {_mb(r.get('peak_tree_rss_mb'))} | {r['report_html_mb']} |\n"
        for r in rows)
    return head + body


def _mb(v: float | None) -> str:
    return f"{v:.0f}" if v else "–"     # rows measured before the process-tree sampler have none


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 0], help="N values; 0 = every body")
    ap.add_argument("--bodies", type=Path, default=DATA)
    ap.add_argument("--backend", default="onnx", choices=["torch", "onnx"])
    ap.add_argument("--precision", default="int8", choices=["fp32", "bf16", "int8"])
    ap.add_argument("--ray", action="store_true", help="also run the largest N on the Ray engine (local Ray)")
    ap.add_argument("--ray-only", action="store_true",
                    help="run only the Ray engine (cold cache) for each N and merge the rows into OUT/scale.json")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "bench_scale")
    a = ap.parse_args()

    docs = bodies(a.bodies)
    a.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    extra = ["--backend", a.backend, "--precision", a.precision]
    rows: list[dict] = []
    try:
        sizes = [n if n > 0 else len(docs) for n in a.sizes]
        for n in sizes:
            corpus = work / f"bodies-{n}.jsonl"
            corpus.write_text("".join(json.dumps(d) + "\n" for d in docs[:n]), encoding="utf-8")
            if a.ray_only:
                row = {"kind": "cold, --engine ray", **run_once(corpus, work / f"out-ray-{n}", work / f"cache-ray-{n}",
                                                                 extra + ["--engine", "ray"])}
                rows.append(row)
                print(json.dumps(row), flush=True)
                continue
            cache = work / f"cache-{n}"
            shutil.rmtree(cache, ignore_errors=True)
            row = {"kind": "cold", **run_once(corpus, work / f"out-{n}", cache, extra)}
            rows.append(row)
            print(json.dumps(row), flush=True)
            if n == sizes[-1]:
                for name in ("report.html", "report.md", "run.json", "doc_pairs.csv"):   # kept for inspection
                    shutil.copy(work / f"out-{n}" / name, a.out / f"largest-{name}")
                row = {"kind": "rerun (cache)", **run_once(corpus, work / f"out-{n}", cache, extra)}
                rows.append(row)
                print(json.dumps(row), flush=True)
                if a.ray:
                    ray_cache = work / f"cache-ray-{n}"
                    row = {"kind": "cold, --engine ray", **run_once(corpus, work / f"out-ray-{n}", ray_cache,
                                                                     extra + ["--engine", "ray"])}
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if a.ray_only and (a.out / "scale.json").exists():
        # keep the earlier rows, replacing any with the same N and kind
        new = {(r["documents"], r["kind"]) for r in rows}
        old = json.loads((a.out / "scale.json").read_text())["rows"]
        rows = [r for r in old if (r["documents"], r["kind"]) not in new] + rows
    (a.out / "scale.json").write_text(json.dumps({"backend": a.backend, "precision": a.precision, "rows": rows},
                                                 indent=2) + "\n")
    (a.out / "scale.md").write_text(table(rows))
    plot(rows, a.out / "scale.png")
    print(table(rows))
    print(f"wrote {a.out / 'scale.json'}, {a.out / 'scale.md'}, {a.out / 'scale.png'}")


if __name__ == "__main__":
    main()
