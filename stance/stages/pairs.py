"""Stage 3, pairs: cross-document candidate claim pairs.

Similarity = w * cosine(MiniLM embeddings) + (1 - w) * cosine(TF-IDF).  In ``topk`` mode each
claim keeps its ``top_k`` most similar claims from *other* documents above ``min_similarity``,
so the number of pairs grows as N*k, not N^2.  ``all`` mode keeps every cross-document pair.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stance.stages.claims import Claim


@dataclass(frozen=True)
class ClaimPair:
    a: Claim   # a.id < b.id, so each unordered pair appears once
    b: Claim
    similarity: float
    embedding_similarity: float
    lexical_similarity: float


@dataclass(frozen=True)
class PairOptions:
    mode: str = "topk"
    top_k: int = 8
    min_similarity: float = 0.35
    embedding_weight: float = 0.75
    within_document: bool = False
    embedding_model: str = "minilm"
    embedding_batch_size: int = 64

    @classmethod
    def from_config(cls, cfg: dict) -> "PairOptions":
        from stance.errors import StanceError

        mode = str(cfg.get("mode", "topk"))
        if mode not in ("topk", "all"):
            raise StanceError(f"pairs.mode: '{mode}' is not a mode; use topk or all")
        return cls(mode=mode, top_k=int(cfg.get("top_k", 8)), min_similarity=float(cfg.get("min_similarity", 0.35)),
                   embedding_weight=float(cfg.get("embedding_weight", 0.75)),
                   within_document=bool(cfg.get("within_document", False)),
                   embedding_model=str(cfg.get("embedding_model", "minilm")),
                   embedding_batch_size=int(cfg.get("embedding_batch_size", 64)))


def lexical_similarity(texts: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return np.ones((len(texts), len(texts)), dtype=np.float32)
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    try:
        m = vec.fit_transform(texts)
    except ValueError:  # only stop words
        return np.zeros((len(texts), len(texts)), dtype=np.float32)
    return (m @ m.T).toarray().astype(np.float32)


def similarity_matrix(claims: list[Claim], opts: PairOptions, embeddings: np.ndarray | None = None) -> tuple:
    from stance.models.embeddings import embed
    from stance.stages.judge import nli_content

    texts = [c.text for c in claims]
    emb = embeddings if embeddings is not None else embed(texts, opts.embedding_model, opts.embedding_batch_size)
    emb_sim = emb @ emb.T
    lex_sim = lexical_similarity(texts)
    w = opts.embedding_weight
    sim = w * emb_sim + (1 - w) * lex_sim
    # a short attributed content ("X denied that P") can match a claim its whole sentence does not:
    # the pair's similarity is the higher of the sentence and the content similarity
    contents = [nli_content(c) for c in claims]
    differ = [i for i, (c, t) in enumerate(zip(contents, texts)) if c != t]
    if differ:  # only contents that differ from their sentence are embedded again
        cemb = emb.copy()
        cemb[differ] = embed([contents[i] for i in differ], opts.embedding_model, opts.embedding_batch_size)
        csim = w * (cemb @ cemb.T) + (1 - w) * lexical_similarity(contents)
        sim = np.maximum(sim, csim)
    return sim, emb_sim, lex_sim


def candidate_pairs(claims: list[Claim], opts: PairOptions, embeddings: np.ndarray | None = None) -> list[ClaimPair]:
    n = len(claims)
    if n < 2:
        return []
    sim, emb_sim, lex_sim = similarity_matrix(claims, opts, embeddings)
    docs = np.array([c.doc_id for c in claims])
    allowed = docs[:, None] != docs[None, :]
    if opts.within_document:
        allowed = np.ones_like(allowed)
    np.fill_diagonal(allowed, False)
    keep: set[tuple[int, int]] = set()
    if opts.mode == "all":
        ii, jj = np.nonzero(np.triu(allowed, 1))
        keep = set(zip(ii.tolist(), jj.tolist()))
    else:
        masked = np.where(allowed & (sim >= opts.min_similarity), sim, -np.inf)
        k = min(opts.top_k, n - 1)
        top = np.argpartition(-masked, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((n, 0), int)
        for i in range(n):
            for j in top[i]:
                if np.isfinite(masked[i, j]):
                    keep.add((min(i, int(j)), max(i, int(j))))
    out = []
    for i, j in sorted(keep):
        a, b = (claims[i], claims[j]) if claims[i].id < claims[j].id else (claims[j], claims[i])
        out.append(ClaimPair(a, b, round(float(sim[i, j]), 4), round(float(emb_sim[i, j]), 4),
                             round(float(lex_sim[i, j]), 4)))
    out.sort(key=lambda p: (-p.similarity, p.a.id, p.b.id))
    return out
