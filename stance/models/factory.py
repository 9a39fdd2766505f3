"""The scorer factory: one ``load_scorer`` for every backend behind the ``Scorer`` protocol."""
from __future__ import annotations

import os

from stance.errors import StanceError
from stance.models.scorer import HFNLIScorer

BACKENDS = ("torch", "onnx")


def load_scorer(name_or_path: str | os.PathLike, backend: str = "torch", **kwargs) -> HFNLIScorer:
    """The NLI scorer for ``backend``: ``torch`` (``HFNLIScorer``) or ``onnx`` (ONNX Runtime,
    ``stance.models.onnx_scorer.OnnxNLIScorer``); same tokenisation, labels, calibration and ``predict``."""
    if backend == "onnx":
        from stance.models.onnx_scorer import OnnxNLIScorer

        return OnnxNLIScorer(str(name_or_path), **kwargs)
    if backend != "torch":
        raise StanceError(f"scoring.backend: '{backend}' is not a backend; use {' or '.join(BACKENDS)}")
    kwargs.pop("cache_dir", None)
    return HFNLIScorer(str(name_or_path), **kwargs)
