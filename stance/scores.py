"""Stage 4, scores: NLI probabilities for each claim pair, in both directions."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pairs import ClaimPair
from .scorer import Scorer, predict_both_directions


@dataclass(frozen=True)
class ScoredPair:
    pair: ClaimPair
    labels: tuple[str, ...]              # the model's scheme, e.g. entailment/neutral/contradiction
    forward: tuple[float, ...]           # P(label | premise=a, hypothesis=b)
    backward: tuple[float, ...]          # P(label | premise=b, hypothesis=a)
    support: float                       # combined over both directions (see stance.matrices)
    contradiction: float | None          # None for a 2-way model: it cannot tell contradiction from neutral

    def prob(self, label: str, direction: str = "forward") -> float:
        probs = self.forward if direction == "forward" else self.backward
        return probs[self.labels.index(label)]


def combine(x: float, y: float, rule: str) -> float:
    if rule == "max":
        return max(x, y)
    if rule == "min":
        return min(x, y)
    return (x + y) / 2


def score_pairs(pairs: list[ClaimPair], scorer: Scorer, batch_size: int | None = None,
                contradiction_combine: str = "mean", support_combine: str = "max") -> list[ScoredPair]:
    if not pairs:
        return []
    fwd, bwd = predict_both_directions(scorer, [(p.a.text, p.b.text) for p in pairs], batch_size)
    labels = tuple(scorer.labels)
    e = labels.index("entailment")
    c = labels.index("contradiction") if "contradiction" in labels else None
    out = []
    for p, f, b in zip(pairs, fwd, bwd):
        f, b = np.round(f.astype(float), 5), np.round(b.astype(float), 5)
        out.append(ScoredPair(
            pair=p, labels=labels, forward=tuple(f.tolist()), backward=tuple(b.tolist()),
            support=round(float(combine(f[e], b[e], support_combine)), 5),
            contradiction=None if c is None else round(float(combine(f[c], b[c], contradiction_combine)), 5)))
    return out
