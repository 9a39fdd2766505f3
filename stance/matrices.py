"""Stage 5, matrices: claim x claim and document x document scores.

Claim pair (see ``stance.scores``): contradiction = mean of P(contradiction) over both
directions (contradiction is symmetric, and averaging damps a single noisy direction);
support = max of P(entailment) over both directions (either claim entailing the other).

Document pair: score = mean of the ``doc_top_k`` highest claim-pair scores between the two
documents (SummaC-style aggregation between its "max" and "mean": one strong pair counts,
a single outlier alone is damped when k > 1).  Counts are claim pairs at or over the thresholds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .claims import Claim
from .scores import ScoredPair


@dataclass(frozen=True)
class ClaimMatrix:
    claim_ids: tuple[str, ...]
    contradiction: np.ndarray  # NaN where the pair was not scored
    support: np.ndarray


@dataclass(frozen=True)
class DocPair:
    doc_a: str
    doc_b: str
    n_pairs: int
    contradiction: float
    support: float
    n_contradictions: int
    n_supports: int
    top_contradictions: tuple[ScoredPair, ...]
    top_supports: tuple[ScoredPair, ...]


@dataclass(frozen=True)
class DocMatrix:
    doc_ids: tuple[str, ...]
    contradiction: np.ndarray
    support: np.ndarray
    n_contradictions: np.ndarray
    n_supports: np.ndarray
    n_pairs: np.ndarray
    pairs: tuple[DocPair, ...]


def claim_matrix(claims: list[Claim], scored: list[ScoredPair]) -> ClaimMatrix:
    ids = tuple(c.id for c in claims)
    index = {cid: i for i, cid in enumerate(ids)}
    n = len(ids)
    con = np.full((n, n), np.nan)
    sup = np.full((n, n), np.nan)
    for s in scored:
        i, j = index[s.pair.a.id], index[s.pair.b.id]
        if s.contradiction is not None:
            con[i, j] = con[j, i] = s.contradiction
        sup[i, j] = sup[j, i] = s.support
    return ClaimMatrix(ids, con, sup)


def _top_mean(values: list[float], k: int) -> float:
    if not values:
        return 0.0
    top = sorted(values, reverse=True)[:max(1, k)]
    return float(np.mean(top))


def doc_matrix(doc_ids: list[str], scored: list[ScoredPair], top_k: int = 3,
               contradiction_threshold: float = 0.5, support_threshold: float = 0.5,
               evidence_per_pair: int = 3) -> DocMatrix:
    ids = tuple(doc_ids)
    index = {d: i for i, d in enumerate(ids)}
    n = len(ids)
    groups: dict[tuple[str, str], list[ScoredPair]] = {}
    for s in scored:
        key = tuple(sorted((s.pair.a.doc_id, s.pair.b.doc_id)))
        groups.setdefault(key, []).append(s)
    con, sup = np.full((n, n), np.nan), np.full((n, n), np.nan)
    ncon, nsup, npairs = np.zeros((n, n), int), np.zeros((n, n), int), np.zeros((n, n), int)
    pairs = []
    for a in range(n):
        for b in range(a + 1, n):
            key = (ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a])
            items = groups.get(key, [])
            cvals = [s.contradiction for s in items if s.contradiction is not None]
            svals = [s.support for s in items]
            dp = DocPair(
                doc_a=key[0], doc_b=key[1], n_pairs=len(items),
                contradiction=round(_top_mean(cvals, top_k), 4), support=round(_top_mean(svals, top_k), 4),
                n_contradictions=sum(v >= contradiction_threshold for v in cvals),
                n_supports=sum(v >= support_threshold for v in svals),
                top_contradictions=tuple(sorted((s for s in items if s.contradiction is not None),
                                                key=lambda s: -s.contradiction)[:evidence_per_pair]),
                top_supports=tuple(sorted(items, key=lambda s: -s.support)[:evidence_per_pair]))
            pairs.append(dp)
            i, j = index[key[0]], index[key[1]]
            con[i, j] = con[j, i] = dp.contradiction
            sup[i, j] = sup[j, i] = dp.support
            ncon[i, j] = ncon[j, i] = dp.n_contradictions
            nsup[i, j] = nsup[j, i] = dp.n_supports
            npairs[i, j] = npairs[j, i] = dp.n_pairs
    # same-document pairs exist only in within_document mode
    for key, items in groups.items():
        if key[0] == key[1]:
            i = index[key[0]]
            cvals = [s.contradiction for s in items if s.contradiction is not None]
            con[i, i] = _top_mean(cvals, top_k)
            sup[i, i] = _top_mean([s.support for s in items], top_k)
            ncon[i, i] = sum(v >= contradiction_threshold for v in cvals)
            nsup[i, i] = sum(s.support >= support_threshold for s in items)
            npairs[i, i] = len(items)
    pairs.sort(key=lambda p: -p.contradiction)
    return DocMatrix(ids, con, sup, ncon, nsup, npairs, tuple(pairs))


def ranked_contradictions(scored: list[ScoredPair]) -> list[ScoredPair]:
    return sorted((s for s in scored if s.contradiction is not None),
                  key=lambda s: (-s.contradiction, s.pair.a.id, s.pair.b.id))


def ranked_supports(scored: list[ScoredPair]) -> list[ScoredPair]:
    return sorted(scored, key=lambda s: (-s.support, s.pair.a.id, s.pair.b.id))
