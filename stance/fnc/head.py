"""The FNC-1 head: a scikit-learn classifier over the features, saved and loaded without pickle."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from stance.errors import StanceError
from stance.fnc.config import FEATURE_SETTINGS, FNCConfig, HeadSpec, _resolve
from stance.iohelpers import atomic_write_bytes

HEAD_FILE = "fnc_head.skops"
HEAD_FORMAT = 2


@dataclass(frozen=True)
class FNCHead:
    """Everything needed to predict: the classifier, its feature columns and the TF-IDF vocabulary."""
    classifier: object
    columns: tuple[int, ...]           # indices into FEATURE_NAMES
    vectorizer: object
    spec: HeadSpec
    config: dict                       # the FNCConfig feature settings it was trained with
    nli_model: str                     # weights sha256 (or name) of the NLI model behind its features
    format: int = HEAD_FORMAT

    def predict(self, X: np.ndarray) -> list[str]:
        return [str(x) for x in self.classifier.predict(X[:, list(self.columns)])]


def _sample_weights(y: Sequence[str], mode: str) -> np.ndarray | None:
    if mode == "none":
        return None
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    w = {lab: len(y) / (len(labels) * c) for lab, c in zip(labels, counts)}
    if mode == "sqrt":
        w = {lab: np.sqrt(v) for lab, v in w.items()}
    return np.array([w[lab] for lab in y], dtype=np.float64)


def fit_classifier(spec: HeadSpec, X: np.ndarray, y: Sequence[str], seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if spec.kind == "hgb":
        params = {"max_iter": 300, "learning_rate": 0.08, "max_leaf_nodes": 31, "l2_regularization": 1.0,
                  "early_stopping": False, **spec.params}
        clf = HistGradientBoostingClassifier(random_state=seed, **params)
        clf.fit(X, y, sample_weight=_sample_weights(y, spec.class_weight))
        return clf
    params = {"C": 1.0, "max_iter": 3000, **spec.params}
    clf = make_pipeline(StandardScaler(), LogisticRegression(**params))
    clf.fit(X, y, logisticregression__sample_weight=_sample_weights(y, spec.class_weight))
    return clf


# Types a head file may contain.  skops refuses anything else, so loading a head from someone
# else's model folder cannot run their code (a pickle could).
TRUSTED_TYPES = (
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn._loss.loss.HalfMultinomialLoss", "sklearn._loss.link.MultinomialLogit",
    "sklearn._loss.link.Interval", "sklearn._loss._loss.CyHalfMultinomialLoss",
    "sklearn.pipeline.Pipeline", "sklearn.preprocessing._data.StandardScaler",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.TfidfTransformer",
    "numpy.float64", "numpy.int64", "numpy.dtype", "builtins.frozenset",
)


def save_head(head: FNCHead, path: str | Path) -> Path:
    """One skops file: the classifier, the TF-IDF vectorizer and the metadata as plain values."""
    import skops.io as sio

    path = Path(path)
    payload = {"format": head.format, "classifier": head.classifier, "vectorizer": head.vectorizer,
               "columns": list(head.columns), "config": dict(head.config), "nli_model": head.nli_model,
               "spec": {"kind": head.spec.kind, "class_weight": head.spec.class_weight,
                        "params": dict(head.spec.params)}}
    atomic_write_bytes(path, sio.dumps(payload, compression=8, compresslevel=9))  # ZIP_DEFLATED
    return path


def load_head(path: str | Path) -> FNCHead:
    import skops.io as sio

    path = Path(path)
    if not path.exists():
        raise StanceError(f"{path}: FNC head not found; train it with `stance fnc-train` or pass --head")
    data = path.read_bytes()
    try:
        untrusted = [t for t in sio.get_untrusted_types(data=data) if t not in TRUSTED_TYPES]
    except Exception as exc:  # not a zip, a damaged schema: many types
        raise StanceError(f"{path}: not a readable FNC head ({type(exc).__name__}); re-run `stance fnc-train`") from None
    if untrusted:
        raise StanceError(f"{path}: the head contains types this project does not trust ({', '.join(untrusted[:3])}); "
                          f"retrain it with `stance fnc-train` instead of loading it")
    try:
        raw = sio.loads(data, trusted=list(TRUSTED_TYPES))
        spec = HeadSpec(raw["spec"]["kind"], raw["spec"]["class_weight"], dict(raw["spec"]["params"]))
        head = FNCHead(raw["classifier"], tuple(int(c) for c in raw["columns"]), raw["vectorizer"], spec,
                       dict(raw["config"]), str(raw["nli_model"]), int(raw["format"]))
    except Exception as exc:
        raise StanceError(f"{path}: cannot read the FNC head ({type(exc).__name__}); re-run `stance fnc-train`") from None
    if head.format != HEAD_FORMAT:
        raise StanceError(f"{path}: an FNC head of format {head.format}, this version reads {HEAD_FORMAT}; "
                          f"re-run `stance fnc-train`")
    return head


def head_config(cfg: FNCConfig, head: FNCHead) -> FNCConfig:
    """Feature settings come from the head (they must match training); runtime settings from ``cfg``."""
    return cfg.model_copy(update={k: head.config[k] for k in FEATURE_SETTINGS if k in head.config})


def default_head_path(model: str) -> Path:
    folder = _resolve(model)
    return (folder if folder.is_dir() else _resolve("models/stance-nli-minilm")) / HEAD_FILE
