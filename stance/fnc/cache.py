"""Feature cache for FNC-1: body sentence splits (json), embeddings and NLI probabilities (npz, no pickle)."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Sequence

import numpy as np

from stance.iohelpers import atomic_write_bytes, atomic_write_text


def text_key(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


class ArrayStore:
    """Fixed-width float16 rows keyed by hex digests, persisted as one ``.npz`` (no pickle)."""

    def __init__(self, path: Path, width: int):
        self.path, self.width = path, width
        self._index: dict[str, int] = {}
        self._rows: list[np.ndarray] = []
        self._dirty = False
        if path.exists():
            try:
                with np.load(path, allow_pickle=False) as z:
                    keys, values = z["keys"], z["values"]
                if values.ndim == 2 and values.shape[1] == width and len(keys) == len(values):
                    self._index = {k.decode() if isinstance(k, bytes) else str(k): i for i, k in enumerate(keys)}
                    self._rows = list(values)
            except (OSError, ValueError, KeyError, EOFError):
                pass  # a damaged cache is rebuilt, never trusted

    def __len__(self) -> int:
        return len(self._rows)

    def lookup(self, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows for ``keys`` (zeros where absent) and a boolean mask of which were found."""
        out = np.zeros((len(keys), self.width), dtype=np.float32)
        found = np.zeros(len(keys), dtype=bool)
        for i, k in enumerate(keys):
            j = self._index.get(k)
            if j is not None:
                out[i] = self._rows[j]
                found[i] = True
        return out, found

    def add(self, keys: Sequence[str], values: np.ndarray) -> None:
        for k, v in zip(keys, np.asarray(values, dtype=np.float16)):
            if k in self._index:
                self._rows[self._index[k]] = v
            else:
                self._index[k] = len(self._rows)
                self._rows.append(v)
            self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        keys = np.array(sorted(self._index, key=self._index.get), dtype="S32")
        values = np.stack(self._rows) if self._rows else np.zeros((0, self.width), dtype=np.float16)
        buf = io.BytesIO()
        np.savez(buf, keys=keys, values=values)
        atomic_write_bytes(self.path, buf.getvalue())
        self._dirty = False


class FNCCache:
    """Body sentence splits (json), text embeddings and NLI probabilities (npz) under one folder."""

    def __init__(self, folder: str | Path | None, embedding_model: str = "minilm", embedding_dim: int = 384):
        self.folder = Path(folder) if folder else None
        self.embedding_model = embedding_model
        self._sentences: dict[str, list[str]] = {}
        self._sentences_dirty = False
        tag = text_key(embedding_model)[:12]
        self.embeddings = ArrayStore(self._file(f"embeddings-{tag}.npz"), embedding_dim)
        if self.folder and (self.folder / "sentences.json").exists():
            try:
                self._sentences = json.loads((self.folder / "sentences.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._sentences = {}
        self._nli: dict[str, ArrayStore] = {}

    def _file(self, name: str) -> Path:
        return (self.folder / name) if self.folder else Path("/nonexistent-stance-cache") / name

    def sentences(self, body_key: str) -> list[str] | None:
        return self._sentences.get(body_key)

    def put_sentences(self, body_key: str, sentences: list[str]) -> None:
        self._sentences[body_key] = sentences
        self._sentences_dirty = True

    def nli_store(self, namespace: str, width: int) -> ArrayStore:
        if namespace not in self._nli:
            self._nli[namespace] = ArrayStore(self._file(f"nli-{namespace}.npz"), width)
        return self._nli[namespace]

    def save(self) -> None:
        if not self.folder:
            return
        if self._sentences_dirty:
            atomic_write_text(self.folder / "sentences.json", json.dumps(self._sentences))
            self._sentences_dirty = False
        self.embeddings.save()
        for store in self._nli.values():
            store.save()
