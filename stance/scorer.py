"""NLI scoring behind one ``Scorer`` protocol: ``predict(pairs, batch_size) -> probabilities``.

``HFNLIScorer`` loads any Hugging Face sequence-classification NLI model from a local folder
or a hub id.  Labels are mapped *by name* from ``config.id2label`` (checkpoints disagree on
the order); a 2-way entailment / not-entailment model is reported as 2-way.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .errors import StanceError

THREE_WAY = ("entailment", "neutral", "contradiction")
TWO_WAY = ("entailment", "not_entailment")
CALIBRATION_FILE = "calibration.json"

_SYNONYMS = {
    "entailment": "entailment", "entail": "entailment", "entails": "entailment",
    "entailed": "entailment", "support": "entailment", "supports": "entailment",
    "neutral": "neutral", "not_enough_info": "neutral", "nei": "neutral",
    "contradiction": "contradiction", "contradict": "contradiction", "contradicts": "contradiction",
    "contradictory": "contradiction", "refute": "contradiction", "refutes": "contradiction",
    "not_entailment": "not_entailment", "non_entailment": "not_entailment",
    "not_entailed": "not_entailment", "no_entailment": "not_entailment",
}


def canonical_label(raw: str) -> str | None:
    key = re.sub(r"[\s\-]+", "_", str(raw).strip().lower())
    return _SYNONYMS.get(key)


def label_order(id2label: dict, where: str) -> tuple[tuple[str, ...], list[int]]:
    """Return (scheme labels, model index of each scheme label), matching names case-insensitively."""
    names = {int(i): canonical_label(lab) for i, lab in id2label.items()}
    found = {v: k for k, v in names.items() if v}
    for scheme in (THREE_WAY, TWO_WAY):
        if set(scheme) <= set(found) and len(names) == len(scheme):
            return scheme, [found[lab] for lab in scheme]
    raw = ", ".join(f"{i}={id2label[i]}" for i in sorted(id2label, key=int))
    raise StanceError(
        f"{where}: cannot identify NLI labels from config.id2label ({raw}); name them "
        f"entailment/neutral/contradiction (or entailment/not_entailment) in config.json"
    )


def encode_pairs(tokenizer, pairs: Sequence[tuple[str, str]], max_length: int) -> dict:
    """Tokenize pairs with ``only_first`` truncation (cut the premise, keep the hypothesis whole).

    A hypothesis too long to fit even with an empty premise falls back to ``longest_first``
    for that pair alone, instead of failing the whole batch.
    """
    premises = [p for p, _ in pairs]
    hyps = [h for _, h in pairs]
    hyp_len = [len(x) for x in tokenizer(hyps, add_special_tokens=False)["input_ids"]]
    long = {i for i, n in enumerate(hyp_len) if n > max_length // 2}
    enc = tokenizer(premises, hyps, truncation="only_first", max_length=max_length, padding=False) if not long else None
    if enc is not None:
        return dict(enc)
    out: dict = {}
    for group, strategy in (([i for i in range(len(pairs)) if i not in long], "only_first"),
                            (sorted(long), "longest_first")):
        if not group:
            continue
        part = tokenizer([premises[i] for i in group], [hyps[i] for i in group], truncation=strategy,
                         max_length=max_length, padding=False)
        for k, vals in part.items():
            out.setdefault(k, [None] * len(pairs))
            for i, v in zip(group, vals):
                out[k][i] = v
    return out


@runtime_checkable
class Scorer(Protocol):
    labels: tuple[str, ...]

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        """Probabilities, one row per (premise, hypothesis), columns in ``labels`` order."""


@dataclass(frozen=True)
class ModelInfo:
    name_or_path: str
    weights_sha256: str | None
    labels: tuple[str, ...]
    temperature: float
    thresholds: dict


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _weights_file(folder: Path) -> Path | None:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).exists():
            return folder / name
    return None


def resolve_model(name_or_path: str) -> tuple[str, Path | None]:
    """A local folder wins; otherwise treat the string as a hub id (cached or downloadable)."""
    p = Path(name_or_path).expanduser()
    if p.exists():
        if not p.is_dir() or not (p / "config.json").exists():
            raise StanceError(f"{p}: not a Hugging Face model folder (no config.json); "
                              f"pass --model a folder with config.json and weights, or a hub id")
        return str(p), p
    if re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", name_or_path) and "/" in name_or_path:
        return name_or_path, None
    raise StanceError(f"{name_or_path}: model folder not found and not a hub id; "
                      f"pass --model with a local NLI model folder or an org/name hub id")


class HFNLIScorer:
    """Cross-encoder NLI with length-sorted dynamic padding under ``torch.inference_mode``."""

    def __init__(self, name_or_path: str, *, batch_size: int = 32, max_length: int = 256,
                 device: str | None = None, num_threads: int | None = None,
                 use_calibration: bool = True, precision: str = "fp32"):
        import torch
        from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()

        ident, folder = resolve_model(name_or_path)
        where = str(folder or ident)
        try:
            config = AutoConfig.from_pretrained(ident)
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StanceError(f"{where}: cannot load model config ({first[:160]}); "
                              f"pass --model a local NLI model folder or a reachable hub id") from None
        archs = getattr(config, "architectures", None) or []
        if not any(a.endswith("ForSequenceClassification") for a in archs):
            raise StanceError(f"{where}: not a sequence-classification model (architectures={archs}); "
                              f"pass --model an NLI classifier, e.g. the bundled models/ folder")
        self.labels, self._index = label_order(config.id2label, where)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(ident)
            self.model = AutoModelForSequenceClassification.from_pretrained(ident)
        except (OSError, ValueError, RuntimeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StanceError(f"{where}: cannot load model weights or tokenizer ({first[:160]}); "
                              f"re-copy the model folder or pass another --model") from None
        if num_threads:
            torch.set_num_threads(num_threads)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()
        if self.device == "cpu" and self.model.dtype != torch.float32:
            self.model.float()  # fp16 weights are for storage; CPU matmuls want fp32
        if precision not in ("fp32", "bf16", "int8"):
            raise StanceError(f"scoring.precision: '{precision}' is not supported; use fp32, bf16 or int8")
        self.precision = precision
        if precision == "int8" and self.device == "cpu":
            # dynamic int8 matmuls (fbgemm, VNNI where present): weights quantised once, activations per batch
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", UserWarning)  # torch's quantised-tensor deprecation notice
                self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)
        self.batch_size = batch_size
        self.max_length = max_length
        self.progress = False
        self.temperature, self.thresholds = 1.0, {}
        calib = folder / CALIBRATION_FILE if folder else None
        if use_calibration and calib and calib.exists():
            try:
                data = json.loads(calib.read_text())
                self.temperature = float(data.get("temperature", 1.0))
                self.thresholds = dict(data.get("thresholds", {}))
            except (ValueError, TypeError) as exc:
                raise StanceError(f"{calib}: malformed calibration file ({exc}); delete it or re-run stance train") from None
        weights = _weights_file(folder) if folder else None
        self.info = ModelInfo(
            name_or_path=ident,
            weights_sha256=sha256_of(weights) if weights else None,
            labels=self.labels,
            temperature=self.temperature,
            thresholds=self.thresholds,
        )

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        """Raw logits in ``labels`` order (for calibration)."""
        import torch

        n = len(pairs)
        out = np.zeros((n, len(self.labels)), dtype=np.float32)
        if n == 0:
            return out
        bs = batch_size or self.batch_size
        enc = encode_pairs(self.tokenizer, pairs, self.max_length)
        order = np.argsort([len(ids) for ids in enc["input_ids"]], kind="stable")[::-1]
        keys = list(enc.keys())
        starts = range(0, n, bs)
        if self.progress and n > 4 * bs:
            from tqdm import tqdm

            starts = tqdm(starts, desc="NLI", unit="batch", leave=False)
        autocast = (torch.autocast(device_type=self.device.split(":")[0], dtype=torch.bfloat16)
                    if self.precision == "bf16" else contextlib.nullcontext())
        with torch.inference_mode(), autocast:
            for start in starts:
                idx = order[start:start + bs]
                batch = self.tokenizer.pad({k: [enc[k][i] for i in idx] for k in keys},
                                           padding=True, return_tensors="pt")
                batch = {k: v.to(self.device) for k, v in batch.items()}
                logits = self.model(**batch).logits.float().cpu().numpy()
                out[idx] = logits[:, self._index]
        return out

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        logits = self.logits(pairs, batch_size) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return probs / probs.sum(axis=1, keepdims=True)


def predict_both_directions(scorer: Scorer, pairs: Sequence[tuple[str, str]],
                            batch_size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Score a→b and b→a in one batched call (better length packing than two calls)."""
    both = list(pairs) + [(b, a) for a, b in pairs]
    probs = scorer.predict(both, batch_size)
    n = len(pairs)
    return probs[:n], probs[n:]


def load_scorer(name_or_path: str | os.PathLike, **kwargs) -> HFNLIScorer:
    return HFNLIScorer(str(name_or_path), **kwargs)
