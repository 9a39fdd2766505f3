"""The Ray engine: embedding and NLI scoring as Ray Data ``map_batches`` over a Ray cluster.

``ray.init`` joins ``engine.address`` when set, else ``$RAY_ADDRESS`` (``ray start --head`` prints
it), else starts a local Ray instance.  Workers load the same model folder as the driver (it must
be readable at the same path on every node: a shared disk or the same checkout), run the same
``HFNLIScorer`` / ``MeanPoolingEncoder`` code, and return rows tagged with their index, so the
result is in input order whatever the scheduling.  Only the model's numbers differ from the local
engine by floating-point padding effects (different batch shapes), well below the 5-decimal rounding.
"""
from __future__ import annotations

import logging
import os
from typing import Sequence

import numpy as np

from stance.errors import StanceError

log = logging.getLogger(__name__)


def init_ray(address: str | None = None):
    try:
        import ray
    except ImportError:
        raise StanceError("engine.kind ray needs Ray; pip install 'ray[data]' (or set engine.kind: local)") from None
    if ray.is_initialized():
        return ray
    where = address or os.environ.get("RAY_ADDRESS")
    try:
        if where:
            ray.init(address=where, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise StanceError(f"engine.address {where!r}: cannot join the Ray cluster ({str(exc).splitlines()[0][:160]}); "
                          f"start one with `ray start --head` or unset it for a local Ray") from None
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.verbose_progress = False
    log.info("Ray: %s CPUs in the cluster", ray.cluster_resources().get("CPU"))
    return ray


def _pool(ray):
    """One to as many one-CPU actors as the cluster has CPUs (``compute=``; Ray 2.51 deprecates ``concurrency=``)."""
    return ray.data.ActorPoolStrategy(min_size=1, max_size=_workers(ray))


def _workers(ray) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


class _NLIWorker:
    def __init__(self, model: str, kwargs: dict):
        import torch

        from stance.models.factory import load_scorer

        torch.set_num_threads(1)   # one CPU per worker: the cluster's CPUs are the parallelism
        self.scorer = load_scorer(model, **kwargs)

    def __call__(self, batch: dict) -> dict:
        pairs = list(zip(batch["premise"].tolist(), batch["hypothesis"].tolist()))
        probs = self.scorer.predict(pairs)
        return {"index": batch["index"], "probs": list(probs.astype(np.float32))}


class _EmbedWorker:
    def __init__(self, name: str, batch_size: int):
        import torch

        torch.set_num_threads(1)
        from stance.models.embeddings import load_encoder

        self.encoder = load_encoder(name)
        self.batch_size = batch_size

    def __call__(self, batch: dict) -> dict:
        vecs = self.encoder.encode(batch["text"].tolist(), self.batch_size)
        return {"index": batch["index"], "vec": list(vecs)}


def _collect(ds, n: int, column: str) -> np.ndarray:
    out = None
    for batch in ds.iter_batches(batch_format="numpy", batch_size=4096):
        vals = np.stack(batch[column]).astype(np.float32)
        if out is None:
            out = np.zeros((n, vals.shape[1]), dtype=np.float32)
        out[batch["index"]] = vals
    return out


class RayScorer:
    """A ``Scorer`` whose ``predict`` runs on Ray workers; labels, info and settings come from the
    driver's own scorer (so the score cache namespace is the same as the local engine's)."""

    def __init__(self, local, model: str, scorer_kwargs: dict, address: str | None = None, batch_pairs: int = 512):
        self.local = local
        self.labels = local.labels
        self.info = local.info
        self.backend, self.precision, self.max_length = local.backend, local.precision, local.max_length
        self.model, self.kwargs, self.batch_pairs = model, dict(scorer_kwargs), batch_pairs
        self.ray = init_ray(address)
        self.progress = False

    def predict_stream(self, pairs: Sequence[tuple[str, str]]):
        """(indices, probabilities) batches as the workers finish them, over one Ray dataset for all
        ``pairs``: one actor pool per stage (a pool per chunk would reload the model every chunk), and
        the caller can write each batch to the score cache as it arrives."""
        if not pairs:
            return
        ray = self.ray
        ds = ray.data.from_items([{"index": i, "premise": p, "hypothesis": h} for i, (p, h) in enumerate(pairs)])
        ds = ds.map_batches(_NLIWorker, fn_constructor_kwargs={"model": self.model, "kwargs": self.kwargs},
                            batch_size=self.batch_pairs, compute=_pool(ray), num_cpus=1)
        for batch in ds.iter_batches(batch_format="numpy", batch_size=None):
            yield np.asarray(batch["index"]), np.stack(batch["probs"]).astype(np.float32)

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        for idx, probs in self.predict_stream(pairs):
            out[idx] = probs
        return out


def ray_embedder(address: str | None = None, batch_pairs: int = 512):
    """An ``embed(texts, name, batch_size)`` function that runs on Ray workers."""
    ray = init_ray(address)

    def embed(texts: list[str], name: str = "minilm", batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        ds = ray.data.from_items([{"index": i, "text": t} for i, t in enumerate(texts)])
        ds = ds.map_batches(_EmbedWorker, fn_constructor_kwargs={"name": name, "batch_size": batch_size},
                            batch_size=batch_pairs, compute=_pool(ray), num_cpus=1)
        return _collect(ds, len(texts), "vec")

    return embed
