"""Per-document stance toward target claims: agree, disagree, discuss or unrelated.

The label comes from the project's stance model, the FNC-1 head (``stance.fnc``: relatedness,
NLI, cue and attribution features of the target against the document; the same model as
``stance fnc``), with ``stance_model: fnc`` (default).  ``stance_model: rules`` keeps the
hand rules below, for a model folder without a head.

Evidence, either way: the document's claims most similar to the target (same combined
similarity as pairing), the top ``top_claims`` scored by NLI (claim as premise, target as
hypothesis, and back).  Rules: none above ``relatedness_floor`` => unrelated; disagree when the
strongest contradiction clears its threshold and beats the strongest entailment; agree when the
strongest entailment clears its threshold and that evidence is asserted, not hedged; discuss otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stance.stages.claims import Claim
from stance.stages.cues import STANCE_HEDGE as HEDGE
from stance.errors import StanceError
from stance.models.scorer import Scorer, predict_both_directions


@dataclass(frozen=True)
class TargetStance:
    doc_id: str
    target: str
    stance: str
    relatedness: float
    entailment: float
    contradiction: float
    evidence_claim: str | None
    evidence_text: str | None


@dataclass(frozen=True)
class TargetOptions:
    relatedness_floor: float = 0.40
    top_claims: int = 5
    agree_threshold: float = 0.5
    disagree_threshold: float = 0.5
    stance_model: str = "fnc"

    @classmethod
    def from_config(cls, cfg: dict) -> "TargetOptions":
        kind = str(cfg.get("stance_model", "fnc"))
        if kind not in ("fnc", "rules"):
            raise StanceError(f"targets.stance_model: '{kind}' is not a stance model; use fnc or rules")
        return cls(float(cfg.get("relatedness_floor", 0.4)), int(cfg.get("top_claims", 5)),
                   float(cfg.get("agree_threshold", 0.5)), float(cfg.get("disagree_threshold", 0.5)), kind)


def decide(e: float, c: float, hedged: bool, opts: TargetOptions) -> str:
    if c >= opts.disagree_threshold and c > e:
        return "disagree"
    if e >= opts.agree_threshold and not hedged:
        return "agree"
    return "discuss"


def fnc_stances(doc_texts: dict[str, str], targets: list[str], scorer: Scorer) -> dict[tuple[str, str], str]:
    """The FNC-1 head's label for every (document, target): the target is the headline, the document the body."""
    from stance.data.stance_csv import FNCData, StanceExample
    from stance.fnc.config import load_fnc_config
    from stance.fnc.head import default_head_path, load_head
    from stance.fnc.predict import predict_fnc

    model = getattr(getattr(scorer, "info", None), "name_or_path", None) or "models/stance-nli-minilm"
    cfg = load_fnc_config(model=model)
    path = default_head_path(cfg.model)
    if not path.exists():
        raise StanceError(f"{path}: no FNC-1 stance head beside the model; train it with `stance fnc-train`, "
                          f"or set targets.stance_model: rules")
    head = load_head(path)
    rows = [StanceExample(t, d, None) for t in targets for d in doc_texts]
    labels, _ = predict_fnc(FNCData(dict(doc_texts), rows, False), head, cfg, scorer=scorer, quiet=True)
    return {(r.body_id, r.headline): lab for r, lab in zip(rows, labels)}


def target_stances(doc_ids: list[str], claims: list[Claim], targets: list[str], scorer: Scorer,
                   opts: TargetOptions, embedding_model: str = "minilm", embedding_weight: float = 0.75,
                   batch_size: int | None = None, doc_texts: dict[str, str] | None = None) -> list[TargetStance]:
    from stance.models.embeddings import embed
    from stance.stages.pairs import tfidf_vectors

    if not targets:
        return []
    model_label = fnc_stances(doc_texts or {}, targets, scorer) if opts.stance_model == "fnc" else {}
    texts = [c.text for c in claims] + list(targets)
    emb = embed(texts, embedding_model)
    tfidf = tfidf_vectors(texts)
    n = len(claims)
    lex = (tfidf[n:] @ tfidf[:n].T).toarray() if tfidf is not None else np.zeros((len(targets), n))
    sim = embedding_weight * (emb[n:] @ emb[:n].T) + (1 - embedding_weight) * lex   # targets x claims only
    by_doc: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_doc.setdefault(c.doc_id, []).append(i)
    jobs: list[tuple[int, int, list[int]]] = []   # (target index, doc index, claim indices)
    for t in range(len(targets)):
        for d, doc in enumerate(doc_ids):
            idx = [i for i in by_doc.get(doc, []) if sim[t, i] >= opts.relatedness_floor]
            idx = sorted(idx, key=lambda i: -sim[t, i])[:opts.top_claims]
            jobs.append((t, d, idx))
    flat = [(claims[i].text, targets[t]) for t, _, idx in jobs for i in idx]
    fwd, bwd = predict_both_directions(scorer, flat, batch_size) if flat else (np.zeros((0, 3)), np.zeros((0, 3)))
    labels = tuple(scorer.labels)
    ei = labels.index("entailment")
    ci = labels.index("contradiction") if "contradiction" in labels else None
    out, k = [], 0
    for t, d, idx in jobs:
        if not idx:
            rel = float(max((sim[t, i] for i in by_doc.get(doc_ids[d], [])), default=0.0))
            label = model_label.get((doc_ids[d], targets[t]), "unrelated")
            out.append(TargetStance(doc_ids[d], targets[t], label, round(rel, 4), 0.0, 0.0, None, None))
            continue
        ent = fwd[k:k + len(idx), ei]
        con = ((fwd[k:k + len(idx), ci] + bwd[k:k + len(idx), ci]) / 2) if ci is not None else np.zeros(len(idx))
        k += len(idx)
        be, bc = int(np.argmax(ent)), int(np.argmax(con))
        e, c = float(ent[be]), float(con[bc])
        ev = idx[bc] if (c >= opts.disagree_threshold and c > e) else idx[be]
        stance = model_label.get((doc_ids[d], targets[t])) or decide(e, c, bool(HEDGE.search(claims[idx[be]].text)), opts)
        out.append(TargetStance(doc_ids[d], targets[t], stance, round(float(sim[t, idx[0]]), 4),
                                round(e, 4), round(c, 4), claims[ev].id, claims[ev].text))
    return out
