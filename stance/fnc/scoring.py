"""The official FNC-1 score, macro-F1, per-class figures and the confusion matrix."""
from __future__ import annotations

from stance.errors import StanceError

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from stance.data.stance_csv import FNC_LABELS, RELATED_LABELS


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Official FNC-1 score: +0.25 when gold and prediction agree on related vs unrelated,
    +0.75 more when a related gold pair gets its exact label."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    score = 0.0
    for g, p in zip(gold, predicted):
        if (g in RELATED_LABELS) == (p in RELATED_LABELS):
            score += 0.25
        if g in RELATED_LABELS and g == p:
            score += 0.75
    return score


def fnc_best_score(gold: Sequence[str]) -> float:
    return fnc_score(gold, gold)


@dataclass(frozen=True)
class ClassFigures:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class FNCEvaluation:
    n: int
    fnc_score: float
    fnc_best: float
    fnc_relative: float
    macro_f1: float
    per_class: dict[str, ClassFigures]
    confusion: list[list[int]]  # rows gold, columns predicted, both in FNC_LABELS order
    labels: tuple[str, ...] = FNC_LABELS

    def summary(self) -> dict:
        """The figures as plain JSON types (without the run time)."""
        return {"n": self.n, "fnc_score": self.fnc_score, "fnc_relative": self.fnc_relative,
                "macro_f1": self.macro_f1, "per_class": {k: asdict(v) for k, v in self.per_class.items()},
                "confusion": self.confusion, "labels": list(self.labels)}


def evaluate(gold: Sequence[str], predicted: Sequence[str]) -> FNCEvaluation:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    gold, predicted = list(gold), list(predicted)
    if not gold:
        raise StanceError("no headline-body pairs to evaluate; check the stances file")
    unknown = sorted(set(gold + predicted) - set(FNC_LABELS))
    if unknown:
        raise StanceError(f"unknown stance label(s) {unknown}; use {', '.join(FNC_LABELS)}")
    prec, rec, f1, support = precision_recall_fscore_support(gold, predicted, labels=list(FNC_LABELS),
                                                             zero_division=0)
    per_class = {lab: ClassFigures(float(prec[i]), float(rec[i]), float(f1[i]), int(support[i]))
                 for i, lab in enumerate(FNC_LABELS)}
    score, best = fnc_score(gold, predicted), fnc_best_score(gold)
    conf = confusion_matrix(gold, predicted, labels=list(FNC_LABELS))
    return FNCEvaluation(n=len(gold), fnc_score=score, fnc_best=best, fnc_relative=score / best if best else 0.0,
                         macro_f1=float(np.mean(f1)), per_class=per_class,
                         confusion=[[int(x) for x in row] for row in conf])


def format_evaluation(ev: FNCEvaluation) -> str:
    lines = [f"FNC score: {ev.fnc_score:.2f} / {ev.fnc_best:.2f} ({100 * ev.fnc_relative:.2f}%)   "
             f"macro-F1: {ev.macro_f1:.4f}   pairs: {ev.n}",
             f"{'':10s} {'precision':>9s} {'recall':>7s} {'F1':>7s} {'support':>8s}"]
    for lab, c in ev.per_class.items():
        lines.append(f"{lab:10s} {c.precision:9.4f} {c.recall:7.4f} {c.f1:7.4f} {c.support:8d}")
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(f"{'':10s}" + "".join(f"{lab:>10s}" for lab in ev.labels))
    for lab, row in zip(ev.labels, ev.confusion):
        lines.append(f"{lab:10s}" + "".join(f"{x:10d}" for x in row))
    return "\n".join(lines)
