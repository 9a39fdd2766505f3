"""The NLI scorer on ONNX Runtime: the same ``Scorer`` protocol, tokenisation, label mapping and
calibration as ``HFNLIScorer``, with the forward pass in ONNX Runtime.

The checkpoint is exported once (``torch.onnx.export``) into the cache folder, keyed by its weights
hash; ``int8`` then applies ONNX Runtime's dynamic quantisation (int8 weights, uint8 activations:
the u8 x s8 products that AVX-512 VNNI runs natively).  Every file is written to a temporary name and
renamed, so an interrupted export is never loaded.
"""
from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from stance.errors import StanceError
from stance.models.scorer import HFNLIScorer
from stance.cache import cache_root

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _atomic_target(final: Path) -> Path:
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)
    os.close(fd)
    return Path(tmp)


def export_fp32(model, tokenizer, target: Path) -> Path:
    """Export the classifier with dynamic batch and sequence axes (opset 17, the TorchScript exporter:
    it needs no extra packages and gives the graph ONNX Runtime's quantiser expects)."""
    import torch

    sample = tokenizer(["a man sleeps"], ["a person rests"], return_tensors="pt")
    names = [k for k in INPUTS if k in sample]
    tmp = _atomic_target(target)
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(model.float().eval().cpu(), tuple(sample[k] for k in names), str(tmp),
                              input_names=names, output_names=["logits"], opset_version=17, dynamo=False,
                              dynamic_axes={**{k: {0: "batch", 1: "tokens"} for k in names}, "logits": {0: "batch"}})
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def quantize_int8(source: Path, target: Path) -> Path:
    """Dynamic int8, one scale per output channel: per-tensor scales flip 3.7% of argmaxes on
    candidate pairs, per-channel 1.6%, at the same speed (benchmarks/bench_nli.py)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = _atomic_target(target)
    quiet = logging.getLogger()   # the quantiser advises pre-processing on the root logger
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(tmp, target)
    finally:
        quiet.setLevel(level)
        tmp.unlink(missing_ok=True)
    return target


# ONNX Runtime on this 2-core CPU is fastest at small batches (bench_nli.py --batch-sizes)
ONNX_MAX_BATCH = 16


class OnnxNLIScorer(HFNLIScorer):
    backend = "onnx"
    _tensors = "np"

    def __init__(self, name_or_path: str, *, cache_dir: str | os.PathLike | None = None, **kwargs):
        # the export lives in cache_dir/onnx; default: $STANCE_CACHE_DIR, else ~/.cache/stance
        self._cache_dir = Path(os.path.expanduser(str(cache_dir))) if cache_dir else cache_root("~/.cache/stance")
        super().__init__(name_or_path, **kwargs)

    def _setup_backend(self, folder) -> None:
        try:
            import onnxruntime as ort
        except ImportError:
            raise StanceError("scoring.backend onnx needs onnxruntime; pip install onnxruntime "
                              "(or set scoring.backend: torch)") from None
        if self.precision not in ("fp32", "int8"):
            raise StanceError(f"scoring.precision: '{self.precision}' is not available on the onnx backend; "
                              f"use fp32 or int8 (or scoring.backend: torch for bf16)")
        if self.device != "cpu":
            log.info("onnx backend runs on the CPU (device %s ignored)", self.device)
            self.device = "cpu"
        if not self.weights_sha256:
            raise StanceError("scoring.backend onnx needs a local model folder with safetensors weights "
                              "(the export is cached by their hash)")
        where = self._cache_dir / "onnx" / self.weights_sha256[:24]
        fp32 = where / "model.onnx"
        if not fp32.exists():
            log.info("exporting the NLI model to ONNX (once): %s", fp32)
            export_fp32(self.model, self.tokenizer, fp32)
        path = fp32
        if self.precision == "int8":
            path = where / "model.int8-per-channel.onnx"
            if not path.exists():
                log.info("quantising the ONNX model to int8 (once): %s", path)
                quantize_int8(fp32, path)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged file in the cache: say where, and how to recover
            raise StanceError(f"{path}: cannot load the exported ONNX model ({str(exc).splitlines()[0][:160]}); "
                              f"delete {where} to export it again") from None
        self._inputs = [i.name for i in self.session.get_inputs()]
        self.onnx_path = path
        self.model = None   # the torch weights are no longer needed
        self.compute_dtype = {"fp32": "float32 (onnxruntime)", "int8": "int8 dynamic per-channel (onnxruntime)"}[self.precision]

    def logits(self, pairs, batch_size: int | None = None) -> np.ndarray:
        return super().logits(pairs, min(batch_size or self.batch_size, ONNX_MAX_BATCH))

    def _forward(self, batch) -> np.ndarray:
        feed = {k: np.asarray(batch[k], dtype=np.int64) for k in self._inputs}
        return self.session.run(None, feed)[0].astype(np.float32, copy=False)
