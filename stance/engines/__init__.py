"""Execution engines for the two heavy stages, embedding and NLI scoring.

``local`` runs them in this process.  ``ray`` (``stance.engines.ray_engine``) runs them as Ray Data
``map_batches`` over a Ray cluster, behind the same interfaces: an embedding function for the pair
stage and a ``Scorer`` for the scoring stage, so the cache, the judgement and every later stage are
the same code whatever the engine.
"""
from __future__ import annotations

ENGINES = ("local", "ray")
