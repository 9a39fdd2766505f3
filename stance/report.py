"""Stage 6, report: Markdown, self-contained HTML, CSV matrices and JSONL records.

Everything is written into a staging folder first (each file itself written atomically), and
the staging folder is renamed onto ``--out`` at the end, so an interrupted run never leaves an
output folder that looks complete.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .claims import Claim
from .corpus import Corpus
from .errors import StanceError
from .iohelpers import atomic_write_text
from .matrices import ClaimMatrix, DocMatrix, ranked_contradictions, ranked_supports
from .scores import ScoredPair
from .targets import TargetStance

OUTPUT_FILES = ("report.md", "report.html", "matrix_contradiction.csv", "matrix_support.csv",
                "claims.jsonl", "pairs.jsonl", "contradictions.jsonl", "run.json")


@dataclass(frozen=True)
class ReportData:
    corpus: Corpus
    claims: tuple[Claim, ...]
    scored: tuple[ScoredPair, ...]
    claim_matrix: ClaimMatrix
    doc_matrix: DocMatrix
    targets: tuple[TargetStance, ...]
    run_info: dict
    top_n: int = 15
    contradiction_threshold: float = 0.5
    support_threshold: float = 0.5


def check_out_dir(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise StanceError(f"{out}: output path exists and is a file; pass another --out")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise StanceError(f"{out}: output folder exists and is not empty; pass --overwrite or another --out")


def _claim_record(c: Claim) -> dict:
    return {"id": c.id, "doc": c.doc_id, "text": c.text, "span": [c.start, c.end], "speaker": c.speaker,
            "verb": c.verb, "is_denial": c.is_denial, "attributed": c.attributed, "is_headline": c.is_headline}


def _pair_record(s: ScoredPair) -> dict:
    return {"claim_a": s.pair.a.id, "claim_b": s.pair.b.id, "doc_a": s.pair.a.doc_id, "doc_b": s.pair.b.doc_id,
            "similarity": s.pair.similarity, "embedding_similarity": s.pair.embedding_similarity,
            "lexical_similarity": s.pair.lexical_similarity,
            "a_to_b": dict(zip(s.labels, s.forward)), "b_to_a": dict(zip(s.labels, s.backward)),
            "contradiction": s.contradiction, "support": s.support}


def _contradiction_record(rank: int, s: ScoredPair, threshold: float) -> dict:
    a, b = s.pair.a, s.pair.b
    return {"rank": rank, "score": s.contradiction, "flagged": bool(s.contradiction >= threshold),
            "doc_a": a.doc_id, "doc_b": b.doc_id, "claim_a": a.id, "claim_b": b.id,
            "text_a": a.text, "text_b": b.text, "speaker_a": a.speaker, "speaker_b": b.speaker,
            "verb_a": a.verb, "verb_b": b.verb, "denial_a": a.is_denial, "denial_b": b.is_denial,
            "span_a": [a.start, a.end], "span_b": [b.start, b.end], "support": s.support,
            "similarity": s.pair.similarity}


def _jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _matrix_csv(ids, m: np.ndarray) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["doc"] + list(ids))
    for i, d in enumerate(ids):
        w.writerow([d] + ["" if np.isnan(v) else f"{v:.4f}" for v in m[i]])
    return buf.getvalue()


def _heatmap_png(ids, m: np.ndarray, title: str, cmap: str, counts: np.ndarray | None = None) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(ids)
    fig, ax = plt.subplots(figsize=(1.2 * n + 2.6, 1.0 * n + 2.0), dpi=120)
    shown = np.where(np.isnan(m), 0, m)
    im = ax.imshow(shown, vmin=0, vmax=1, cmap=cmap)
    ax.set_xticks(range(n), labels=ids, rotation=35, ha="right", fontsize=10)
    ax.set_yticks(range(n), labels=ids, fontsize=10)
    for i in range(n):
        for j in range(n):
            if np.isnan(m[i, j]):
                txt = "–"
            else:
                txt = f"{m[i, j]:.2f}" + (f"\n({counts[i, j]})" if counts is not None else "")
            ax.text(j, i, txt, ha="center", va="center", fontsize=10,
                    color="white" if shown[i, j] > 0.6 else "black")
    ax.set_title(title, fontsize=11)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("stance", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default_for_string=False),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.2f}"
    return env


def render(data: ReportData) -> dict[str, str]:
    """Return {file name: content} for every output file."""
    docs = data.corpus.by_id()
    contradictions = ranked_contradictions(list(data.scored))
    supports = ranked_supports(list(data.scored))
    dm = data.doc_matrix
    ctx = {
        "info": data.run_info, "docs": list(data.corpus.documents), "doc_by_id": docs,
        "n_claims": len(data.claims), "n_pairs": len(data.scored),
        "top_contradictions": contradictions[:data.top_n], "top_supports": supports[:data.top_n],
        "doc_pairs": [p for p in dm.pairs if p.n_pairs], "targets": list(data.targets),
        "target_texts": list(dict.fromkeys(t.target for t in data.targets)),
        "cthr": data.contradiction_threshold, "sthr": data.support_threshold,
        "n_flagged": sum(1 for s in contradictions if s.contradiction >= data.contradiction_threshold),
        "two_way": "contradiction" not in (data.scored[0].labels if data.scored else ("contradiction",)),
    }
    env = _env()
    files = {"report.md": env.get_template("report.md.j2").render(**ctx)}
    ctx_html = dict(ctx)
    ctx_html["heat_contra"] = _heatmap_png(dm.doc_ids, dm.contradiction, "Document × document contradiction "
                                           "(top-k mean; count ≥ threshold)", "Reds", dm.n_contradictions)
    ctx_html["heat_support"] = _heatmap_png(dm.doc_ids, dm.support, "Document × document support "
                                            "(top-k mean; count ≥ threshold)", "Greens", dm.n_supports)
    files["report.html"] = env.get_template("report.html.j2").render(**ctx_html)
    files["matrix_contradiction.csv"] = _matrix_csv(dm.doc_ids, dm.contradiction)
    files["matrix_support.csv"] = _matrix_csv(dm.doc_ids, dm.support)
    files["claims.jsonl"] = _jsonl(_claim_record(c) for c in data.claims)
    files["pairs.jsonl"] = _jsonl(_pair_record(s) for s in data.scored)
    files["contradictions.jsonl"] = _jsonl(_contradiction_record(i + 1, s, data.contradiction_threshold)
                                           for i, s in enumerate(contradictions))
    if data.targets:
        files["target_stances.jsonl"] = _jsonl({"doc": t.doc_id, "target": t.target, "stance": t.stance,
                                                "relatedness": t.relatedness, "entailment": t.entailment,
                                                "contradiction": t.contradiction, "evidence_claim": t.evidence_claim,
                                                "evidence_text": t.evidence_text} for t in data.targets)
    files["run.json"] = json.dumps(data.run_info, indent=2, ensure_ascii=False, default=str) + "\n"
    return files


def write_report(data: ReportData, out: Path, overwrite: bool) -> Path:
    check_out_dir(out, overwrite)
    files = render(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        for name, content in files.items():
            atomic_write_text(staging / name, content)
        if out.exists():
            trash = out.with_name(f".{out.name}.old")
            shutil.rmtree(trash, ignore_errors=True)
            out.rename(trash)
            staging.rename(out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out
