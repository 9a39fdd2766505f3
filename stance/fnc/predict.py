"""``stance fnc``: predict (and score, when labelled) FNC-1 stances with a trained head."""
from __future__ import annotations

import logging
import json
import time
from dataclasses import dataclass
from pathlib import Path

from stance.data.stance_csv import FNC_LABELS, FNCData, read_fnc_csvs, write_predictions_csv
from stance.errors import StanceError
from stance.fnc.config import FNCConfig, load_fnc_config
from stance.fnc.features import FeatureBuilder
from stance.fnc.head import FNCHead, default_head_path, head_config, load_head
from stance.fnc.scoring import FNCEvaluation, evaluate
from stance.iohelpers import atomic_write_text

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class FNCRun:
    predictions: list[str]
    evaluation: FNCEvaluation | None
    seconds: float
    stats: dict


def predict_fnc(data: FNCData, head: FNCHead, cfg: FNCConfig, scorer=None,
                quiet: bool = False) -> tuple[list[str], dict]:
    builder = FeatureBuilder(head_config(cfg, head), scorer=scorer, quiet=quiet)
    X = builder.build(data.bodies, data.stances, head.vectorizer)
    ident = builder.nli_model_id() if builder.stats.get("pairs_with_nli") else None
    if ident and head.nli_model and ident != head.nli_model and not quiet:
        log.warning("the FNC head was trained on features of a different NLI model; retrain it with "
              "`stance fnc-train --model ...` for best results")
    return head.predict(X), dict(builder.stats)


def run_fnc(bodies_csv: str | Path, stances_csv: str | Path, *, model: str | None = None,
            head_path: str | Path | None = None, config: str | Path | None = None, cache_dir: str | None = None,
            json_out: str | Path | None = None, predictions_out: str | Path | None = None, quiet: bool = False,
            scorer=None) -> FNCRun:
    t0 = time.perf_counter()
    cfg = load_fnc_config(config, model=model, cache_dir=cache_dir)
    data = read_fnc_csvs(bodies_csv, stances_csv)
    if not data.labelled and not (json_out or predictions_out):
        raise StanceError(f"{stances_csv}: has no Stance column, so there is nothing to score; "
                          f"pass --predictions OUT.csv (or --json OUT.json) to write predictions")
    head = load_head(head_path or default_head_path(cfg.model))
    predictions, stats = predict_fnc(data, head, cfg, scorer=scorer, quiet=quiet)
    ev = evaluate(data.gold, predictions) if data.labelled else None
    seconds = time.perf_counter() - t0
    if predictions_out or not data.labelled:
        target = Path(predictions_out) if predictions_out else Path(json_out).with_suffix(".predictions.csv")
        write_predictions_csv(data.stances, predictions, target)
        stats["predictions_csv"] = str(target)
    if json_out:
        payload = ev.summary() if ev else {"n": len(predictions), "fnc_score": None, "fnc_relative": None,
                                           "macro_f1": None, "per_class": None, "confusion": None,
                                           "labels": list(FNC_LABELS)}
        payload["seconds"] = round(seconds, 3)
        atomic_write_text(json_out, json.dumps(payload, indent=2) + "\n")
    return FNCRun(predictions, ev, seconds, stats)
