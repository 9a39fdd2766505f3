"""The ONNX Runtime backend behind the same Scorer protocol: same labels (by name), same numbers
as torch in fp32, a cached export that is reused, and one-line errors for what it cannot do."""
from __future__ import annotations

import numpy as np
import pytest

from stance.errors import StanceError
from stance.models.factory import load_scorer
from stance.models.scorer import Scorer

PAIRS = [("A man is sleeping on the couch.", "A person rests."),
         ("The Taliban denied any contact with Russian intelligence.", "Russia paid bounties."),
         ("Short.", "A much longer hypothesis that goes on for a while about several unrelated things.")] * 3


def test_onnx_fp32_matches_torch_and_maps_labels_by_name(tiny_model, tmp_path):
    torch_scorer = load_scorer(tiny_model, backend="torch")
    onnx_scorer = load_scorer(tiny_model, backend="onnx", cache_dir=tmp_path)
    assert isinstance(onnx_scorer, Scorer)
    assert onnx_scorer.labels == torch_scorer.labels == ("entailment", "neutral", "contradiction")
    np.testing.assert_allclose(onnx_scorer.predict(PAIRS), torch_scorer.predict(PAIRS), atol=1e-4)
    assert onnx_scorer.info.backend == "onnx" and "onnxruntime" in onnx_scorer.info.compute_dtype
    assert onnx_scorer.info.weights_sha256 == torch_scorer.info.weights_sha256


def test_int8_export_is_cached_and_reused(tiny_model, tmp_path):
    first = load_scorer(tiny_model, backend="onnx", precision="int8", cache_dir=tmp_path)
    path = first.onnx_path
    assert path.exists() and "int8" in path.name and path.parent.parent == tmp_path / "onnx"
    stamp = path.stat().st_mtime_ns
    second = load_scorer(tiny_model, backend="onnx", precision="int8", cache_dir=tmp_path)
    assert second.onnx_path == path and path.stat().st_mtime_ns == stamp   # not exported again
    probs = second.predict(PAIRS)
    assert probs.shape == (len(PAIRS), 3) and np.allclose(probs.sum(1), 1, atol=1e-5)
    assert not list(path.parent.glob("*.partial"))


def test_damaged_export_and_unsupported_precision_are_one_line_errors(tiny_model, tmp_path):
    good = load_scorer(tiny_model, backend="onnx", cache_dir=tmp_path)
    good.onnx_path.write_bytes(b"not an onnx graph")
    with pytest.raises(StanceError, match="cannot load the exported ONNX model.*delete"):
        load_scorer(tiny_model, backend="onnx", cache_dir=tmp_path)
    with pytest.raises(StanceError, match="bf16.*not available on the onnx backend"):
        load_scorer(tiny_model, backend="onnx", precision="bf16", cache_dir=tmp_path)
    with pytest.raises(StanceError, match="not a backend"):
        load_scorer(tiny_model, backend="tensorrt")
