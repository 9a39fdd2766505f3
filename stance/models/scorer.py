"""NLI scoring behind one ``Scorer`` protocol: ``predict(pairs, batch_size) -> probabilities``.

``HFNLIScorer`` loads any Hugging Face sequence-classification NLI model from a local folder
or a hub id.  Labels are mapped *by name* from ``config.id2label`` (checkpoints disagree on
the order); a 2-way entailment / not-entailment model is reported as 2-way.
"""
from __future__ import annotations

import contextlib
import json
import warnings
from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from stance.errors import StanceError
from stance.labels import canonical_label
from stance.models.loading import length_batches, load_hf_model, resolve_model, sha256_of, weights_file, weights_sha256  # noqa: F401

THREE_WAY = ("entailment", "neutral", "contradiction")
TWO_WAY = ("entailment", "not_entailment")
CALIBRATION_FILE = "calibration.json"

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
    device: str = "cpu"            # where it actually runs
    compute_dtype: str = "float32"  # what it actually computes in (the configured precision)
    backend: str = "torch"


class HFNLIScorer:
    """Cross-encoder NLI with length-sorted dynamic padding under ``torch.inference_mode``."""

    def __init__(self, name_or_path: str, *, batch_size: int = 32, max_length: int = 256,
                 device: str | None = None, num_threads: int | None = None,
                 use_calibration: bool = True, precision: str = "fp32"):
        import torch

        self.tokenizer, self.model, folder = load_hf_model(
            name_or_path, "sequence-classification",
            fix="pass --model an NLI classifier folder (e.g. the bundled models/stance-nli-minilm) or a reachable hub id")
        ident = str(folder or name_or_path)
        self.labels, self._index = label_order(self.model.config.id2label, ident)
        if num_threads:
            torch.set_num_threads(num_threads)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.precision = precision
        self.max_length = max_length
        self.weights_sha256 = weights_sha256(folder)
        self._setup_backend(folder)
        self.batch_size = batch_size
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
        self.info = ModelInfo(
            name_or_path=ident,
            weights_sha256=self.weights_sha256,
            labels=self.labels,
            temperature=self.temperature,
            thresholds=self.thresholds,
            device=self.device,
            compute_dtype=self.compute_dtype,
            backend=self.backend,
        )

    backend = "torch"
    _tensors = "pt"

    def _setup_backend(self, folder) -> None:
        """Torch: the configured precision, whatever the checkpoint's storage dtype (the bundled weights
        are fp16): fp32 and int8 compute from fp32 weights; bf16 keeps fp32 weights under autocast."""
        import torch

        if self.precision not in ("fp32", "bf16", "int8"):
            raise StanceError(f"scoring.precision: '{self.precision}' is not supported; use fp32, bf16 or int8")
        if self.precision == "int8" and self.device != "cpu":
            raise StanceError(f"scoring.precision: int8 (dynamic quantisation) runs on the CPU only, and the device "
                              f"is {self.device}; use fp32 or bf16, or set scoring.device: cpu")
        self.model.float().to(self.device).eval()
        if self.precision == "int8":
            # dynamic int8 matmuls (fbgemm, VNNI where present): weights quantised once, activations per batch
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", UserWarning)  # torch's quantised-tensor deprecation notice
                self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)
        self.compute_dtype = {"fp32": "float32", "bf16": "bfloat16 autocast", "int8": "int8 dynamic"}[self.precision]

    def _forward(self, batch) -> np.ndarray:
        import torch

        autocast = (torch.autocast(device_type=self.device.split(":")[0], dtype=torch.bfloat16)
                    if self.precision == "bf16" else contextlib.nullcontext())
        with torch.inference_mode(), autocast:
            batch = {k: v.to(self.device) for k, v in batch.items()}
            return self.model(**batch).logits.float().cpu().numpy()

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        """Raw logits in ``labels`` order (for calibration)."""
        n = len(pairs)
        out = np.zeros((n, len(self.labels)), dtype=np.float32)
        if n == 0:
            return out
        bs = batch_size or self.batch_size
        enc = encode_pairs(self.tokenizer, pairs, self.max_length)
        keys = list(enc.keys())
        batches = length_batches([len(ids) for ids in enc["input_ids"]], bs, longest_first=True)
        if self.progress and n > 4 * bs:
            from tqdm import tqdm

            batches = tqdm(batches, desc="NLI", unit="batch", leave=False, total=-(-n // bs))
        for idx in batches:
            batch = self.tokenizer.pad({k: [enc[k][i] for i in idx] for k in keys},
                                       padding=True, return_tensors=self._tensors)
            out[idx] = self._forward(batch)[:, self._index]
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
