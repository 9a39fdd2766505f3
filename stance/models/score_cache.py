"""The persistent NLI score cache (``stance.cache.DiskStore``): finished scores are never lost.

Each entry is one (premise, hypothesis) pair's probabilities under one *namespace*: the model's
weights hash, its labels and temperature, and every scorer setting that changes the numbers
(backend, precision, compute dtype, max length).  A rerun, or a rerun after adding documents, scores
only pairs it has not seen; a run killed mid-way resumes from the last chunk it wrote.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from stance.cache import CorruptCache, DiskStore

log = logging.getLogger(__name__)


def scorer_namespace(scorer) -> str | None:
    """Everything that changes a scorer's numbers, or None when the scorer cannot say (no weights hash)."""
    info = getattr(scorer, "info", None)
    sha = getattr(info, "weights_sha256", None)
    if not sha:
        return None
    parts = [sha, ",".join(scorer.labels), f"T={getattr(info, 'temperature', 1.0)}",
             f"backend={getattr(scorer, 'backend', 'torch')}", f"precision={getattr(scorer, 'precision', 'fp32')}",
             f"compute={getattr(info, 'compute_dtype', None)}",
             f"max_length={getattr(scorer, 'max_length', None)}"]
    return "|".join(parts)


class ScoreCache(DiskStore):
    def __init__(self, folder: str | os.PathLike, namespace: str, n_labels: int):
        self.n_labels = n_labels
        super().__init__(folder, namespace)

    def decode(self, raw: bytes) -> np.ndarray:
        v = np.frombuffer(raw, dtype=np.float32)
        if v.shape != (self.n_labels,) or not np.all(np.isfinite(v)) or abs(float(v.sum()) - 1) > 1e-3:
            raise CorruptCache("malformed entry")
        return v

    def encode(self, value) -> bytes:
        return np.asarray(value, dtype=np.float32).tobytes()

    def get_many(self, pairs: Sequence[tuple[str, str]]) -> dict[int, np.ndarray]:
        return super().get_many([tuple(p) for p in pairs])

    def put_many(self, pairs: Sequence[tuple[str, str]], probs) -> None:
        super().put_many([tuple(p) for p in pairs], list(np.asarray(probs, dtype=np.float32)))


def open_score_cache(scorer, root: str | os.PathLike) -> ScoreCache | None:
    """The cache for ``scorer`` under ``root``/scores (``root`` as given: ``cache_root`` applies
    ``$STANCE_CACHE_DIR`` to the configured folder)."""
    ns = scorer_namespace(scorer)
    if ns is None:
        log.debug("score cache off: the scorer has no weights hash")
        return None
    return ScoreCache(Path(os.path.expanduser(str(root))) / "scores", ns, len(scorer.labels))
