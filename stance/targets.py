"""Per-document stance toward target claims: agree, disagree, discuss or unrelated.

For each (document, target): the document's claims most similar to the target (same combined
similarity as pairing).  None above ``relatedness_floor`` => unrelated.  Otherwise the top
``top_claims`` are scored by NLI (claim as premise, target as hypothesis, and back):
disagree when the strongest contradiction clears its threshold and beats the strongest
entailment; agree when the strongest entailment clears its threshold and that evidence is
asserted, not hedged ("reportedly", "is said to", "allegedly"...); discuss otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .claims import Claim
from .scorer import Scorer, predict_both_directions

HEDGE = re.compile(r"\b(reportedly|allegedly|is said to|are said to|was said to|were said to|"
                   r"may have|might have|unclear|unconfirmed|not corroborated|apparently|purportedly|"
                   r"claims? that|according to)\b", re.I)


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

    @classmethod
    def from_config(cls, cfg: dict) -> "TargetOptions":
        return cls(float(cfg.get("relatedness_floor", 0.4)), int(cfg.get("top_claims", 5)),
                   float(cfg.get("agree_threshold", 0.5)), float(cfg.get("disagree_threshold", 0.5)))


def decide(e: float, c: float, hedged: bool, opts: TargetOptions) -> str:
    if c >= opts.disagree_threshold and c > e:
        return "disagree"
    if e >= opts.agree_threshold and not hedged:
        return "agree"
    return "discuss"


def target_stances(doc_ids: list[str], claims: list[Claim], targets: list[str], scorer: Scorer,
                   opts: TargetOptions, embedding_model: str = "minilm", embedding_weight: float = 0.75,
                   batch_size: int | None = None) -> list[TargetStance]:
    from .embeddings import embed
    from .pairs import lexical_similarity

    if not targets:
        return []
    texts = [c.text for c in claims] + list(targets)
    emb = embed(texts, embedding_model)
    lex = lexical_similarity(texts)
    n = len(claims)
    sim = embedding_weight * (emb[n:] @ emb[:n].T) + (1 - embedding_weight) * lex[n:, :n]
    jobs: list[tuple[int, int, list[int]]] = []   # (target index, doc index, claim indices)
    for t in range(len(targets)):
        for d, doc in enumerate(doc_ids):
            idx = [i for i, c in enumerate(claims) if c.doc_id == doc and sim[t, i] >= opts.relatedness_floor]
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
            rel = float(max((sim[t, i] for i, c in enumerate(claims) if c.doc_id == doc_ids[d]), default=0.0))
            out.append(TargetStance(doc_ids[d], targets[t], "unrelated", round(rel, 4), 0.0, 0.0, None, None))
            continue
        ent = fwd[k:k + len(idx), ei]
        con = ((fwd[k:k + len(idx), ci] + bwd[k:k + len(idx), ci]) / 2) if ci is not None else np.zeros(len(idx))
        k += len(idx)
        be, bc = int(np.argmax(ent)), int(np.argmax(con))
        e, c = float(ent[be]), float(con[bc])
        ev = idx[bc] if (c >= opts.disagree_threshold and c > e) else idx[be]
        stance = decide(e, c, bool(HEDGE.search(claims[idx[be]].text)), opts)
        out.append(TargetStance(doc_ids[d], targets[t], stance, round(float(sim[t, idx[0]]), 4),
                                round(e, 4), round(c, 4), claims[ev].id, claims[ev].text))
    return out
