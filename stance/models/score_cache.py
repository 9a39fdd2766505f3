"""A persistent NLI score cache (diskcache, one SQLite file): finished scores are never lost.

Each entry is one (premise, hypothesis) pair's probabilities under one *namespace*: the model's
weights hash, its labels and temperature, and every scorer setting that changes the numbers
(backend, precision, max length).  A rerun, or a rerun after adding documents, scores only pairs it
has not seen; a run killed mid-way resumes from the last chunk it wrote.  A cache that cannot be
read, was written by another layout, or holds a malformed entry is wiped and rebuilt with a one-line
warning, never silently used.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

SCHEMA = "stance-score-cache/1"
_SCHEMA_KEY = "__schema__"


def cache_root(configured: str | os.PathLike) -> Path:
    """``$STANCE_CACHE_DIR`` when set, else the configured folder (``~`` expanded)."""
    return Path(os.environ.get("STANCE_CACHE_DIR") or os.path.expanduser(str(configured)))


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


class CorruptCache(Exception):
    pass


class ScoreCache:
    def __init__(self, folder: str | os.PathLike, namespace: str, n_labels: int):
        self.folder = Path(folder)
        self.namespace = namespace
        self.n_labels = n_labels
        self._ns = hashlib.blake2b(namespace.encode(), digest_size=16).digest()
        self.db = self._open()

    def _open(self):
        import diskcache

        try:
            db = diskcache.Cache(str(self.folder), size_limit=2 ** 36)
            schema = db.get(_SCHEMA_KEY)
            if schema != SCHEMA:
                if schema is not None or len(db):
                    raise CorruptCache(f"written by another layout ({schema!r})")
                db.set(_SCHEMA_KEY, SCHEMA)
            return db
        except (CorruptCache, sqlite3.DatabaseError, OSError, ValueError) as exc:
            return self._rebuild(exc)

    def _rebuild(self, why):
        import diskcache

        log.warning("%s: score cache unusable (%s); rebuilding it", self.folder, str(why).splitlines()[0][:120])
        shutil.rmtree(self.folder, ignore_errors=True)
        db = diskcache.Cache(str(self.folder), size_limit=2 ** 36)
        db.set(_SCHEMA_KEY, SCHEMA)
        return db

    def key(self, premise: str, hypothesis: str) -> str:
        h = hashlib.blake2b(self._ns, digest_size=20)
        for part in (premise, hypothesis):
            raw = part.encode("utf-8", "surrogatepass")
            h.update(len(raw).to_bytes(8, "little"))
            h.update(raw)
        return h.hexdigest()

    def get_many(self, pairs: Sequence[tuple[str, str]]) -> dict[int, np.ndarray]:
        """{index in pairs: probabilities} for the pairs already scored."""
        found: dict[int, np.ndarray] = {}
        try:
            for i, (p, h) in enumerate(pairs):
                raw = self.db.get(self.key(p, h))
                if raw is None:
                    continue
                v = np.frombuffer(raw, dtype=np.float32) if isinstance(raw, bytes) else None
                if v is None or v.shape != (self.n_labels,) or not np.all(np.isfinite(v)) or abs(v.sum() - 1) > 1e-3:
                    raise CorruptCache(f"malformed entry for pair {i}")
                found[i] = v
        except (CorruptCache, sqlite3.DatabaseError) as exc:
            self.db.close()
            self.db = self._rebuild(exc)
            return {}
        return found

    def put_many(self, pairs: Sequence[tuple[str, str]], probs: np.ndarray) -> None:
        """One transaction per call: a chunk is either all in the cache or not at all."""
        try:
            with self.db.transact():
                for (p, h), v in zip(pairs, np.asarray(probs, dtype=np.float32)):
                    self.db.set(self.key(p, h), v.tobytes())
        except sqlite3.DatabaseError as exc:
            self.db.close()
            self.db = self._rebuild(exc)

    def __len__(self) -> int:
        return max(0, len(self.db) - 1)

    def close(self) -> None:
        self.db.close()


def open_score_cache(scorer, root: str | os.PathLike) -> ScoreCache | None:
    """The cache for ``scorer`` under ``root``/scores (``root`` as given: ``cache_root`` applies
    ``$STANCE_CACHE_DIR`` to the configured folder)."""
    ns = scorer_namespace(scorer)
    if ns is None:
        log.debug("score cache off: the scorer has no weights hash")
        return None
    return ScoreCache(Path(os.path.expanduser(str(root))) / "scores", ns, len(scorer.labels))
