"""``configs/fnc.yaml``: the FNC-1 feature, head and training settings."""
from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import Field

from stance.config import PROJECT_ROOT, Section, load_yaml, validate

DEFAULT_CONFIG_PATH = "configs/fnc.yaml"

class HeadSpec(Section):
    """One candidate classifier for the head; ``fnc-train`` picks among them by dev score."""
    kind: Literal["hgb", "logreg"] = "hgb"                  # HistGradientBoosting | logistic regression
    class_weight: Literal["none", "balanced", "sqrt"] = "none"   # sqrt = square root of balanced
    params: dict = {}

    def __init__(self, kind: str = "hgb", class_weight: str = "none", params: dict | None = None, **kw):
        super().__init__(kind=kind, class_weight=class_weight, params=dict(params or {}), **kw)

    @property
    def name(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.kind}[cw={self.class_weight}{',' + extra if extra else ''}]"


class FNCConfig(Section):
    model: str = "models/stance-nli-minilm"
    cache_dir: str = ".cache/fnc"
    data_dir: Optional[str] = None
    embedding_model: str = "minilm"
    embedding_batch_size: int = 64
    max_body_sentences: int = 100
    min_sentence_words: int = 4
    top_sentences: int = 3
    nli_floor: float = 0.30
    nli_reverse: bool = True
    nli_joined: bool = True
    nli_batch_size: int = 64
    nli_max_length: int = 128
    nli_chunk: int = 2048
    nli_precision: Literal["fp32", "bf16", "int8"] = "fp32"
    threads: int = 0
    tfidf_max_features: int = 20000
    dev_fraction: float = 0.2
    seed: int = 13
    nli_holdout_fraction: float = 0.1
    add_arc: bool = False
    compare_arc: bool = True
    ablation: bool = True
    select_on: Literal["fnc_relative", "macro_f1", "mean"] = "mean"
    candidates: tuple[HeadSpec, ...] = Field((HeadSpec("hgb", "balanced"), HeadSpec("logreg", "sqrt")), min_length=1)


# settings that shape the features: saved with the head and reused by `stance fnc`
FEATURE_SETTINGS = ("embedding_model", "max_body_sentences", "min_sentence_words", "top_sentences", "nli_floor",
                    "nli_reverse", "nli_joined", "nli_max_length")


def _resolve(path: str | Path) -> Path:
    """A relative path is taken from the working directory if it exists there, else from the project."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return PROJECT_ROOT / p


def load_fnc_config(path: str | Path | None = None, **overrides) -> FNCConfig:
    """``configs/fnc.yaml`` (or ``path``) validated, with non-None ``overrides`` (CLI flags) on top."""
    data: dict = {}
    where = _resolve(path or DEFAULT_CONFIG_PATH)
    if path is not None or where.exists():
        data = load_yaml(where)
    data.update({k: v for k, v in overrides.items() if v is not None})
    return validate(FNCConfig, data, where)
