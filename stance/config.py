"""Validated configuration: ``configs/default.yaml`` (``stance run``) and ``configs/train_nli.yaml``.

Each section is a pydantic model that forbids unknown keys, so a typo (``doc_topk``), a wrong type or
an unknown choice (``contradiction_combine: maximum``) is a one-line :class:`StanceError` naming the
file, the key and what is allowed, and the CLI exits 2.  The defaults live here; a test keeps
``configs/default.yaml`` equal to them.  ``configs/fnc.yaml`` has its model in :mod:`stance.fnc.config`.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stance.errors import StanceError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "configs" / "default.yaml"


def load_yaml(path: str | Path) -> dict:
    p = Path(path)
    if not p.exists():
        raise StanceError(f"{p}: config file not found; pass --config with an existing YAML file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        loc = f" at line {where.line + 1}" if where else ""
        raise StanceError(f"{p}: malformed YAML{loc}; fix the syntax or restore it from git") from None
    if not isinstance(data, dict):
        raise StanceError(f"{p}: config must be a YAML mapping of keys to values; fix the file")
    return data


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _allowed(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names valid at ``loc`` (the parent of the offending key)."""
    for part in loc:
        field = model.model_fields.get(str(part)) if isinstance(part, str) else None
        if field is None:
            return []
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        else:
            return []
    return list(model.model_fields)


def validate(model: type[BaseModel], data: dict, where: str | Path):
    """``model`` built from ``data``; the first problem becomes a one-line StanceError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        key = ".".join(str(x) for x in loc)
        if err["type"] == "extra_forbidden":
            allowed = _allowed(model, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise StanceError(f"{where}: {key}: unknown key; {hint}allowed keys: {', '.join(allowed)}") from None
        if err["type"] == "literal_error":
            choices = err.get("ctx", {}).get("expected", "")
            raise StanceError(f"{where}: {key}: '{err.get('input')}' is not allowed; use {choices}") from None
        raise StanceError(f"{where}: {key}: {err['msg'].lower()} (got {err.get('input')!r}); fix the value") from None


# --- stance run ---------------------------------------------------------------------------

class CorpusConfig(Section):
    path: str = "examples/bounties"
    max_file_bytes: int = Field(2_000_000, gt=0)
    skip_bad_files: bool = False


class ClaimsConfig(Section):
    tagger: Optional[str] = "models/stance-attribution-minilm"
    min_words: int = Field(4, ge=1)
    max_words: int = Field(120, ge=1)
    drop_questions: bool = True
    keep_headline: bool = True
    all_attributions: bool = False
    # lines dropped before claim extraction (case-insensitive regular expressions)
    boilerplate: list[str] = [
    '^read more (at|on)\\b',
    '^more about:',
    '^disclaimer:',
    '^we welcome all pitches',
    '^(click|subscribe|sign up|follow us|share this)\\b',
    '^(photo|image|video)( credit)?:',
    '^copyright\\b|^©',
    '^(mon|tues|wednes|thurs|fri|satur|sun)day\\s*,?\\s*\\d{1,2}\\s+\\w+\\s+\\d{4}$',
    '^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?\\s+\\d{1,2},?\\s+\\d{4}$',
    '^\\d{1,2}\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?\\s+\\d{4}$',
    '^\\d{4}-\\d{2}-\\d{2}$',
    '^\\d+$',
    ]
    # dateline prefixes stripped from the start of a sentence ("VOA – The U.S. ...")
    dateline: Optional[str] = '^(?:[A-Z][A-Za-z.]*(?:\\s[A-Z][A-Za-z.]*){0,3}(?:,\\s*[A-Za-z. ]+)?\\s*[–—-]{1,2}\\s+)(?=[A-Z])'


class PairsConfig(Section):
    mode: Literal["topk", "all"] = "topk"
    top_k: int = Field(8, ge=1)
    min_similarity: float = Field(0.35, ge=-1.0, le=1.0)
    embedding_weight: float = Field(0.75, ge=0, le=1)
    within_document: bool = False
    embedding_model: str = "minilm"
    embedding_batch_size: int = Field(64, ge=1)


class ScoringConfig(Section):
    model: str = "models/stance-nli-minilm"
    batch_size: int = Field(64, ge=1)
    max_length: int = Field(256, ge=16)
    device: str = Field("auto", pattern=r"^(auto|cpu|cuda(:\d+)?|mps)$")
    precision: Literal["fp32", "bf16", "int8"] = "fp32"
    backend: Literal["torch", "onnx"] = "torch"
    threads: int = Field(0, ge=0)
    cache: bool = True
    cache_dir: str = "~/.cache/stance"
    chunk_pairs: int = Field(2048, ge=1)


class EngineConfig(Section):
    kind: Literal["local", "ray"] = "local"
    address: Optional[str] = None
    batch_pairs: int = Field(512, ge=1)


class JudgeConfig(Section):
    conflict_threshold: float = Field(0.5, ge=0, le=1)
    support_threshold: float = Field(0.5, ge=0, le=1)
    doubt_weight: float = Field(0.8, ge=0, le=1)
    related_floor: float = Field(0.35, ge=-1, le=1)
    opposed_combine: Literal["mean", "max"] = "mean"


class MatricesConfig(Section):
    contradiction_combine: Literal["mean", "max", "min"] = "mean"
    support_combine: Literal["mean", "max", "min"] = "max"
    doc_aggregation: Literal["disagreement", "unmatched", "topk", "net", "share"] = "disagreement"
    doc_conflict_weight: float = Field(0.25, ge=0, le=1)
    doc_support_weight: float = Field(1.0, ge=0)
    doc_top_k: int = Field(3, ge=1)
    max_speakers: int = Field(40, ge=1)
    max_docs: int = Field(40, ge=2)
    contradiction_threshold: float = Field(0.5, ge=0, le=1)
    support_threshold: float = Field(0.5, ge=0, le=1)


class TargetsConfig(Section):
    texts: list[str] = []
    stance_model: Literal["fnc", "rules"] = "fnc"
    relatedness_floor: float = Field(0.40, ge=-1, le=1)
    top_claims: int = Field(5, ge=1)
    agree_threshold: float = Field(0.5, ge=0, le=1)
    disagree_threshold: float = Field(0.5, ge=0, le=1)


class ReportConfig(Section):
    out: str = "out/bounties"
    overwrite: bool = False
    top_n: int = Field(15, ge=1)
    per_doc_pair: int = Field(3, ge=1)
    groups_shown: int = Field(12, ge=1)
    page_pairs: int = Field(1500, ge=1)
    quiet: bool = False


class RunConfig(Section):
    corpus: CorpusConfig = CorpusConfig()
    claims: ClaimsConfig = ClaimsConfig()
    pairs: PairsConfig = PairsConfig()
    scoring: ScoringConfig = ScoringConfig()
    engine: EngineConfig = EngineConfig()
    judge: JudgeConfig = JudgeConfig()
    matrices: MatricesConfig = MatricesConfig()
    targets: TargetsConfig = TargetsConfig()
    report: ReportConfig = ReportConfig()
    seed: int = 13


# --- stance train (configs/train_nli.yaml) ------------------------------------------------

class SourceSpec(Section):
    max: Optional[int] = Field(None, ge=0)             # cap (random sample, seeded)
    holdout: Optional[int] = Field(None, ge=0)         # pairs held back as dev before sampling
    dev_fraction: Optional[float] = Field(None, ge=0, le=1)   # fnc1: body-disjoint dev share
    sentences: Optional[int] = Field(None, ge=1)       # fnc1: body sentences per premise
    n: Optional[int] = Field(None, ge=0)               # synthetic: pairs to generate
    synthetic: Optional[int] = Field(None, ge=0)       # polnear: synthetic edits of contents
    repeat: Optional[int] = Field(None, ge=1)          # times each pair is seen per epoch (after max)
    balance: Optional[bool] = None                     # fnc_news: sample each label down to the rarest's count


SourceName = Literal["lingnli", "protocols", "mnli_dev", "taxinli_mismatched", "snli_dev", "sick", "xnli", "rte",
                     "rte3", "healthver", "cad_snli", "climate_fever", "conjnli", "control", "wanli", "polnear",
                     "veridicality", "fnc1", "synthetic", "news_overlap", "fnc_news", "anli"]


class DevConfig(Section):
    per_set: int = Field(800, ge=1)
    select_on: list[str] = ["sick", "snli", "xnli", "fnc1"]


class DistillSpec(Section):
    """Train on a teacher's probabilities as well as the gold labels (see stance/training/soft_labels.py)."""
    teacher: str                                        # a trained 3-way NLI model folder (stance train's output)
    unlabelled: int = Field(100_000, ge=0)              # news pairs with no gold label, scored by the teacher
    cross_article: int = Field(0, ge=0)                 # more: sentences of different articles naming two shared actors
    alpha: float = Field(0.8, ge=0, le=1)               # weight of the teacher term; 1 - alpha goes to gold cross-entropy
    kd_temperature: float = Field(2.0, gt=0)


class TrainConfig(Section):
    base_model: str = "minilm"
    data_dir: str = "../shared/data"
    seed: int = 13
    max_length: int = Field(128, ge=16)
    batch_size: int = Field(32, ge=1)
    learning_rate: float = Field(6e-5, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.05, ge=0, le=1)
    epochs: int = Field(1, ge=1)
    max_steps: int = Field(0, ge=0)
    precision: Literal["fp32", "bf16"] = "fp32"
    compile: bool = False
    length_grouping: bool = True
    eval_every: int = Field(500, ge=1)
    checkpoint_every: int = Field(250, ge=1)
    threads: int = Field(2, ge=0)
    save_fp16: bool = True
    labels: list[Literal["entailment", "neutral", "contradiction"]] = ["entailment", "neutral", "contradiction"]
    sources: dict[SourceName, Union[SourceSpec, None]] = {}
    dev: DevConfig = DevConfig()
    distill: Optional[DistillSpec] = None


def _with_parents(path: Path, seen: tuple = ()) -> dict:
    """A training recipe may name ``extends: OTHER.yaml`` (beside it) and change only some keys: a second
    stage repeats none of the first stage's sources.  Mappings merge key by key; the child wins."""
    data = load_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    ppath = (path.parent / str(parent)).resolve()
    if ppath in seen or len(seen) > 4:
        raise StanceError(f"{path}: 'extends: {parent}' loops back on itself; point it at a recipe that does not")
    if not ppath.exists():
        raise StanceError(f"{path}: 'extends: {parent}' names no file; give a path relative to {path.parent}")

    def merge(base: dict, over: dict) -> dict:
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        return out
    return merge(_with_parents(ppath, seen + (ppath,)), data)


def load_train_config(path: str | Path) -> dict:
    """``configs/train_nli.yaml`` validated, as the plain dict the trainer reads (sources: {} for null)."""
    cfg = validate(TrainConfig, _with_parents(Path(path)), path).model_dump()
    cfg["sources"] = {k: {kk: vv for kk, vv in (v or {}).items() if vv is not None}
                      for k, v in cfg["sources"].items()}
    return cfg
