"""Persistent caches of finished work (diskcache: one SQLite file per folder), shared by the stages
that cost the most: claims per document, sentence embeddings and NLI scores.

Each entry lives under a *namespace*: everything that changes the value (model weights hash,
settings, the code version of the stage), hashed into the key with the inputs.  Rerunning, or
rerunning after adding documents, computes only what is new; a run killed mid-way resumes from the
last batch it wrote.  A store that cannot be read, was written by another layout, or holds a
malformed entry is wiped and rebuilt with a one-line warning, never silently used.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Callable, Sequence

log = logging.getLogger(__name__)

SCHEMA = "stance-cache/1"
_SCHEMA_KEY = "__schema__"


def cache_root(configured: str | os.PathLike) -> Path:
    """``$STANCE_CACHE_DIR`` when set, else the configured folder (``~`` expanded)."""
    return Path(os.environ.get("STANCE_CACHE_DIR") or os.path.expanduser(str(configured)))


def files_sha256(paths: Sequence[str | os.PathLike]) -> str:
    """One hash over the bytes of several files (a stage's code version)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()


class CorruptCache(Exception):
    pass


class DiskStore:
    """Bytes by hashed key under one namespace; subclasses say how values are encoded and checked."""

    def __init__(self, folder: str | os.PathLike, namespace: str):
        self.folder = Path(folder)
        self.namespace = namespace
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

        log.warning("%s: cache unusable (%s); rebuilding it", self.folder, str(why).splitlines()[0][:120])
        shutil.rmtree(self.folder, ignore_errors=True)
        db = diskcache.Cache(str(self.folder), size_limit=2 ** 36)
        db.set(_SCHEMA_KEY, SCHEMA)
        return db

    def key(self, *parts: str) -> str:
        h = hashlib.blake2b(self._ns, digest_size=20)
        for part in parts:
            raw = part.encode("utf-8", "surrogatepass")
            h.update(len(raw).to_bytes(8, "little"))
            h.update(raw)
        return h.hexdigest()

    def decode(self, raw: bytes):
        """The stored value, or raise ``CorruptCache``."""
        return raw

    def encode(self, value) -> bytes:
        return value

    def get_many(self, keys: Sequence[Sequence[str]]) -> dict:
        """{index in keys: value} for the entries already stored."""
        found = {}
        try:
            for i, parts in enumerate(keys):
                raw = self.db.get(self.key(*parts))
                if raw is None:
                    continue
                if not isinstance(raw, bytes):
                    raise CorruptCache(f"malformed entry {i}")
                found[i] = self.decode(raw)
        except (CorruptCache, sqlite3.DatabaseError) as exc:
            self.db.close()
            self.db = self._rebuild(exc)
            return {}
        return found

    def put_many(self, keys: Sequence[Sequence[str]], values) -> None:
        """One transaction per call: a batch is either all stored or not at all."""
        try:
            with self.db.transact():
                for parts, v in zip(keys, values):
                    self.db.set(self.key(*parts), self.encode(v))
        except sqlite3.DatabaseError as exc:
            self.db.close()
            self.db = self._rebuild(exc)

    def __len__(self) -> int:
        return max(0, len(self.db) - 1)

    def close(self) -> None:
        self.db.close()


def cached_map(store: DiskStore | None, keys: list[tuple[str, ...]], compute: Callable[[list[int]], list],
               chunk: int = 0) -> list:
    """``compute(indices)`` for the keys not in ``store``, written back ``chunk`` at a time (all at
    once when 0); the stored values for the rest.  Returns one value per key, in order."""
    out: list = [None] * len(keys)
    found = store.get_many(keys) if store is not None else {}
    for i, v in found.items():
        out[i] = v
    missing = [i for i in range(len(keys)) if i not in found]
    step = chunk or max(1, len(missing))
    for start in range(0, len(missing), step):
        idx = missing[start:start + step]
        values = compute(idx)
        if store is not None:
            store.put_many([keys[i] for i in idx], values)
        for i, v in zip(idx, values):
            out[i] = v
    return out
