"""``stance fnc-train``: fit the head on a body-disjoint split, choose by dev score, run the ablation."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from stance.data import DEFAULT_DATA_DIR, data_path
from stance.data.stance_csv import (RELATED_LABELS, FNCData, StanceExample, read_fnc_csvs, split_by_body,
                                    write_fnc_csvs)
from stance.errors import StanceError
from stance.fnc.config import FEATURE_SETTINGS, FNCConfig, HeadSpec, _resolve
from stance.fnc.features import (FEATURE_GROUPS, FEATURE_NAMES, NLI_VARIANTS, TFIDF_FEATURES, FeatureBuilder,
                                 feature_columns, fit_tfidf, tfidf_features)
from stance.fnc.head import FNCHead, fit_classifier
from stance.fnc.scoring import FNCEvaluation, evaluate

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Candidate:
    name: str
    train_set: str                    # fnc | fnc+arc
    groups: tuple[str, ...]
    evaluation: FNCEvaluation         # the whole dev split
    unseen: FNCEvaluation | None      # dev bodies the NLI model never trained on (nli_holdout_fraction)


def _metric(ev: FNCEvaluation, select_on: str) -> float:
    if select_on == "macro_f1":
        return ev.macro_f1
    if select_on == "mean":
        return (ev.fnc_relative + ev.macro_f1) / 2
    return ev.fnc_relative


@dataclass(frozen=True)
class TrainResult:
    head: FNCHead
    chosen: Candidate
    candidates: list[Candidate]
    ablation: list[Candidate]
    counts: dict
    seconds: float

    def to_json(self) -> dict:
        def c(x: Candidate) -> dict:
            return {"name": x.name, "train_set": x.train_set, "groups": list(x.groups), **x.evaluation.summary(),
                    "unseen_by_nli": x.unseen.summary() if x.unseen else None}

        return {"chosen": c(self.chosen), "candidates": [c(x) for x in self.candidates],
                "ablation": [c(x) for x in self.ablation], "counts": self.counts, "seconds": round(self.seconds, 1)}


def train_fnc(cfg: FNCConfig, *, scorer=None, quiet: bool = False,
              fnc_data: FNCData | None = None, arc_data: FNCData | None = None,
              dev_csv_dir: str | Path | None = None) -> TrainResult:
    """Fit the head on a body-disjoint train split, pick the candidate by dev score, run the ablation."""
    t0 = time.perf_counter()
    say = (lambda m: None) if quiet else log.info
    data_dir = _resolve(cfg.data_dir) if cfg.data_dir else DEFAULT_DATA_DIR
    if fnc_data is None:
        fnc_data = read_fnc_csvs(data_path(data_dir, "fnc1", "train_bodies.csv"),
                                 data_path(data_dir, "fnc1", "train_stances.csv"))
    if not fnc_data.labelled:
        raise StanceError("FNC-1 training stances have no Stance column; pass the labelled train_stances.csv")
    train_rows, dev_rows = split_by_body(fnc_data.stances, cfg.dev_fraction, cfg.seed)
    # configs/train_nli.yaml trains the NLI model on FNC-1 pairs too, holding out the bodies of
    # split_by_body(..., nli_holdout_fraction, seed): the dev figures are also given for those alone
    unseen_bodies = ({s.body_id for s in split_by_body(fnc_data.stances, cfg.nli_holdout_fraction, cfg.seed)[1]}
                     if cfg.nli_holdout_fraction > 0 else set())
    unseen_rows = [i for i, s in enumerate(dev_rows) if s.body_id in unseen_bodies]
    if dev_csv_dir:
        dev_dir = Path(dev_csv_dir)
        write_fnc_csvs(FNCData(fnc_data.bodies, dev_rows, True), dev_dir / "dev_bodies.csv",
                       dev_dir / "dev_stances.csv")
        say(f"dev split written to {dev_dir}/dev_{{bodies,stances}}.csv")
    use_arc = cfg.add_arc or cfg.compare_arc
    if use_arc and arc_data is None:
        arc_data = read_fnc_csvs(data_path(data_dir, "arc_stance", "arc_bodies.csv"),
                                 data_path(data_dir, "arc_stance", "arc_stances_train.csv"))
    builder = FeatureBuilder(cfg, scorer=scorer, quiet=quiet)
    say(f"FNC-1: {len(train_rows)} train / {len(dev_rows)} dev pairs (body-disjoint)"
        + (f"; ARC: {len(arc_data.stances)} pairs" if use_arc and arc_data else ""))

    # Features that do not depend on the TF-IDF vocabulary are built once (and cached on disk);
    # the TF-IDF columns are refilled for each training set's vocabulary.
    vec_fnc = fit_tfidf(_texts(fnc_data.bodies, train_rows), cfg.tfidf_max_features)
    X_train = builder.build(fnc_data.bodies, train_rows, vec_fnc)
    X_dev = builder.build(fnc_data.bodies, dev_rows, vec_fnc)
    y_train, y_dev = [s.stance for s in train_rows], [s.stance for s in dev_rows]
    sets = {"fnc": (X_train, y_train, X_dev, vec_fnc)}
    if use_arc and arc_data:
        vec_arc = fit_tfidf(_texts(fnc_data.bodies, train_rows) + _texts(arc_data.bodies, arc_data.stances),
                            cfg.tfidf_max_features)
        X_arc = builder.build(arc_data.bodies, arc_data.stances, vec_arc)
        Xt = _refill_tfidf(X_train, builder, fnc_data.bodies, train_rows, vec_arc)
        Xd = _refill_tfidf(X_dev, builder, fnc_data.bodies, dev_rows, vec_arc)
        sets["fnc+arc"] = (np.vstack([Xt, X_arc]), y_train + [s.stance for s in arc_data.stances], Xd, vec_arc)
    main_set = "fnc+arc" if cfg.add_arc and "fnc+arc" in sets else "fnc"
    all_groups = tuple(FEATURE_GROUPS)

    def trial(spec: HeadSpec, set_name: str, groups: tuple[str, ...]) -> tuple[Candidate, object]:
        Xt, yt, Xd, _ = sets[set_name]
        cols = feature_columns(groups)
        clf = fit_classifier(spec, Xt[:, cols], yt, cfg.seed)
        pred = [str(p) for p in clf.predict(Xd[:, cols])]
        ev = evaluate(y_dev, pred)
        unseen = evaluate([y_dev[i] for i in unseen_rows], [pred[i] for i in unseen_rows]) if unseen_rows else None
        say(f"  {spec.name:28s} {set_name:8s} {'+'.join(groups):40s} "
            f"FNC {100 * ev.fnc_relative:6.2f}%  macro-F1 {ev.macro_f1:.4f}"
            + (f"  (unseen by NLI: {100 * unseen.fnc_relative:6.2f}% / {unseen.macro_f1:.4f})" if unseen else ""))
        return Candidate(spec.name, set_name, groups, ev, unseen), clf

    say("head candidates (dev split):")
    results = [(spec, *trial(spec, main_set, all_groups)) for spec in cfg.candidates]
    best_spec, chosen, best_clf = max(results, key=lambda r: _metric(r[1].evaluation, cfg.select_on))
    ablation: list[Candidate] = []
    if cfg.ablation:
        say(f"ablation with {best_spec.name}:")
        for n in range(1, len(all_groups)):
            ablation.append(trial(best_spec, main_set, all_groups[:n])[0])
        ablation.append(chosen)
        for other in sets:
            if other != main_set:
                ablation.append(trial(best_spec, other, all_groups)[0])
        for without in NLI_VARIANTS:  # what the optional NLI passes add (each costs CPU time)
            ablation.append(trial(best_spec, main_set, all_groups + (without,))[0])
    feature_cfg = {k: getattr(cfg, k) for k in FEATURE_SETTINGS}
    head = FNCHead(best_clf, tuple(feature_columns(all_groups)), sets[main_set][3], best_spec, feature_cfg,
                   nli_model=builder.nli_model_id())
    counts = {"train": len(train_rows), "dev": len(dev_rows), "train_set": main_set,
              "arc": len(arc_data.stances) if use_arc and arc_data else 0,
              "dev_pairs_with_nli": int((X_dev[:, FEATURE_NAMES.index("nli_skipped")] == 0).sum()),
              "dev_related_below_floor": int(sum(1 for x, g in zip(X_dev[:, FEATURE_NAMES.index("nli_skipped")], y_dev)
                                                 if x == 1 and g in RELATED_LABELS))}
    return TrainResult(head, chosen, [c for _, c, _ in results], ablation, counts, time.perf_counter() - t0)


def _texts(bodies: dict[str, str], rows: Sequence[StanceExample]) -> list[str]:
    return [bodies[b] for b in sorted({s.body_id for s in rows})] + sorted({s.headline for s in rows})


def _refill_tfidf(X: np.ndarray, builder: FeatureBuilder, bodies, rows, vectorizer) -> np.ndarray:
    """Recompute only the TF-IDF columns for another vocabulary (everything else is unchanged)."""
    X = X.copy()
    prepared = builder.prepare_bodies(bodies, (s.body_id for s in rows))
    X[:, [FEATURE_NAMES.index(n) for n in TFIDF_FEATURES]] = tfidf_features(bodies, prepared, rows, vectorizer)
    return X
