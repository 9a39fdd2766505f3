"""Stage 5, matrices: claim x claim, document x document and speaker x speaker scores.

Claim pair (see ``stance.judge``): the conflict ``score`` of the source-aware judgement
(contradicts, denies and disputes ranked together) and its support.

Document pair, ``doc_aggregation`` (k = ``doc_top_k``):
  ``disagreement`` (default): w x U + (1 - w) x R x (1 - S), with U the top-k mean of the *unmatched*
      conflicts (a conflict discounted when either claim is also supported by the other document, see
      ``unmatched_conflicts``), S the top-k mean support, R the top-k mean similarity of the pairs and
      w = ``doc_conflict_weight``.  Two articles on one event disagree when they carry conflicts that
      neither also supports and do not support each other's claims; articles that agree share many
      near-duplicate, supported claims.  Chosen, with w, on the tune half of an FNC-1 agree-vs-disagree
      check (``benchmarks/bench_doc_conflict.py``); the check half reports it.
  ``unmatched``: U alone.  ``topk``: mean of the top-k conflict scores.  ``net``: top-k conflict minus
      ``doc_support_weight`` x top-k support.  ``share``: conflict mass / (conflict + support mass).
Counts are claim pairs whose relation is a conflict, or ``supports``.

Speaker pair: over all claim pairs between two speakers' claims (across documents), the mean of
the top-k conflict scores and the count of conflicts, by relation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stance.stages.claims import Claim
from stance.stages.judge import CONFLICTS
from stance.stages.scores import ScoredPair


@dataclass(frozen=True)
class ClaimMatrix:
    """Claim x claim conflict and support, sparse: only scored pairs are held (memory grows with the
    pairs, never N x N).  ``value(i, j)`` is NaN where the pair was not scored."""
    claim_ids: tuple[str, ...]
    contradiction: "scipy.sparse.csr_matrix"   # noqa: F821
    support: "scipy.sparse.csr_matrix"         # noqa: F821
    scored: "scipy.sparse.csr_matrix"          # noqa: F821  1 where the pair was scored

    def value(self, i: int, j: int, kind: str = "contradiction") -> float:
        if not self.scored[i, j]:
            return float("nan")
        return float(getattr(self, kind)[i, j])


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
    """Document pairs, sparse: ``pairs`` holds every document pair with a scored claim pair, most
    conflicted first.  The dense arrays cover ``doc_ids`` only: every document of a small corpus, or
    the ``max_docs`` most conflicted of a large one (the rest stay reachable through ``pairs``)."""
    doc_ids: tuple[str, ...]
    contradiction: np.ndarray
    support: np.ndarray
    n_contradictions: np.ndarray
    n_supports: np.ndarray
    n_pairs: np.ndarray
    pairs: tuple[DocPair, ...]
    all_doc_ids: tuple[str, ...] = ()


def claim_matrix(claims: list[Claim], scored: list[ScoredPair]) -> ClaimMatrix:
    from scipy import sparse

    ids = tuple(c.id for c in claims)
    index = {cid: i for i, cid in enumerate(ids)}
    n = len(ids)
    ii = np.array([index[s.pair.a.id] for s in scored] + [index[s.pair.b.id] for s in scored], dtype=np.int64)
    jj = np.concatenate([ii[len(scored):], ii[:len(scored)]]) if scored else ii
    con = np.array([s.score for s in scored] * 2, dtype=np.float32)
    sup = np.array([_support(s) for s in scored] * 2, dtype=np.float32)

    def build(v):
        return sparse.csr_matrix((v, (ii, jj)), shape=(n, n))

    return ClaimMatrix(ids, build(con), build(sup), build(np.ones(len(ii), dtype=np.int8)))


def _support(s: ScoredPair) -> float:
    return s.judgement.support if s.judgement else s.support


def is_conflict(s: ScoredPair) -> bool:
    return s.relation in CONFLICTS


DOC_AGGREGATIONS = ("disagreement", "unmatched", "topk", "net", "share")


def doc_conflict(items: list[ScoredPair], rule: str = "disagreement", k: int = 3, support_weight: float = 1.0,
                 conflict_weight: float = 0.25) -> float:
    """One document pair's conflict from its claim pairs (see the module docstring)."""
    if rule == "disagreement":
        if not items:
            return 0.0
        related = _top_mean([s.pair.similarity for s in items], k)
        support = _top_mean([_support(s) for s in items], k)
        return conflict_weight * _top_mean(unmatched_conflicts(items), k) + \
            (1 - conflict_weight) * related * (1 - support)
    conflict = _top_mean([s.score for s in items], k)
    if rule == "topk":
        return conflict
    if rule == "net":
        return max(0.0, conflict - support_weight * _top_mean([_support(s) for s in items], k))
    if rule == "share":  # the conflicting share of all the evidence, weighted by strength
        c = sum(s.score for s in items)
        return c / (c + sum(_support(s) for s in items) + 1e-9) if items else 0.0
    if rule == "unmatched":
        return _top_mean(unmatched_conflicts(items), k)
    raise ValueError(f"unknown document aggregation {rule!r}")


def unmatched_conflicts(items: list[ScoredPair]) -> list[float]:
    """Each claim pair's conflict, discounted when either claim is also supported by the other document.

    A document that *reports* a dispute holds both sides ("officials said P"; "the spokesman denied P"),
    so two articles that agree still pair one's denial with the other's assertion.  That conflict is
    not a disagreement between the documents if the other document also carries the same claim: the
    pair (a, b) counts score x (1 - best support of a among B's claims) x (1 - best support of b among A's).
    """
    top2: dict[str, list[tuple[float, int]]] = {}   # claim -> its two best supports (value, pair index)
    for i, s in enumerate(items):
        for c in (s.pair.a.id, s.pair.b.id):
            top2[c] = sorted(top2.get(c, []) + [(_support(s), i)], reverse=True)[:2]

    def best_other(claim: str, i: int) -> float:  # a pair's own support is not "also supported"
        return next((v for v, j in top2[claim] if j != i), 0.0)

    return [s.score * (1 - best_other(s.pair.a.id, i)) * (1 - best_other(s.pair.b.id, i))
            for i, s in enumerate(items)]


def _top_mean(values: list[float], k: int) -> float:
    if not values:
        return 0.0
    top = sorted(values, reverse=True)[:max(1, k)]
    return float(np.mean(top))


def doc_matrix(doc_ids: list[str], scored: list[ScoredPair], top_k: int = 3,
               contradiction_threshold: float = 0.5, support_threshold: float = 0.5,
               evidence_per_pair: int = 3, aggregation: str = "disagreement", support_weight: float = 1.0,
               conflict_weight: float = 0.25, max_docs: int = 0) -> DocMatrix:
    """Document pairs from their claim pairs.  Only pairs with scored claim pairs are built (a document
    pair with none has no evidence: conflict 0); ``max_docs`` > 0 bounds the dense view."""
    all_ids = tuple(doc_ids)
    groups: dict[tuple[str, str], list[ScoredPair]] = {}
    for s in scored:
        key = tuple(sorted((s.pair.a.doc_id, s.pair.b.doc_id)))
        groups.setdefault(key, []).append(s)
    pairs, same = [], {}
    for key, items in groups.items():
        dp = DocPair(
            doc_a=key[0], doc_b=key[1], n_pairs=len(items),
            contradiction=round(doc_conflict(items, aggregation, top_k, support_weight, conflict_weight), 4),
            support=round(_top_mean([_support(s) for s in items], top_k), 4),
            n_contradictions=sum(is_conflict(s) for s in items),
            n_supports=sum(s.relation == "supports" for s in items),
            top_contradictions=tuple(sorted((s for s in items if is_conflict(s)),
                                            key=lambda s: -s.score)[:evidence_per_pair]),
            top_supports=tuple(sorted((s for s in items if s.relation == "supports"),
                                      key=lambda s: -_support(s))[:evidence_per_pair]))
        if key[0] == key[1]:
            same[key[0]] = dp   # same-document pairs exist only in within_document mode
        else:
            pairs.append(dp)
    pairs.sort(key=lambda p: (-p.contradiction, p.doc_a, p.doc_b))
    ids = all_ids
    if max_docs and len(all_ids) > max_docs:
        mass: dict[str, float] = {}
        for p in pairs:
            for d in (p.doc_a, p.doc_b):
                mass[d] = mass.get(d, 0.0) + p.contradiction
        keep = set(sorted(all_ids, key=lambda d: (-mass.get(d, 0.0), d))[:max_docs])
        ids = tuple(d for d in all_ids if d in keep)
    index = {d: i for i, d in enumerate(ids)}
    n = len(ids)
    con, sup = np.zeros((n, n)), np.zeros((n, n))
    np.fill_diagonal(con, np.nan)
    np.fill_diagonal(sup, np.nan)
    ncon, nsup, npairs = np.zeros((n, n), int), np.zeros((n, n), int), np.zeros((n, n), int)
    for dp in list(pairs) + list(same.values()):
        if dp.doc_a in index and dp.doc_b in index:
            i, j = index[dp.doc_a], index[dp.doc_b]
            con[i, j] = con[j, i] = dp.contradiction
            sup[i, j] = sup[j, i] = dp.support
            ncon[i, j] = ncon[j, i] = dp.n_contradictions
            nsup[i, j] = nsup[j, i] = dp.n_supports
            npairs[i, j] = npairs[j, i] = dp.n_pairs
    return DocMatrix(ids, con, sup, ncon, nsup, npairs, tuple(pairs), all_ids)


def ranked_contradictions(scored: list[ScoredPair]) -> list[ScoredPair]:
    """Every scored pair by conflict score, highest first (ties by claim ids, for stable output),
    restatements left out (see ``ranked_with_restatements``)."""
    return [s for s, _ in ranked_with_restatements(scored)]


def ranked_with_restatements(scored: list[ScoredPair]) -> list[tuple[ScoredPair, tuple[tuple[str, str], ...]]]:
    """The ranking with one row per conflict: a pair whose two sides restate a better-ranked pair's
    (same document, source, attitude and content as NLI reads it, e.g. a spokesman's two sentences
    that both deny the story) is listed under that pair as (claim_a, claim_b) instead of taking a rank."""
    from stance.stages.judge import reading_memo

    read = reading_memo()

    def side(c):   # the attitude as read: "X is not P" restates a denial of P
        return c.doc_id, c.speaker_id or c.speaker, *read(c)

    ranked = sorted(scored, key=lambda s: (-s.score, s.pair.a.id, s.pair.b.id))
    first: dict[tuple, int] = {}
    kept: list[tuple[ScoredPair, list]] = []
    for s in ranked:
        key = tuple(sorted((side(s.pair.a), side(s.pair.b))))
        if key in first:
            kept[first[key]][1].append((s.pair.a.id, s.pair.b.id))
        else:
            first[key] = len(kept)
            kept.append((s, []))
    return [(s, tuple(r)) for s, r in kept]


def ranked_supports(scored: list[ScoredPair]) -> list[ScoredPair]:
    return sorted(scored, key=lambda s: (-_support(s), s.pair.a.id, s.pair.b.id))


@dataclass(frozen=True)
class SpeakerPair:
    speaker_a: str
    speaker_b: str
    n_pairs: int
    score: float                      # mean of the top-k conflict scores between their claims
    counts: dict                      # relation -> number of claim pairs
    evidence: tuple[ScoredPair, ...]  # the strongest conflicts, best first


@dataclass(frozen=True)
class SpeakerMatrix:
    speakers: tuple[str, ...]         # the most conflicted speakers first (at most max_speakers)
    score: np.ndarray
    n_conflicts: np.ndarray
    pairs: tuple[SpeakerPair, ...]    # every speaker pair with a scored claim pair, most conflicted first


def speaker_matrix(scored: list[ScoredPair], top_k: int = 3, evidence: int = 3,
                   max_speakers: int = 40) -> SpeakerMatrix:
    """Speaker x speaker conflict: claims grouped by normalised speaker, across documents.
    Only pairs with scored claim pairs are held (a sparse map), so memory grows with the pairs."""
    groups: dict[tuple[str, str], list[ScoredPair]] = {}
    for s in scored:
        a, b = s.pair.a.speaker_id or s.pair.a.speaker, s.pair.b.speaker_id or s.pair.b.speaker
        if a == b:
            continue
        groups.setdefault(tuple(sorted((a, b))), []).append(s)
    pairs = []
    for (a, b), items in groups.items():
        counts: dict[str, int] = {}
        for s in items:
            counts[s.relation] = counts.get(s.relation, 0) + 1
        pairs.append(SpeakerPair(a, b, len(items), round(_top_mean([s.score for s in items], top_k), 4), counts,
                                 tuple(sorted((s for s in items if is_conflict(s)), key=lambda s: -s.score)[:evidence])))
    pairs.sort(key=lambda p: (-sum(p.counts.get(r, 0) for r in CONFLICTS), -p.score, p.speaker_a, p.speaker_b))
    mass: dict[str, float] = {}
    for p in pairs:
        for sp in (p.speaker_a, p.speaker_b):
            mass[sp] = mass.get(sp, 0.0) + sum(p.counts.get(r, 0) for r in CONFLICTS) + p.score
    speakers = tuple(sorted(mass, key=lambda sp: (-mass[sp], sp))[:max_speakers])
    index = {sp: i for i, sp in enumerate(speakers)}
    n = len(speakers)
    score, ncon = np.full((n, n), np.nan), np.zeros((n, n), int)
    for p in pairs:
        if p.speaker_a in index and p.speaker_b in index:
            i, j = index[p.speaker_a], index[p.speaker_b]
            score[i, j] = score[j, i] = p.score
            ncon[i, j] = ncon[j, i] = sum(p.counts.get(r, 0) for r in CONFLICTS)
    return SpeakerMatrix(speakers, score, ncon, tuple(pairs))
