"""Does the document x document score rank real disagreement?  A labelled check from FNC-1 train.

For one FNC-1 headline (a claim), its ``agree`` bodies report the claim as true and its ``disagree``
bodies debunk it.  A pair (agree body, disagree body) is a real disagreement (positive); a pair of
two agree bodies is not (negative).  Each headline's bodies are run through the pipeline as one
small corpus (claims, pairs, NLI, judgement), and every document aggregation is scored by ROC-AUC
over all such pairs, beside plain TF-IDF dissimilarity (1 - cosine of the two bodies).

Bodies are split in two halves by a seeded shuffle of their ids: ``tune`` chooses the aggregation
and its weight, ``check`` reports it.  A headline joins a split only with that split's bodies, so the
two are body-disjoint.  Needs ../shared/data/fnc1.

    python benchmarks/bench_doc_conflict.py [--split check] [--headlines 30] [--json out/doc_conflict.json]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.stages.claims import ClaimOptions, extract_all  # noqa: E402
from stance.stages.corpus import Corpus, Document  # noqa: E402
from stance.data.stance_csv import read_fnc_csvs  # noqa: E402
from stance.stages.matrices import _top_mean, doc_conflict  # noqa: E402
from stance.stages.pairs import PairOptions, candidate_pairs  # noqa: E402
from stance.stages.scores import score_pairs  # noqa: E402
from stance.stages.judge import JudgeOptions  # noqa: E402

VARIANTS = {
    "sentence_nli_topk (before)": lambda items, k: _top_mean([s.contradiction or 0.0 for s in items], k),
    "conflict_topk": lambda items, k: doc_conflict(items, "topk", k),
    "conflict_net_w0.5": lambda items, k: doc_conflict(items, "net", k, 0.5),
    "conflict_net_w1.0": lambda items, k: doc_conflict(items, "net", k, 1.0),
    "conflict_share": lambda items, k: doc_conflict(items, "share", k),
    "conflict_unmatched": lambda items, k: doc_conflict(items, "unmatched", k),
    "disagreement_w0.5": lambda items, k: doc_conflict(items, "disagreement", k, conflict_weight=0.5),
    "disagreement_w0.25 (shipped)": lambda items, k: doc_conflict(items, "disagreement", k, conflict_weight=0.25),
}


class CachedScorer:
    """The bench's NLI memo on disk as JSON (keyed by model hash and text pair), so reruns cost no NLI."""

    def __init__(self, scorer, path: Path):
        import json

        self.scorer, self.path, self.labels = scorer, path, scorer.labels
        self.info = scorer.info
        self.key = getattr(scorer.info, "weights_sha256", "model")
        self.memo = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            if data.get("model") == self.key:
                self.memo = {(a, b): np.array(row, dtype=np.float32) for a, b, row in data["pairs"]}
        except (ValueError, KeyError, TypeError):
            pass  # a damaged memo is rebuilt, never trusted

    def predict(self, pairs, batch_size=None):
        todo = [p for p in dict.fromkeys(pairs) if p not in self.memo]
        if todo:
            for p, row in zip(todo, self.scorer.predict(todo, batch_size)):
                self.memo[p] = row
        return np.array([self.memo[p] for p in pairs]).reshape(len(pairs), len(self.labels))

    def save(self):
        import json

        from stance.iohelpers import atomic_write_text

        self.path.parent.mkdir(parents=True, exist_ok=True)
        rows = [[a, b, [round(float(x), 6) for x in row]] for (a, b), row in self.memo.items()]
        atomic_write_text(self.path, json.dumps({"model": self.key, "pairs": rows}))


def groups(data, split: str, seed: int, max_headlines: int, per_class: tuple[int, int], min_agree: int = 2,
           min_disagree: int = 1):
    ids = sorted(data.bodies)
    random.Random(seed).shuffle(ids)
    half = set(ids[: len(ids) // 2]) if split == "tune" else set(ids[len(ids) // 2:])
    by_head: dict[str, dict[str, list[str]]] = {}
    for s in data.stances:
        if s.body_id in half and s.stance in ("agree", "disagree"):
            by_head.setdefault(s.headline, {"agree": [], "disagree": []})[s.stance].append(s.body_id)
    heads = sorted(h for h, g in by_head.items()
                   if len(set(g["agree"])) >= min_agree and len(set(g["disagree"])) >= min_disagree)
    random.Random(seed + 1).shuffle(heads)
    out = []
    for h in heads[:max_headlines]:
        g = by_head[h]
        out.append((h, sorted(set(g["agree"]))[:per_class[0]], sorted(set(g["disagree"]))[:per_class[1]]))
    return out


def auc(labels, scores) -> float:
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(labels, scores)), 4)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fnc1"))
    ap.add_argument("--split", choices=("tune", "check"), default="check")
    ap.add_argument("--headlines", type=int, default=30)
    ap.add_argument("--agree", type=int, default=3, help="agree bodies per headline (at most)")
    ap.add_argument("--disagree", type=int, default=2, help="disagree bodies per headline (at most)")
    ap.add_argument("--model", default=str(ROOT / "models" / "stance-nli-minilm"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--config", help="a config overlay, as for stance run (claims, pairs, judge, matrices)")
    ap.add_argument("--json")
    a = ap.parse_args()
    data_dir = Path(a.data)
    if not (data_dir / "train_bodies.csv").exists():
        print(f"{data_dir}: FNC-1 not found; this check reads ../shared/data/fnc1", file=sys.stderr)
        return 2
    from sklearn.feature_extraction.text import TfidfVectorizer

    from stance.models.factory import load_scorer

    data = read_fnc_csvs(data_dir / "train_bodies.csv", data_dir / "train_stances.csv")
    from stance.pipeline import load_config

    cfg, _ = load_config(a.config)
    judge_opts = JudgeOptions.from_config(cfg["judge"])
    copts, popts = ClaimOptions.from_config(cfg["claims"]), PairOptions.from_config(cfg["pairs"])
    k = int(cfg["matrices"]["doc_top_k"])
    base = load_scorer(a.model)
    base.progress = False
    scorer = CachedScorer(base, ROOT / ".cache" / "bench_doc_conflict" / "nli.json")
    from stance.pipeline import load_claim_tagger

    tagger = load_claim_tagger(cfg)
    features = []
    heads = groups(data, a.split, a.seed, a.headlines, (a.agree, a.disagree))
    used = sorted({b for _, ag, dg in heads for b in ag + dg})
    tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit([data.bodies[b] for b in used])
    labels: list[int] = []
    scores: dict[str, list[float]] = {name: [] for name in VARIANTS}
    scores["tfidf_dissimilarity (baseline)"] = []
    t0 = time.perf_counter()
    n_claims = n_pairs = 0
    for hi, (head, agree, disagree) in enumerate(heads):
        docs = tuple(Document(id=f"b{b}", text=data.bodies[b]) for b in agree + disagree)
        claims = extract_all(Corpus(docs, f"fnc:{head[:30]}"), copts, tagger)
        scored = score_pairs(candidate_pairs(claims, popts), scorer, judge_options=judge_opts)
        scorer.save()
        attitudes = {d.id: [c.attitude for c in claims if c.doc_id == d.id] for d in docs}
        n_claims += len(claims)
        n_pairs += len(scored)
        by_docs: dict[tuple[str, str], list] = {}
        for s in scored:
            by_docs.setdefault(tuple(sorted((s.pair.a.doc_id, s.pair.b.doc_id))), []).append(s)
        vec = {d.id: tfidf.transform([d.text]) for d in docs}
        stance = {f"b{b}": "agree" for b in agree} | {f"b{b}": "disagree" for b in disagree}
        ids = [d.id for d in docs]
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                kinds = {stance[ids[i]], stance[ids[j]]}
                if kinds == {"disagree"}:
                    continue
                labels.append(int(kinds == {"agree", "disagree"}))
                items = by_docs.get(tuple(sorted((ids[i], ids[j]))), [])
                for name, fn in VARIANTS.items():
                    scores[name].append(fn(items, k))
                features.append({"label": labels[-1], "head": hi, "pairs": [
                    [s.score, s.judgement.support, s.relation, s.contradiction or 0.0, s.support, s.pair.a.id, s.pair.b.id, s.pair.similarity]
                    for s in items],
                    "attitudes": [attitudes[ids[i]], attitudes[ids[j]]]})
                scores["tfidf_dissimilarity (baseline)"].append(1.0 - float((vec[ids[i]] @ vec[ids[j]].T).toarray()[0, 0]))
        print(f"[{hi + 1}/{len(heads)}] {len(claims)} claims, {len(scored)} pairs, {time.perf_counter() - t0:.0f}s",
              file=sys.stderr, flush=True)
    result = {"split": a.split, "seed": a.seed, "headlines": len(heads), "bodies": len(used),
              "doc_pairs": len(labels), "positives": int(sum(labels)), "claims": n_claims, "claim_pairs": n_pairs,
              "doc_top_k": k, "seconds": round(time.perf_counter() - t0, 1),
              "auc": {name: auc(labels, vals) for name, vals in scores.items()}}
    print(f"\nFNC-1 agree-vs-disagree document check, split={a.split}: {len(heads)} headlines, "
          f"{len(labels)} document pairs ({sum(labels)} disagreeing)")
    for name, v in result["auc"].items():
        print(f"  ROC-AUC {v:.3f}  {name}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(result, indent=2) + "\n")
        Path(a.json).with_suffix(".features.json").write_text(json.dumps(features) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
