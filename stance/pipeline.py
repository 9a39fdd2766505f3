"""The pipeline as a Python API: corpus -> claims -> pairs -> scores -> matrices -> report."""
from __future__ import annotations

import logging
import copy
from collections import Counter
import platform
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stance.stages.claims import Claim, ClaimOptions, extract_all
from stance.config import DEFAULT_CONFIG, PROJECT_ROOT, RunConfig, load_yaml, validate
from stance.stages.corpus import Corpus, load_corpus
from stance.errors import StanceError
from stance.stages.judge import JudgeOptions
from stance.stages.matrices import ClaimMatrix, DocMatrix, SpeakerMatrix, claim_matrix, doc_matrix, speaker_matrix
from stance.stages.pairs import PairOptions, candidate_pairs
from stance.stages.report import ReportData, check_out_dir, render, run_json, write_files
from stance.models.factory import load_scorer
from stance.models.scorer import Scorer
from stance.stages.scores import ScoredPair, score_pairs
from stance.stages.targets import TargetOptions, TargetStance, target_stances

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    corpus: Corpus
    claims: tuple[Claim, ...]
    scored: tuple[ScoredPair, ...]
    claim_matrix: ClaimMatrix
    doc_matrix: DocMatrix
    targets: tuple[TargetStance, ...]
    info: dict
    out_dir: Path | None = None
    timings: dict = field(default_factory=dict)
    speakers: SpeakerMatrix | None = None


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_config(config: str | Path | dict | None = None, overrides: dict | None = None) -> tuple[dict, str]:
    """Defaults from configs/default.yaml, overlaid with a user config (path or dict) and then with
    ``overrides`` (command-line flags), validated (unknown keys, wrong types and unknown choices are
    one-line errors naming the file and key)."""
    base = load_yaml(DEFAULT_CONFIG) if DEFAULT_CONFIG.exists() else {}
    validate(RunConfig, base, DEFAULT_CONFIG)
    if config is None:
        merged, where = base, str(DEFAULT_CONFIG)
    elif isinstance(config, dict):
        merged, where = _merge(base, config), "<dict>"
    else:
        merged, where = _merge(base, load_yaml(config)), str(config)
    if overrides:
        merged = _merge(merged, overrides)
    return validate(RunConfig, merged, where).model_dump(), where


def resolve_path(p: str | Path) -> Path:
    """Relative paths: the current folder first, then the project root (for bundled defaults)."""
    p = Path(p)
    if p.is_absolute() or p.exists():
        return p
    alt = PROJECT_ROOT / p
    return alt if alt.exists() else p


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("stance", "torch", "transformers", "sentence-transformers", "scikit-learn", "numpy", "pysbd"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def load_claim_tagger(cfg: dict, lazy: bool = False):
    """The attribution tagger named by ``claims.tagger`` (a model folder), or None for rules only;
    ``lazy``: loaded on first use (claims read back from the cache need no tagger)."""
    ref = cfg["claims"].get("tagger")
    if not ref:
        return None
    from stance.models.tagger import LazyTagger, load_tagger

    log.debug("attribution tagger: %s", resolve_path(str(ref)))
    return LazyTagger(resolve_path(str(ref))) if lazy else load_tagger(resolve_path(str(ref)))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def cache_folder(cfg: dict) -> Path | None:
    """Where claims, embeddings, scores and ONNX exports are cached ($STANCE_CACHE_DIR, else
    scoring.cache_dir), or None with scoring.cache off."""
    from stance.cache import cache_root

    sc = cfg["scoring"]
    return cache_root(sc.get("cache_dir", "~/.cache/stance")) if sc.get("cache", True) else None


def build_scorer(cfg: dict) -> Scorer:
    """The configured NLI scorer: backend (torch / onnx), precision, device; on the Ray engine a
    ``RayScorer`` whose workers load the same model with the same settings."""
    sc = cfg["scoring"]
    device = None if sc.get("device", "auto") == "auto" else sc["device"]
    model_ref = str(sc["model"])
    local = resolve_path(model_ref)
    ref = str(local) if local.exists() else model_ref
    kwargs = {"batch_size": int(sc["batch_size"]), "max_length": int(sc["max_length"]), "device": device,
              "precision": str(sc.get("precision", "fp32")), "backend": str(sc.get("backend", "torch"))}
    if kwargs["backend"] == "onnx":   # the export is cached even with scoring.cache off
        from stance.cache import cache_root

        kwargs["cache_dir"] = str(cache_root(sc.get("cache_dir", "~/.cache/stance")))
    scorer = load_scorer(ref, num_threads=int(sc.get("threads") or 0) or None, **kwargs)
    eng = cfg.get("engine", {})
    if eng.get("kind", "local") == "ray":
        from stance.engines.ray_engine import RayScorer

        scorer = RayScorer(scorer, ref, kwargs, eng.get("address"), int(eng.get("batch_pairs", 512)))
    return scorer


def _claims(docs: Corpus, cfg: dict, progress: bool = False, root: Path | None = None) -> list[Claim]:
    """Stage 2 with the configured tagger, through the claim cache under ``root`` when given."""
    opts = ClaimOptions.from_config(cfg["claims"])
    tagger = load_claim_tagger(cfg, lazy=root is not None)
    store = None
    if root is not None:
        from stance.stages.claims import ClaimStore, claims_namespace

        store = ClaimStore(root / "claims", claims_namespace(opts, tagger))
    try:
        return extract_all(docs, opts, tagger, progress, store)
    finally:
        if store is not None:
            store.close()


def extract(corpus: str | Path | Corpus | None = None, *, config: str | Path | dict | None = None,
            skip_bad_files: bool | None = None) -> tuple[Corpus, list[Claim]]:
    """Stages 1-2 only: the corpus and its attributed claims (source, cue, content, attitude)."""
    cfg, where = load_config(config)
    log.debug("config: %s", where)
    if isinstance(corpus, Corpus):
        docs = corpus
    else:
        skip = bool(cfg["corpus"]["skip_bad_files"]) if skip_bad_files is None else skip_bad_files
        docs = load_corpus(resolve_path(corpus if corpus is not None else cfg["corpus"]["path"]),
                           int(cfg["corpus"]["max_file_bytes"]), skip)
    found = _claims(docs, cfg, False, cache_folder(cfg))
    if not found:
        raise StanceError(f"{docs.location}: no claims found (every sentence was boilerplate or too short); "
                          f"check the documents or lower claims.min_words")
    return docs, found


def extract_claims_to(corpus, out: str | Path, *, config=None, overwrite: bool = False,
                      skip_bad_files: bool | None = None) -> tuple[Path, list[Claim]]:
    """``stance claims``: write OUT/claims.jsonl atomically; returns its path and the claims."""
    import json

    from stance.iohelpers import atomic_write_text
    from stance.stages.report import claim_record

    out = Path(out)
    target = out / "claims.jsonl"
    if out.exists() and not out.is_dir():
        raise StanceError(f"{out}: output path exists and is a file; pass another --out")
    if target.exists() and not overwrite:
        raise StanceError(f"{target}: exists; pass --overwrite or another --out")
    _, found = extract(corpus, config=config, skip_bad_files=skip_bad_files)
    atomic_write_text(target, "".join(json.dumps(claim_record(c), ensure_ascii=False) + "\n" for c in found))
    return target, found


def analyze(corpus: str | Path | Corpus | None = None, *, config: str | Path | dict | None = None,
            model: str | None = None, targets: list[str] | None = None, skip_bad_files: bool | None = None,
            scorer: Scorer | None = None, quiet: bool | None = None, overrides: dict | None = None) -> RunResult:
    """Run every stage and return the results without writing anything.  ``overrides`` is a partial
    config (e.g. ``{"engine": {"kind": "ray"}}``) laid over ``config``."""
    cfg, cfg_path = load_config(config, overrides)
    if model:
        cfg["scoring"]["model"] = model
    if targets is not None:
        cfg["targets"]["texts"] = list(targets)
    if skip_bad_files is not None:
        cfg["corpus"]["skip_bad_files"] = skip_bad_files
    if quiet is not None:
        cfg["report"]["quiet"] = quiet
    from stance.stages.matrices import DOC_AGGREGATIONS

    agg = str(cfg["matrices"].get("doc_aggregation", "disagreement"))
    if agg not in DOC_AGGREGATIONS:  # checked before any expensive stage
        raise StanceError(f"{cfg_path}: matrices.doc_aggregation '{agg}' is not a rule; "
                          f"use one of {', '.join(DOC_AGGREGATIONS)}")
    TargetOptions.from_config(cfg["targets"])
    seed = int(cfg.get("seed", 13))
    random.seed(seed)
    np.random.seed(seed)
    say = (lambda msg: None) if cfg["report"].get("quiet") else log.info
    timings: dict[str, float] = {}

    t = time.perf_counter()
    if isinstance(corpus, Corpus):
        docs = corpus
    else:
        where = corpus if corpus is not None else cfg["corpus"]["path"]
        docs = load_corpus(resolve_path(where), int(cfg["corpus"]["max_file_bytes"]),
                           bool(cfg["corpus"]["skip_bad_files"]))
    for skipped in docs.skipped:
        say(f"skipped {skipped}")
    timings["corpus"] = time.perf_counter() - t

    memory: dict[str, float] = {"corpus": peak_rss_mb()}
    progress = not cfg["report"].get("quiet")
    eng = cfg.get("engine", {})
    sc = cfg["scoring"]
    root = cache_folder(cfg)   # claims, embeddings and scores computed before are read back
    embedder = None
    if eng.get("kind", "local") == "ray":
        from stance.engines.ray_engine import ray_embedder

        embedder = ray_embedder(eng.get("address"), int(eng.get("batch_pairs", 512)))
    if root is not None:
        from stance.models.embeddings import cached_embedder

        embedder = cached_embedder(root, embedder)

    t = time.perf_counter()
    claims = _claims(docs, cfg, progress, root)
    if not claims:
        raise StanceError(f"{docs.location}: no claims found (every sentence was boilerplate or too short); "
                          f"check the documents or lower claims.min_words")
    timings["claims"] = time.perf_counter() - t
    memory["claims"] = peak_rss_mb()
    say(f"{len(docs.documents)} documents, {len(claims)} claims")

    t = time.perf_counter()
    popts = PairOptions.from_config(cfg["pairs"])
    pairs = candidate_pairs(claims, popts, progress=progress, embedder=embedder)
    timings["pairs"] = time.perf_counter() - t
    memory["pairs"] = peak_rss_mb()
    say(f"{len(pairs)} candidate pairs ({popts.mode}, top_k={popts.top_k}, floor={popts.min_similarity})")

    t = time.perf_counter()
    if scorer is None:
        scorer = build_scorer(cfg)
    scorer.progress = False   # score_pairs shows one bar over the whole stage
    timings["model_load"] = time.perf_counter() - t
    t = time.perf_counter()
    mcfg = cfg["matrices"]
    cache = None
    if root is not None:
        from stance.models.score_cache import open_score_cache

        cache = open_score_cache(scorer, root)
    nli_stats: dict = {}
    try:
        scored = score_pairs(pairs, scorer, int(sc["batch_size"]), mcfg["contradiction_combine"],
                             mcfg["support_combine"], JudgeOptions.from_config(cfg.get("judge", {})),
                             cache, int(sc.get("chunk_pairs", 2048)), progress, nli_stats)
    finally:
        if cache is not None:
            cache.close()
    timings["scores"] = time.perf_counter() - t
    memory["scores"] = peak_rss_mb()

    t = time.perf_counter()
    doc_ids = [d.id for d in docs.documents]
    cm = claim_matrix(claims, scored)
    dm = doc_matrix(doc_ids, scored, int(mcfg["doc_top_k"]), float(mcfg["contradiction_threshold"]),
                    float(mcfg["support_threshold"]), int(cfg["report"].get("per_doc_pair", 3)),
                    str(mcfg.get("doc_aggregation", "disagreement")), float(mcfg.get("doc_support_weight", 1.0)),
                    float(mcfg.get("doc_conflict_weight", 0.25)), int(mcfg.get("max_docs", 40)))
    sm = speaker_matrix(scored, int(mcfg["doc_top_k"]), int(cfg["report"].get("per_doc_pair", 3)),
                        int(mcfg.get("max_speakers", 40)))
    timings["matrices"] = time.perf_counter() - t
    memory["matrices"] = peak_rss_mb()

    t = time.perf_counter()   # stance toward --target claims: the FNC-1 head's features and NLI
    tstances = target_stances(doc_ids, claims, list(cfg["targets"].get("texts") or []), scorer,
                              TargetOptions.from_config(cfg["targets"]), popts.embedding_model,
                              popts.embedding_weight, int(sc["batch_size"]), {d.id: d.text for d in docs.documents})
    if tstances:
        timings["targets"] = time.perf_counter() - t
        memory["targets"] = peak_rss_mb()

    info_model = getattr(scorer, "info", None)
    per_doc = Counter(c.doc_id for c in claims)
    info = {
        "corpus": {"location": str(docs.location), "documents": doc_ids, "skipped": list(docs.skipped)},
        "config_path": cfg_path, "config": cfg,
        "model": {"name_or_path": getattr(info_model, "name_or_path", type(scorer).__name__),
                  "weights_sha256": getattr(info_model, "weights_sha256", None),
                  "labels": list(scorer.labels), "temperature": getattr(info_model, "temperature", 1.0),
                  "device": getattr(info_model, "device", None), "compute_dtype": getattr(info_model, "compute_dtype", None),
                  "backend": getattr(info_model, "backend", None)},
        "engine": dict(eng) if eng else {"kind": "local"},
        "versions": _versions(),
        "counts": {"documents": len(doc_ids), "claims": len(claims), "pairs_scored": len(scored),
                   # sentences and contents, both directions; distinct, cached, and computed by the model
                   **{k: nli_stats.get(k, 0) for k in ("nli_requested", "nli_distinct", "nli_from_cache",
                                                       "nli_predictions")},
                   "claims_per_doc": {d: per_doc.get(d, 0) for d in doc_ids},
                   "relations": {r: sum(1 for s in scored if s.relation == r) for r in
                                 ("contradicts", "denies", "disputes", "supports", "neutral", "unrelated")},
                   "attitudes": {a: sum(1 for c in claims if c.attitude == a) for a in ("asserts", "denies", "doubts")},
                   "speakers": len({c.speaker_id for c in claims})},
        "seed": seed,
        "peak_rss_mb": memory,
    }
    return RunResult(docs, tuple(claims), tuple(scored), cm, dm, tuple(tstances), info, None, timings, sm)


def run(corpus: str | Path | Corpus | None = None, *, config: str | Path | dict | None = None,
        out: str | Path | None = None, model: str | None = None, targets: list[str] | None = None,
        quiet: bool | None = None, overwrite: bool | None = None, skip_bad_files: bool | None = None,
        scorer: Scorer | None = None, overrides: dict | None = None) -> RunResult:
    """Run the pipeline and write the report folder; returns the results with ``out_dir`` set."""
    t0 = time.perf_counter()
    cfg, _ = load_config(config, overrides)
    out_dir = Path(out or cfg["report"]["out"])
    overwrite = bool(cfg["report"].get("overwrite")) if overwrite is None else overwrite
    if not isinstance(corpus, Corpus):  # inputs first, then the output folder, then the expensive stages
        skip = bool(cfg["corpus"]["skip_bad_files"]) if skip_bad_files is None else skip_bad_files
        corpus = load_corpus(resolve_path(corpus if corpus is not None else cfg["corpus"]["path"]),
                             int(cfg["corpus"]["max_file_bytes"]), skip)
    check_out_dir(out_dir, overwrite)
    res = analyze(corpus, config=config, model=model, targets=targets, skip_bad_files=skip_bad_files,
                  scorer=scorer, quiet=quiet, overrides=overrides)
    t = time.perf_counter()
    info = dict(res.info)
    info["config"]["report"]["out"] = str(out_dir)
    info["config"]["report"]["overwrite"] = overwrite
    timings = dict(res.timings)
    rcfg, mcfg = info["config"]["report"], info["config"]["matrices"]
    data = ReportData(res.corpus, res.claims, res.scored, res.claim_matrix, res.doc_matrix, res.targets,
                      {**info, "timings_s": timings}, int(rcfg.get("top_n", 15)),
                      float(mcfg["contradiction_threshold"]), float(mcfg["support_threshold"]), res.speakers,
                      int(rcfg.get("groups_shown", 12)), int(rcfg.get("page_pairs", 1500)))
    files = render(data)
    timings["report"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    info["peak_rss_mb"] = {**info.get("peak_rss_mb", {}), "report": peak_rss_mb()}
    info["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
    files["run.json"] = run_json(info)   # with the report stage's own time and memory
    write_files(files, out_dir, overwrite)
    return RunResult(res.corpus, res.claims, res.scored, res.claim_matrix, res.doc_matrix, res.targets,
                     info, out_dir, {k: round(v, 3) for k, v in timings.items()}, res.speakers)
