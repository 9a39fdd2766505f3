"""Stage 3, pairs: cross-document candidate claim pairs.

Similarity = w * cosine(MiniLM embeddings) + (1 - w) * cosine(TF-IDF).  In ``topk`` mode each
claim keeps its ``top_k`` most similar claims from *other* documents above ``min_similarity``,
so the number of pairs grows as N*k, not N^2, and similarities are computed one block of rows at a
time (memory N x block, never N x N).  ``all`` mode keeps every cross-document pair (small corpora).
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


def tfidf_vectors(texts: list[str]):
    """L2-normalised TF-IDF rows (sparse), so that a row product is the cosine; None when no terms."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    try:
        return vec.fit_transform(texts).tocsr().astype(np.float32)
    except ValueError:  # only stop words
        return None


def lexical_similarity(texts: list[str]) -> np.ndarray:
    """Dense TF-IDF cosine of every pair: small inputs only (the pair stage works blockwise)."""
    if len(texts) < 2:
        return np.ones((len(texts), len(texts)), dtype=np.float32)
    m = tfidf_vectors(texts)
    if m is None:
        return np.zeros((len(texts), len(texts)), dtype=np.float32)
    return (m @ m.T).toarray().astype(np.float32)


def _rows_cosine(m, rows: slice, n: int) -> np.ndarray:
    if m is None:
        return np.zeros((rows.stop - rows.start, n), dtype=np.float32)
    return (m[rows] @ m.T).toarray().astype(np.float32, copy=False)


# elements per similarity block (rows x all claims): bounds memory at any corpus size (~32 MB per array)
BLOCK_ELEMENTS = 8_000_000


def candidate_pairs(claims: list[Claim], opts: PairOptions, embeddings: np.ndarray | None = None,
                    progress: bool = False, embedder=None) -> list[ClaimPair]:
    """Candidate pairs, computed one block of rows at a time: memory grows with N x block + N x k,
    never N x N.  Each claim keeps its ``top_k`` best partners; the pair's similarity is the higher
    of the sentence and the content similarity (a short attributed content, "X denied that P", can
    match a claim its whole sentence does not)."""
    from stance.models.embeddings import embed as local_embed
    from stance.stages.judge import nli_content

    n = len(claims)
    if n < 2:
        return []
    embed = embedder or local_embed   # the Ray engine passes its own
    texts = [c.text for c in claims]
    emb = embeddings if embeddings is not None else embed(texts, opts.embedding_model, opts.embedding_batch_size, progress)
    lex = tfidf_vectors(texts)
    contents = [nli_content(c) for c in claims]
    differ = [i for i, (c, t) in enumerate(zip(contents, texts)) if c != t]
    cemb = clex = None
    if differ:  # only contents that differ from their sentence are embedded again
        cemb = emb.copy()
        cemb[differ] = embed([contents[i] for i in differ], opts.embedding_model, opts.embedding_batch_size, progress)
        clex = tfidf_vectors(contents)
    w = opts.embedding_weight
    docs = np.array([c.doc_id for c in claims])
    k = n - 1 if opts.mode == "all" else min(opts.top_k, n - 1)
    found: dict[tuple[int, int], tuple[float, float, float]] = {}
    step = max(16, BLOCK_ELEMENTS // n)
    blocks = range(0, n, step)
    if progress and n > step:
        from tqdm import tqdm

        blocks = tqdm(blocks, desc="pairs", unit="block", leave=False)
    for start in blocks:
        rows = slice(start, min(n, start + step))
        emb_sim = emb[rows] @ emb.T
        lex_sim = _rows_cosine(lex, rows, n)
        sim = w * emb_sim + (1 - w) * lex_sim
        if cemb is not None:
            np.maximum(sim, w * (cemb[rows] @ cemb.T) + (1 - w) * _rows_cosine(clex, rows, n), out=sim)
        allowed = np.ones_like(sim, dtype=bool) if opts.within_document else docs[rows, None] != docs[None, :]
        allowed[np.arange(rows.stop - rows.start), np.arange(rows.start, rows.stop)] = False
        if opts.mode != "all":
            allowed &= sim >= opts.min_similarity
        if k <= 0:
            continue
        masked = np.where(allowed, sim, -np.inf)
        top = np.argpartition(-masked, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (len(masked), 1))
        for r, cols in enumerate(top):
            i = rows.start + r
            for j in cols.tolist():
                if np.isfinite(masked[r, j]):
                    key = (min(i, j), max(i, j))
                    if key not in found:
                        found[key] = (float(sim[r, j]), float(emb_sim[r, j]), float(lex_sim[r, j]))
    out = []
    for (i, j), (s, e, lx) in found.items():
        a, b = (claims[i], claims[j]) if claims[i].id < claims[j].id else (claims[j], claims[i])
        out.append(ClaimPair(a, b, round(s, 4), round(e, 4), round(lx, 4)))
    out.sort(key=lambda p: (-p.similarity, p.a.id, p.b.id))
    return out
