"""FNC-1 stance detection (headline vs article body: agree / disagree / discuss / unrelated).

Three parts:
  * the official FNC-1 score plus macro-F1, per-class figures and the confusion matrix;
  * a feature pipeline built from the project's own parts: MiniLM and TF-IDF relatedness, NLI of
    the headline against the body's most related sentences (both directions), hedging / refuting
    cue words and claim attribution of those sentences;
  * a small scikit-learn head over those features, trained on the FNC-1 training set.

NLI is the expensive step, so it only runs for pairs whose MiniLM relatedness clears a low floor
(about three quarters of FNC-1 pairs are unrelated); the others get zeros and a flag.  Sentence
splits, sentence embeddings and NLI probabilities are cached under ``.cache/fnc/`` (npz and json,
written atomically), so a rerun over the same texts skips the model.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from .config import PROJECT_ROOT, load_yaml
from .errors import StanceError
from .iohelpers import atomic_write_bytes, atomic_write_text
from .nli_data import DEFAULT_DATA_DIR, StanceExample, split_by_body

if TYPE_CHECKING:
    from .attribution import Attribution

FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED_LABELS = frozenset(("agree", "disagree", "discuss"))
DEFAULT_CONFIG_PATH = "configs/fnc.yaml"
HEAD_FILE = "fnc_head.joblib"
HEAD_FORMAT = 1

csv.field_size_limit(10**8)


# --- official scoring -------------------------------------------------------------------

def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Official FNC-1 score: +0.25 when gold and prediction agree on related vs unrelated,
    +0.75 more when a related gold pair gets its exact label."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    score = 0.0
    for g, p in zip(gold, predicted):
        if (g in RELATED_LABELS) == (p in RELATED_LABELS):
            score += 0.25
        if g in RELATED_LABELS and g == p:
            score += 0.75
    return score


def fnc_best_score(gold: Sequence[str]) -> float:
    return fnc_score(gold, gold)


@dataclass(frozen=True)
class ClassFigures:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class FNCEvaluation:
    n: int
    fnc_score: float
    fnc_best: float
    fnc_relative: float
    macro_f1: float
    per_class: dict[str, ClassFigures]
    confusion: list[list[int]]  # rows gold, columns predicted, both in FNC_LABELS order
    labels: tuple[str, ...] = FNC_LABELS

    def summary(self) -> dict:
        """The figures as plain JSON types (without the run time)."""
        return {"n": self.n, "fnc_score": self.fnc_score, "fnc_relative": self.fnc_relative,
                "macro_f1": self.macro_f1, "per_class": {k: asdict(v) for k, v in self.per_class.items()},
                "confusion": self.confusion, "labels": list(self.labels)}


def evaluate(gold: Sequence[str], predicted: Sequence[str]) -> FNCEvaluation:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    gold, predicted = list(gold), list(predicted)
    if not gold:
        raise StanceError("no headline-body pairs to evaluate; check the stances file")
    unknown = sorted(set(gold + predicted) - set(FNC_LABELS))
    if unknown:
        raise StanceError(f"unknown stance label(s) {unknown}; use {', '.join(FNC_LABELS)}")
    prec, rec, f1, support = precision_recall_fscore_support(gold, predicted, labels=list(FNC_LABELS),
                                                             zero_division=0)
    per_class = {lab: ClassFigures(float(prec[i]), float(rec[i]), float(f1[i]), int(support[i]))
                 for i, lab in enumerate(FNC_LABELS)}
    score, best = fnc_score(gold, predicted), fnc_best_score(gold)
    conf = confusion_matrix(gold, predicted, labels=list(FNC_LABELS))
    return FNCEvaluation(n=len(gold), fnc_score=score, fnc_best=best, fnc_relative=score / best if best else 0.0,
                         macro_f1=float(np.mean(f1)), per_class=per_class,
                         confusion=[[int(x) for x in row] for row in conf])


def format_evaluation(ev: FNCEvaluation) -> str:
    lines = [f"FNC score: {ev.fnc_score:.2f} / {ev.fnc_best:.2f} ({100 * ev.fnc_relative:.2f}%)   "
             f"macro-F1: {ev.macro_f1:.4f}   pairs: {ev.n}",
             f"{'':10s} {'precision':>9s} {'recall':>7s} {'F1':>7s} {'support':>8s}"]
    for lab, c in ev.per_class.items():
        lines.append(f"{lab:10s} {c.precision:9.4f} {c.recall:7.4f} {c.f1:7.4f} {c.support:8d}")
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(f"{'':10s}" + "".join(f"{lab:>10s}" for lab in ev.labels))
    for lab, row in zip(ev.labels, ev.confusion):
        lines.append(f"{lab:10s}" + "".join(f"{x:10d}" for x in row))
    return "\n".join(lines)


# --- official CSV formats ---------------------------------------------------------------

@dataclass(frozen=True)
class FNCData:
    bodies: dict[str, str]            # Body ID -> articleBody
    stances: list[StanceExample]      # one per headline-body pair, in file order
    labelled: bool                    # the stances file has a Stance column

    @property
    def gold(self) -> list[str]:
        return [s.stance for s in self.stances]


def _read_csv(path: Path, required: tuple[str, ...], kind: str, fix: str) -> tuple[list[str], list[dict]]:
    if not path.exists():
        raise StanceError(f"{path}: {kind} file not found; {fix}")
    if path.is_dir():
        raise StanceError(f"{path}: is a folder, not a {kind} CSV file; {fix}")
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                found = ", ".join(header) or "none"
                raise StanceError(f"{path}: missing column(s) {', '.join(missing)} (found: {found}); "
                                  f"the {kind} CSV needs the header {','.join(required)}")
            rows = [{(k or "").strip(): v for k, v in r.items()} for r in reader]
    except UnicodeDecodeError:
        raise StanceError(f"{path}: not UTF-8 text; re-save the {kind} CSV as UTF-8") from None
    except csv.Error as exc:
        raise StanceError(f"{path}: malformed CSV ({exc}); fix the quoting of the {kind} file") from None
    return header, rows


def read_fnc_csvs(bodies_csv: str | Path, stances_csv: str | Path) -> FNCData:
    """Read ``Body ID,articleBody`` and ``Headline,Body ID[,Stance]`` (the official FNC-1 formats)."""
    bodies_csv, stances_csv = Path(bodies_csv), Path(stances_csv)
    _, body_rows = _read_csv(bodies_csv, ("Body ID", "articleBody"), "bodies",
                             "pass --bodies the FNC-1 bodies CSV (columns Body ID,articleBody)")
    bodies = {(r.get("Body ID") or "").strip(): r.get("articleBody") or "" for r in body_rows}
    header, stance_rows = _read_csv(stances_csv, ("Headline", "Body ID"), "stances",
                                    "pass --stances the FNC-1 stances CSV (columns Headline,Body ID[,Stance])")
    labelled = "Stance" in header
    stances = []
    for line, r in enumerate(stance_rows, start=2):
        body_id = (r.get("Body ID") or "").strip()
        if body_id not in bodies:
            raise StanceError(f"{stances_csv}: line {line}: Body ID '{body_id}' is not in {bodies_csv}; "
                              f"pass the bodies file that belongs to these stances")
        stance = None
        if labelled:
            stance = (r.get("Stance") or "").strip().lower()
            if stance not in FNC_LABELS:
                raise StanceError(f"{stances_csv}: line {line}: Stance '{r.get('Stance')}' is not one of "
                                  f"{', '.join(FNC_LABELS)}; fix the label or drop the Stance column")
        stances.append(StanceExample(r.get("Headline") or "", body_id, stance))
    if not stances:
        raise StanceError(f"{stances_csv}: no headline-body rows; pass a non-empty stances CSV")
    return FNCData(bodies, stances, labelled)


def write_fnc_csvs(data: FNCData, bodies_csv: Path, stances_csv: Path,
                   predictions: Sequence[str] | None = None) -> None:
    """Write the official formats (``predictions`` replaces the Stance column when given)."""
    used = sorted({s.body_id for s in data.stances}, key=lambda b: (len(b), b))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Body ID", "articleBody"])
    w.writerows([b, data.bodies[b]] for b in used)
    atomic_write_text(bodies_csv, buf.getvalue())
    write_predictions_csv(data.stances, predictions or data.gold, stances_csv)


def write_predictions_csv(stances: Sequence[StanceExample], labels: Sequence[str], path: Path) -> None:
    """Official submission format: ``Headline,Body ID,Stance``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Headline", "Body ID", "Stance"])
    w.writerows([s.headline, s.body_id, lab] for s, lab in zip(stances, labels))
    atomic_write_text(path, buf.getvalue())


# --- configuration ----------------------------------------------------------------------

@dataclass(frozen=True)
class HeadSpec:
    """One candidate classifier for the head; ``fnc-train`` picks among them by dev score."""
    kind: str = "hgb"                 # hgb (HistGradientBoosting) | logreg
    class_weight: str = "none"        # none | balanced | sqrt (square root of balanced)
    params: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.kind}[cw={self.class_weight}{',' + extra if extra else ''}]"


@dataclass(frozen=True)
class FNCConfig:
    model: str = "models/stance-nli-minilm"
    cache_dir: str = ".cache/fnc"
    data_dir: str | None = None
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
    threads: int = 0
    tfidf_max_features: int = 20000
    dev_fraction: float = 0.2
    seed: int = 13
    nli_holdout_fraction: float = 0.1
    add_arc: bool = False
    compare_arc: bool = True
    ablation: bool = True
    select_on: str = "mean"
    candidates: tuple[HeadSpec, ...] = (HeadSpec("hgb", "balanced"), HeadSpec("logreg", "sqrt"))


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
    data: dict = {}
    if path is not None or _resolve(DEFAULT_CONFIG_PATH).exists():
        where = _resolve(path or DEFAULT_CONFIG_PATH)
        data = load_yaml(where)
        known = {f.name for f in fields(FNCConfig)}
        bad = sorted(set(data) - known)
        if bad:
            raise StanceError(f"{where}: unknown key(s) {', '.join(bad)}; valid keys are {', '.join(sorted(known))}")
        if "candidates" in data:
            try:
                data["candidates"] = tuple(HeadSpec(kind=str(c.get("kind", "hgb")),
                                                    class_weight=str(c.get("class_weight", "none")),
                                                    params=dict(c.get("params") or {}))
                                           for c in data["candidates"])
            except (AttributeError, TypeError):
                raise StanceError(f"{where}: candidates must be a list of mappings with kind/class_weight/params; "
                                  f"fix the file") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    cfg = FNCConfig(**data)
    for spec in cfg.candidates:
        if spec.kind not in ("hgb", "logreg") or spec.class_weight not in ("none", "balanced", "sqrt"):
            raise StanceError(f"candidates: '{spec.name}' is not a head; kind is hgb or logreg, "
                              f"class_weight is none, balanced or sqrt")
    if cfg.select_on not in ("fnc_relative", "macro_f1", "mean"):
        raise StanceError(f"select_on: '{cfg.select_on}' is not a criterion; use fnc_relative, macro_f1 or mean")
    if not cfg.candidates:
        raise StanceError("candidates: the list is empty; give at least one head candidate")
    return cfg


# --- cache ------------------------------------------------------------------------------

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


# --- features ---------------------------------------------------------------------------

# Cue words, counted per whole word (after the FNC-1 baseline's hedging / refuting lists).
HEDGING_WORDS = ("reportedly", "allegedly", "alleged", "purportedly", "purported", "supposedly", "apparently",
                 "claim", "claims", "claimed", "rumor", "rumors", "rumour", "rumours", "rumored", "rumoured",
                 "unconfirmed", "unverified", "speculation", "speculated", "suspected", "believed", "possibly",
                 "may", "might", "could", "appears", "seems", "according")
REFUTING_WORDS = ("fake", "fraud", "hoax", "false", "deny", "denies", "denied", "denial", "debunk", "debunked",
                  "debunks", "bogus", "myth", "untrue", "refute", "refuted", "refutes", "retract", "retracted",
                  "prank", "pranks", "satire", "satirical", "doubt", "doubts", "dismissed", "rejected",
                  "misleading", "nope", "not", "no", "never", "despite")
_HEDGE_RE = re.compile(r"\b(?:" + "|".join(HEDGING_WORDS) + r")\b", re.I)
_REFUTE_RE = re.compile(r"\b(?:" + "|".join(REFUTING_WORDS) + r")\b|n't\b", re.I)
_WORD_RE = re.compile(r"[a-z0-9]+")

FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "relatedness": ("emb_body", "emb_max", "emb_top_mean", "tfidf_body", "tfidf_max", "overlap_jaccard",
                    "headline_coverage", "log_body_sentences", "headline_words"),
    "nli": ("nli_skipped", "fwd_ent_max", "fwd_ent_mean", "fwd_con_max", "fwd_con_mean",
            "rev_ent_max", "rev_ent_mean", "rev_con_max", "rev_con_mean", "top1_fwd_ent", "top1_fwd_con",
            "joined_ent", "joined_con"),
    "cues": ("headline_hedge", "headline_refute", "headline_question", "body_hedge_rate", "body_refute_rate",
             "top_hedge", "top_refute"),
    "attribution": ("top_denials", "top_attributed", "top1_denial", "top1_attributed", "top_denial_cues"),
}
FEATURE_NAMES: tuple[str, ...] = tuple(n for group in FEATURE_GROUPS.values() for n in group)
TFIDF_FEATURES = ("tfidf_body", "tfidf_max")


def _content_words(text: str) -> set[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return {w for w in _WORD_RE.findall(text.lower()) if w not in ENGLISH_STOP_WORDS}


@dataclass(frozen=True)
class PreparedBody:
    sentences: tuple[str, ...]       # candidate sentences (at least one: the body itself if it has none)
    embeddings: np.ndarray           # (n_sentences, dim), unit rows
    mean_embedding: np.ndarray       # unit mean of the sentence embeddings: the whole body
    hedge_rate: float
    refute_rate: float
    content_words: frozenset[str]


@dataclass(frozen=True)
class SentenceCues:
    hedges: int
    refutes: int
    denial_cues: int
    attribution: "Attribution"


def fit_tfidf(texts: Iterable[str], max_features: int):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = list(texts)
    # min_df=2 drops one-off tokens (typos, ids) on real corpora; tiny inputs keep every term
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2 if len(texts) >= 100 else 1,
                          max_features=max_features, dtype=np.float32)
    try:
        vec.fit(texts)
    except ValueError:
        raise StanceError("training texts have no words outside the English stop list; check the CSV files") from None
    vec.stop_words_ = None  # the pruned-term set is only for introspection and bloats the saved head
    return vec


class FeatureBuilder:
    """Turns (bodies, headline-body pairs) into the FEATURE_NAMES matrix, reusing the cache."""

    def __init__(self, cfg: FNCConfig, scorer=None, cache: FNCCache | None = None, quiet: bool = False):
        self.cfg = cfg
        self.quiet = quiet
        self._scorer = scorer
        self.cache = cache if cache is not None else FNCCache(_resolve(cfg.cache_dir) if cfg.cache_dir else None,
                                                               cfg.embedding_model)
        self.stats: dict[str, float] = {}

    # -- models, loaded on first use
    @property
    def scorer(self):
        if self._scorer is None:
            from .scorer import load_scorer

            model = str(_resolve(self.cfg.model)) if _resolve(self.cfg.model).exists() else self.cfg.model
            self._scorer = load_scorer(model, batch_size=self.cfg.nli_batch_size, max_length=self.cfg.nli_max_length,
                                       num_threads=self.cfg.threads or None)
        return self._scorer

    def _log(self, msg: str) -> None:
        if not self.quiet:
            print(msg, file=sys.stderr, flush=True)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        from .embeddings import embed

        keys = [text_key(t) for t in texts]
        vecs, found = self.cache.embeddings.lookup(keys)
        missing = sorted({t for t, f in zip(texts, found) if not f})
        if missing:
            self._log(f"embedding {len(missing)} new texts with MiniLM")
            new = embed(missing, self.cfg.embedding_model, self.cfg.embedding_batch_size)
            self.cache.embeddings.add([text_key(t) for t in missing], new)
            vecs, _ = self.cache.embeddings.lookup(keys)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.maximum(norms, 1e-6)  # float16 storage loses a little norm

    def _split(self, body: str) -> list[str]:
        from .sentences import split_sentences

        key = text_key(body)
        cached = self.cache.sentences(key)
        if cached is None:
            cached = [" ".join(s.text.split()) for s in split_sentences(body)]
            self.cache.put_sentences(key, cached)
        keep = [s for s in cached if len(s.split()) >= self.cfg.min_sentence_words][: self.cfg.max_body_sentences]
        return keep or [" ".join(body.split())[:2000] or "(empty)"]

    def prepare_bodies(self, bodies: dict[str, str], body_ids: Iterable[str]) -> dict[str, PreparedBody]:
        ids = sorted(set(body_ids))
        sentences = {b: self._split(bodies[b]) for b in ids}
        flat = [s for b in ids for s in sentences[b]]
        vecs = self._embed(flat)
        out, start = {}, 0
        for b in ids:
            sents = sentences[b]
            emb = vecs[start:start + len(sents)]
            start += len(sents)
            mean = emb.mean(axis=0)
            words = max(1, len(bodies[b].split()))
            out[b] = PreparedBody(tuple(sents), emb, mean / max(float(np.linalg.norm(mean)), 1e-6),
                                  hedge_rate=100.0 * len(_HEDGE_RE.findall(bodies[b])) / words,
                                  refute_rate=100.0 * len(_REFUTE_RE.findall(bodies[b])) / words,
                                  content_words=frozenset(_content_words(bodies[b])))
        return out

    def nli_model_id(self) -> str:
        """Weights sha256 of the NLI model (its name when it has no local weights file)."""
        info = getattr(self.scorer, "info", None)
        return (info.weights_sha256 or info.name_or_path) if info else type(self.scorer).__name__

    def _nli_namespace(self) -> str:
        # calibration temperature and truncation change the probabilities, so they key the cache too
        info = getattr(self.scorer, "info", None)
        temp = info.temperature if info else 1.0
        return text_key(self.nli_model_id(), f"{temp:.6g}", str(self.cfg.nli_max_length))[:16]

    def _nli(self, pairs: list[tuple[str, str]], reverse: bool) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        """(forward, reverse) probabilities for (sentence, headline) pairs, cached by model and text;
        reverse is all zeros unless ``reverse``."""
        labels = tuple(self.scorer.labels)
        store = self.cache.nli_store(self._nli_namespace(), len(labels))
        requested = pairs
        pairs = list(dict.fromkeys(requested))  # a repeated headline-body row needs scoring once
        fwd_keys = [text_key(p, h) for p, h in pairs]
        rev_keys = [text_key(h, p) for p, h in pairs]
        fwd, f_found = store.lookup(fwd_keys)
        rev, r_found = store.lookup(rev_keys) if reverse else (np.zeros_like(fwd), f_found)
        todo = [i for i in range(len(pairs)) if not (f_found[i] and r_found[i])]
        self.stats["nli_pairs"] = self.stats.get("nli_pairs", 0) + len(pairs)
        self.stats["nli_pairs_computed"] = self.stats.get("nli_pairs_computed", 0) + len(todo)
        if todo:
            self._log(f"NLI: scoring {len(todo)} sentence-headline pairs"
                      f"{' in both directions' if reverse else ''} ({len(pairs) - len(todo)} cached)")
            bar = None
            if not self.quiet:
                from tqdm import tqdm

                bar = tqdm(total=len(todo), desc="NLI", unit="pair", leave=False)
            for start in range(0, len(todo), self.cfg.nli_chunk):
                idx = todo[start:start + self.cfg.nli_chunk]
                chunk = [pairs[i] for i in idx]
                # rounded as stored, so a cold run and a cached rerun give identical features
                if reverse:
                    from .scorer import predict_both_directions

                    f, r = predict_both_directions(self.scorer, chunk, self.cfg.nli_batch_size)
                    store.add([rev_keys[i] for i in idx], r)
                    rev[idx] = r.astype(np.float16)
                else:
                    f = self.scorer.predict(chunk, self.cfg.nli_batch_size)
                store.add([fwd_keys[i] for i in idx], f)
                fwd[idx] = f.astype(np.float16)
                self.cache.save()  # an interrupted run keeps what it scored
                if bar is not None:
                    bar.update(len(idx))
            if bar is not None:
                bar.close()
        where = {p: i for i, p in enumerate(pairs)}
        rows = [where[p] for p in requested]
        return fwd[rows], rev[rows], labels

    def build(self, bodies: dict[str, str], stances: Sequence[StanceExample], vectorizer) -> np.ndarray:
        """Feature matrix, one row per pair, columns in FEATURE_NAMES order."""
        from .attribution import DENIAL_CUES, attribute

        t0 = time.perf_counter()
        col = {name: i for i, name in enumerate(FEATURE_NAMES)}
        X = np.zeros((len(stances), len(FEATURE_NAMES)), dtype=np.float32)
        prepared = self.prepare_bodies(bodies, (s.body_id for s in stances))
        headlines = sorted({s.headline for s in stances})
        head_vecs = dict(zip(headlines, self._embed(headlines)))
        self.cache.save()
        k = self.cfg.top_sentences

        @lru_cache(maxsize=None)  # a body's top sentences recur across its many headlines
        def sentence_cues(body_id: str, j: int) -> SentenceCues:
            sents = prepared[body_id].sentences
            prev_text = sents[j - 1] if j > 0 else ""  # the sentence before resolves "he said" and quote runs
            prev = attribute(prev_text, "author") if prev_text else None
            return SentenceCues(len(_HEDGE_RE.findall(sents[j])), len(_REFUTE_RE.findall(sents[j])),
                                len(DENIAL_CUES.findall(sents[j])), attribute(sents[j], "author", prev, prev_text))

        nli_rows: list[tuple[int, list[str], str]] = []   # (pair index, top sentences, headline)
        joined: list[tuple[str, str]] = []   # premise: the top-2 sentences in body order, as NLI training saw FNC-1
        for i, s in enumerate(stances):
            body = prepared[s.body_id]
            sims = body.embeddings @ head_vecs[s.headline]
            top = np.argsort(-sims, kind="stable")[:k]
            top_sents = [body.sentences[j] for j in top]
            h_words = _content_words(s.headline)
            row = X[i]
            row[col["emb_body"]] = float(body.mean_embedding @ head_vecs[s.headline])
            row[col["emb_max"]] = float(sims[top[0]])
            row[col["emb_top_mean"]] = float(sims[top].mean())
            union = h_words | body.content_words
            row[col["overlap_jaccard"]] = len(h_words & body.content_words) / len(union) if union else 0.0
            row[col["headline_coverage"]] = len(h_words & body.content_words) / len(h_words) if h_words else 0.0
            row[col["log_body_sentences"]] = float(np.log1p(len(body.sentences)))
            row[col["headline_words"]] = float(len(s.headline.split()))
            row[col["headline_hedge"]] = len(_HEDGE_RE.findall(s.headline))
            row[col["headline_refute"]] = len(_REFUTE_RE.findall(s.headline))
            row[col["headline_question"]] = float("?" in s.headline)
            row[col["body_hedge_rate"]] = body.hedge_rate
            row[col["body_refute_rate"]] = body.refute_rate
            cues = [sentence_cues(s.body_id, int(j)) for j in top]
            row[col["top_hedge"]] = sum(c.hedges for c in cues)
            row[col["top_refute"]] = sum(c.refutes for c in cues)
            row[col["top_denials"]] = sum(c.attribution.is_denial for c in cues)
            row[col["top_attributed"]] = sum(c.attribution.attributed for c in cues)
            row[col["top1_denial"]] = float(cues[0].attribution.is_denial)
            row[col["top1_attributed"]] = float(cues[0].attribution.attributed)
            row[col["top_denial_cues"]] = sum(c.denial_cues for c in cues)
            if row[col["emb_max"]] >= self.cfg.nli_floor:
                nli_rows.append((i, top_sents, s.headline))
                joined.append((" ".join(body.sentences[j] for j in sorted(top[:2])), s.headline))
            else:
                row[col["nli_skipped"]] = 1.0
        X[:, [col[n] for n in TFIDF_FEATURES]] = tfidf_features(bodies, prepared, stances, vectorizer)
        t_prep = time.perf_counter() - t0

        self.stats.update(nli_pairs=0, nli_pairs_computed=0)
        flat = [(sent, head) for _, sents, head in nli_rows for sent in sents]
        if flat:
            fwd, rev, labels = self._nli(flat, reverse=self.cfg.nli_reverse)
            j_fwd = self._nli(joined, reverse=False)[0] if self.cfg.nli_joined else np.zeros((len(joined), len(labels)))
            ent = labels.index("entailment")
            con_idx = labels.index("contradiction") if "contradiction" in labels else None
            start = 0
            for i, sents, _ in nli_rows:
                f, r = fwd[start:start + len(sents)], rev[start:start + len(sents)]
                start += len(sents)
                f_con = f[:, con_idx] if con_idx is not None else np.zeros(len(sents))
                r_con = r[:, con_idx] if con_idx is not None else np.zeros(len(sents))
                row = X[i]
                row[col["fwd_ent_max"]], row[col["fwd_ent_mean"]] = f[:, ent].max(), f[:, ent].mean()
                row[col["fwd_con_max"]], row[col["fwd_con_mean"]] = f_con.max(), f_con.mean()
                if self.cfg.nli_reverse:
                    row[col["rev_ent_max"]], row[col["rev_ent_mean"]] = r[:, ent].max(), r[:, ent].mean()
                    row[col["rev_con_max"]], row[col["rev_con_mean"]] = r_con.max(), r_con.mean()
                row[col["top1_fwd_ent"]], row[col["top1_fwd_con"]] = f[0, ent], f_con[0]
            jr = [i for i, _, _ in nli_rows]
            X[jr, col["joined_ent"]] = j_fwd[:, ent]
            X[jr, col["joined_con"]] = j_fwd[:, con_idx] if con_idx is not None else 0.0
        self.cache.save()
        self.stats.update(pairs=len(stances), pairs_with_nli=len(nli_rows), seconds_prepare=t_prep,
                          seconds_total=time.perf_counter() - t0)
        return X


def tfidf_features(bodies: dict[str, str], prepared: dict[str, PreparedBody], rows: Sequence[StanceExample],
                   vectorizer) -> np.ndarray:
    """TFIDF_FEATURES per pair: cosine of the headline with the whole body and its best sentence."""
    body_ids = sorted({s.body_id for s in rows})
    body_vecs = dict(zip(body_ids, vectorizer.transform([bodies[b] for b in body_ids])))
    sent_mats = {b: vectorizer.transform(prepared[b].sentences) for b in body_ids}
    headlines = sorted({s.headline for s in rows})
    head_vecs = dict(zip(headlines, vectorizer.transform(headlines)))
    out = np.zeros((len(rows), len(TFIDF_FEATURES)), dtype=np.float32)
    for i, s in enumerate(rows):
        h = head_vecs[s.headline].T   # TfidfVectorizer rows are unit length: dot product = cosine
        out[i, 0] = (body_vecs[s.body_id] @ h).toarray().ravel()[0]
        out[i, 1] = (sent_mats[s.body_id] @ h).toarray().max()
    return out


# ablation-only pseudo-groups that remove the features of one optional NLI pass
NLI_VARIANTS = {"-reverse": ("rev_ent_max", "rev_ent_mean", "rev_con_max", "rev_con_mean"),
                "-joined": ("joined_ent", "joined_con")}


def feature_columns(groups: Sequence[str]) -> list[int]:
    wanted = {n for g in groups if g in FEATURE_GROUPS for n in FEATURE_GROUPS[g]}
    wanted -= {n for g in groups if g in NLI_VARIANTS for n in NLI_VARIANTS[g]}
    return [i for i, n in enumerate(FEATURE_NAMES) if n in wanted]


# --- head -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FNCHead:
    """Everything needed to predict: the classifier, its feature columns and the TF-IDF vocabulary."""
    classifier: object
    columns: tuple[int, ...]           # indices into FEATURE_NAMES
    vectorizer: object
    spec: HeadSpec
    config: dict                       # the FNCConfig feature settings it was trained with
    nli_model: str                     # weights sha256 (or name) of the NLI model behind its features
    format: int = HEAD_FORMAT

    def predict(self, X: np.ndarray) -> list[str]:
        return [str(x) for x in self.classifier.predict(X[:, list(self.columns)])]


def _sample_weights(y: Sequence[str], mode: str) -> np.ndarray | None:
    if mode == "none":
        return None
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    w = {lab: len(y) / (len(labels) * c) for lab, c in zip(labels, counts)}
    if mode == "sqrt":
        w = {lab: np.sqrt(v) for lab, v in w.items()}
    return np.array([w[lab] for lab in y], dtype=np.float64)


def fit_classifier(spec: HeadSpec, X: np.ndarray, y: Sequence[str], seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if spec.kind == "hgb":
        params = {"max_iter": 300, "learning_rate": 0.08, "max_leaf_nodes": 31, "l2_regularization": 1.0,
                  "early_stopping": False, **spec.params}
        clf = HistGradientBoostingClassifier(random_state=seed, **params)
        clf.fit(X, y, sample_weight=_sample_weights(y, spec.class_weight))
        return clf
    params = {"C": 1.0, "max_iter": 3000, **spec.params}
    clf = make_pipeline(StandardScaler(), LogisticRegression(**params))
    clf.fit(X, y, logisticregression__sample_weight=_sample_weights(y, spec.class_weight))
    return clf


def save_head(head: FNCHead, path: str | Path) -> Path:
    import joblib

    path = Path(path)
    buf = io.BytesIO()
    joblib.dump(head, buf, compress=3)
    atomic_write_bytes(path, buf.getvalue())
    return path


def load_head(path: str | Path) -> FNCHead:
    import joblib

    path = Path(path)
    if not path.exists():
        raise StanceError(f"{path}: FNC head not found; train it with `stance fnc-train` or pass --head")
    try:
        head = joblib.load(path)
    except Exception as exc:  # joblib raises many types for a damaged file
        raise StanceError(f"{path}: cannot read the FNC head ({type(exc).__name__}); "
                          f"re-run `stance fnc-train`") from None
    if not isinstance(head, FNCHead) or head.format != HEAD_FORMAT:
        raise StanceError(f"{path}: not an FNC head of this version; re-run `stance fnc-train`")
    return head


def head_config(cfg: FNCConfig, head: FNCHead) -> FNCConfig:
    """Feature settings come from the head (they must match training); runtime settings from ``cfg``."""
    return replace(cfg, **{k: head.config[k] for k in FEATURE_SETTINGS if k in head.config})


def default_head_path(model: str) -> Path:
    folder = _resolve(model)
    return (folder if folder.is_dir() else _resolve("models/stance-nli-minilm")) / HEAD_FILE


# --- prediction (stance fnc) ------------------------------------------------------------

@dataclass(frozen=True)
class FNCRun:
    predictions: list[str]
    evaluation: FNCEvaluation | None
    seconds: float
    stats: dict


def predict_fnc(data: FNCData, head: FNCHead, cfg: FNCConfig, scorer=None,
                quiet: bool = False) -> tuple[list[str], dict]:
    builder = FeatureBuilder(head_config(cfg, head), scorer=scorer, quiet=quiet)
    X = builder.build(data.bodies, data.stances, head.vectorizer)
    ident = builder.nli_model_id() if builder.stats.get("pairs_with_nli") else None
    if ident and head.nli_model and ident != head.nli_model and not quiet:
        print("warning: the FNC head was trained on features of a different NLI model; retrain it with "
              "`stance fnc-train --model ...` for best results", file=sys.stderr)
    return head.predict(X), dict(builder.stats)


def run_fnc(bodies_csv: str | Path, stances_csv: str | Path, *, model: str | None = None,
            head_path: str | Path | None = None, config: str | Path | None = None, cache_dir: str | None = None,
            json_out: str | Path | None = None, predictions_out: str | Path | None = None, quiet: bool = False,
            scorer=None) -> FNCRun:
    t0 = time.perf_counter()
    cfg = load_fnc_config(config, model=model, cache_dir=cache_dir)
    data = read_fnc_csvs(bodies_csv, stances_csv)
    if not data.labelled and not (json_out or predictions_out):
        raise StanceError(f"{stances_csv}: has no Stance column, so there is nothing to score; "
                          f"pass --predictions OUT.csv (or --json OUT.json) to write predictions")
    head = load_head(head_path or default_head_path(cfg.model))
    predictions, stats = predict_fnc(data, head, cfg, scorer=scorer, quiet=quiet)
    ev = evaluate(data.gold, predictions) if data.labelled else None
    seconds = time.perf_counter() - t0
    if predictions_out or not data.labelled:
        target = Path(predictions_out) if predictions_out else Path(json_out).with_suffix(".predictions.csv")
        write_predictions_csv(data.stances, predictions, target)
        stats["predictions_csv"] = str(target)
    if json_out:
        payload = ev.summary() if ev else {"n": len(predictions), "fnc_score": None, "fnc_relative": None,
                                           "macro_f1": None, "per_class": None, "confusion": None,
                                           "labels": list(FNC_LABELS)}
        payload["seconds"] = round(seconds, 3)
        atomic_write_text(json_out, json.dumps(payload, indent=2) + "\n")
    return FNCRun(predictions, ev, seconds, stats)


# --- training (stance fnc-train) --------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    name: str
    train_set: str                    # fnc | fnc+arc
    groups: tuple[str, ...]
    evaluation: FNCEvaluation         # the whole dev split
    unseen: FNCEvaluation | None      # dev bodies the NLI model never trained on (nli_holdout_fraction)


def _metric(ev: FNCEvaluation, select_on: str) -> float:
    if select_on == "macro_f1":
        return ev.macro_f1
    if select_on == "mean":
        return (ev.fnc_relative + ev.macro_f1) / 2
    return ev.fnc_relative


@dataclass(frozen=True)
class TrainResult:
    head: FNCHead
    chosen: Candidate
    candidates: list[Candidate]
    ablation: list[Candidate]
    counts: dict
    seconds: float

    def to_json(self) -> dict:
        def c(x: Candidate) -> dict:
            return {"name": x.name, "train_set": x.train_set, "groups": list(x.groups), **x.evaluation.summary(),
                    "unseen_by_nli": x.unseen.summary() if x.unseen else None}

        return {"chosen": c(self.chosen), "candidates": [c(x) for x in self.candidates],
                "ablation": [c(x) for x in self.ablation], "counts": self.counts, "seconds": round(self.seconds, 1)}


def train_fnc(cfg: FNCConfig, *, scorer=None, quiet: bool = False,
              fnc_data: FNCData | None = None, arc_data: FNCData | None = None,
              dev_csv_dir: str | Path | None = None) -> TrainResult:
    """Fit the head on a body-disjoint train split, pick the candidate by dev score, run the ablation."""
    t0 = time.perf_counter()
    log = (lambda m: None) if quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    data_dir = _resolve(cfg.data_dir) if cfg.data_dir else DEFAULT_DATA_DIR
    if fnc_data is None:
        from .nli_data import data_path

        fnc_data = read_fnc_csvs(data_path(data_dir, "fnc1", "train_bodies.csv"),
                                 data_path(data_dir, "fnc1", "train_stances.csv"))
    if not fnc_data.labelled:
        raise StanceError("FNC-1 training stances have no Stance column; pass the labelled train_stances.csv")
    train_rows, dev_rows = split_by_body(fnc_data.stances, cfg.dev_fraction, cfg.seed)
    # configs/train_nli.yaml trains the NLI model on FNC-1 pairs too, holding out the bodies of
    # split_by_body(..., nli_holdout_fraction, seed): the dev figures are also given for those alone
    unseen_bodies = ({s.body_id for s in split_by_body(fnc_data.stances, cfg.nli_holdout_fraction, cfg.seed)[1]}
                     if cfg.nli_holdout_fraction > 0 else set())
    unseen_rows = [i for i, s in enumerate(dev_rows) if s.body_id in unseen_bodies]
    if dev_csv_dir:
        dev_dir = Path(dev_csv_dir)
        write_fnc_csvs(FNCData(fnc_data.bodies, dev_rows, True), dev_dir / "dev_bodies.csv",
                       dev_dir / "dev_stances.csv")
        log(f"dev split written to {dev_dir}/dev_{{bodies,stances}}.csv")
    use_arc = cfg.add_arc or cfg.compare_arc
    if use_arc and arc_data is None:
        from .nli_data import data_path

        arc_data = read_fnc_csvs(data_path(data_dir, "arc_stance", "arc_bodies.csv"),
                                 data_path(data_dir, "arc_stance", "arc_stances_train.csv"))
    builder = FeatureBuilder(cfg, scorer=scorer, quiet=quiet)
    log(f"FNC-1: {len(train_rows)} train / {len(dev_rows)} dev pairs (body-disjoint)"
        + (f"; ARC: {len(arc_data.stances)} pairs" if use_arc and arc_data else ""))

    # Features that do not depend on the TF-IDF vocabulary are built once (and cached on disk);
    # the TF-IDF columns are refilled for each training set's vocabulary.
    vec_fnc = fit_tfidf(_texts(fnc_data.bodies, train_rows), cfg.tfidf_max_features)
    X_train = builder.build(fnc_data.bodies, train_rows, vec_fnc)
    X_dev = builder.build(fnc_data.bodies, dev_rows, vec_fnc)
    y_train, y_dev = [s.stance for s in train_rows], [s.stance for s in dev_rows]
    sets = {"fnc": (X_train, y_train, X_dev, vec_fnc)}
    if use_arc and arc_data:
        vec_arc = fit_tfidf(_texts(fnc_data.bodies, train_rows) + _texts(arc_data.bodies, arc_data.stances),
                            cfg.tfidf_max_features)
        X_arc = builder.build(arc_data.bodies, arc_data.stances, vec_arc)
        Xt = _refill_tfidf(X_train, builder, fnc_data.bodies, train_rows, vec_arc)
        Xd = _refill_tfidf(X_dev, builder, fnc_data.bodies, dev_rows, vec_arc)
        sets["fnc+arc"] = (np.vstack([Xt, X_arc]), y_train + [s.stance for s in arc_data.stances], Xd, vec_arc)
    main_set = "fnc+arc" if cfg.add_arc and "fnc+arc" in sets else "fnc"
    all_groups = tuple(FEATURE_GROUPS)

    def trial(spec: HeadSpec, set_name: str, groups: tuple[str, ...]) -> tuple[Candidate, object]:
        Xt, yt, Xd, _ = sets[set_name]
        cols = feature_columns(groups)
        clf = fit_classifier(spec, Xt[:, cols], yt, cfg.seed)
        pred = [str(p) for p in clf.predict(Xd[:, cols])]
        ev = evaluate(y_dev, pred)
        unseen = evaluate([y_dev[i] for i in unseen_rows], [pred[i] for i in unseen_rows]) if unseen_rows else None
        log(f"  {spec.name:28s} {set_name:8s} {'+'.join(groups):40s} "
            f"FNC {100 * ev.fnc_relative:6.2f}%  macro-F1 {ev.macro_f1:.4f}"
            + (f"  (unseen by NLI: {100 * unseen.fnc_relative:6.2f}% / {unseen.macro_f1:.4f})" if unseen else ""))
        return Candidate(spec.name, set_name, groups, ev, unseen), clf

    log("head candidates (dev split):")
    results = [(spec, *trial(spec, main_set, all_groups)) for spec in cfg.candidates]
    best_spec, chosen, best_clf = max(results, key=lambda r: _metric(r[1].evaluation, cfg.select_on))
    ablation: list[Candidate] = []
    if cfg.ablation:
        log(f"ablation with {best_spec.name}:")
        for n in range(1, len(all_groups)):
            ablation.append(trial(best_spec, main_set, all_groups[:n])[0])
        ablation.append(chosen)
        for other in sets:
            if other != main_set:
                ablation.append(trial(best_spec, other, all_groups)[0])
        for without in NLI_VARIANTS:  # what the optional NLI passes add (each costs CPU time)
            ablation.append(trial(best_spec, main_set, all_groups + (without,))[0])
    feature_cfg = {k: getattr(cfg, k) for k in FEATURE_SETTINGS}
    head = FNCHead(best_clf, tuple(feature_columns(all_groups)), sets[main_set][3], best_spec, feature_cfg,
                   nli_model=builder.nli_model_id())
    counts = {"train": len(train_rows), "dev": len(dev_rows), "train_set": main_set,
              "arc": len(arc_data.stances) if use_arc and arc_data else 0,
              "dev_pairs_with_nli": int((X_dev[:, FEATURE_NAMES.index("nli_skipped")] == 0).sum()),
              "dev_related_below_floor": int(sum(1 for x, g in zip(X_dev[:, FEATURE_NAMES.index("nli_skipped")], y_dev)
                                                 if x == 1 and g in RELATED_LABELS))}
    return TrainResult(head, chosen, [c for _, c, _ in results], ablation, counts, time.perf_counter() - t0)


def _texts(bodies: dict[str, str], rows: Sequence[StanceExample]) -> list[str]:
    return [bodies[b] for b in sorted({s.body_id for s in rows})] + sorted({s.headline for s in rows})


def _refill_tfidf(X: np.ndarray, builder: FeatureBuilder, bodies, rows, vectorizer) -> np.ndarray:
    """Recompute only the TF-IDF columns for another vocabulary (everything else is unchanged)."""
    X = X.copy()
    prepared = builder.prepare_bodies(bodies, (s.body_id for s in rows))
    X[:, [FEATURE_NAMES.index(n) for n in TFIDF_FEATURES]] = tfidf_features(bodies, prepared, rows, vectorizer)
    return X


# --- command line -----------------------------------------------------------------------

def main_fnc(args) -> int:
    run = run_fnc(args.bodies, args.stances, model=args.model, head_path=args.head, config=args.config,
                  cache_dir=args.cache_dir, json_out=args.json, predictions_out=args.predictions, quiet=args.quiet)
    if run.evaluation is not None:
        print(format_evaluation(run.evaluation))
    if "predictions_csv" in run.stats:
        print(f"predictions written to {run.stats['predictions_csv']}")
    n = len(run.predictions)
    print(f"time: {run.seconds:.1f}s for {n} pairs ({1000 * run.seconds / max(n, 1):.1f} ms/pair; "
          f"NLI on {run.stats.get('pairs_with_nli', 0)} pairs above the relatedness floor)")
    if args.json:
        print(f"figures written to {args.json}")
    return 0


def main_fnc_train(args) -> int:
    cfg = load_fnc_config(args.config, model=args.model, data_dir=args.data_dir, cache_dir=args.cache_dir)
    result = train_fnc(cfg, quiet=args.quiet, dev_csv_dir=args.dev_csv_dir)
    out = Path(args.out) if args.out else default_head_path(cfg.model)
    save_head(result.head, out)
    ch = result.chosen
    print(f"chosen head: {ch.name} trained on {ch.train_set} ({result.counts['train']} FNC-1 train pairs"
          f"{', + ' + str(result.counts['arc']) + ' ARC pairs' if ch.train_set == 'fnc+arc' else ''})")
    print(f"dev split (body-disjoint, {ch.evaluation.n} pairs):")
    print(format_evaluation(ch.evaluation))
    if ch.unseen:
        print(f"dev bodies unseen by NLI training ({ch.unseen.n} pairs):")
        print(format_evaluation(ch.unseen))
    if result.ablation:
        print("ablation (dev):")
        for a in result.ablation:
            unseen = (f"   unseen by NLI: FNC {100 * a.unseen.fnc_relative:6.2f}%  macro-F1 {a.unseen.macro_f1:.4f}"
                      if a.unseen else "")
            print(f"  {a.train_set:8s} {'+'.join(a.groups):40s} FNC {100 * a.evaluation.fnc_relative:6.2f}%  "
                  f"macro-F1 {a.evaluation.macro_f1:.4f}{unseen}")
    print(f"related dev pairs below the NLI floor: {result.counts['dev_related_below_floor']}; "
          f"time {result.seconds:.0f}s")
    if args.report:
        atomic_write_text(args.report, json.dumps(result.to_json(), indent=2) + "\n")
        print(f"training report written to {args.report}")
    print(f"head written to {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


def register_cli(sub) -> None:
    """Add ``stance fnc`` and ``stance fnc-train`` to the ``stance`` command's subparsers."""
    p = sub.add_parser("fnc", help="predict and score FNC-1 stances (agree/disagree/discuss/unrelated)")
    p.add_argument("--bodies", required=True, help="bodies CSV (Body ID,articleBody)")
    p.add_argument("--stances", required=True, help="stances CSV (Headline,Body ID[,Stance])")
    p.add_argument("--model", help="NLI model folder or hub id (default: model in the config)")
    p.add_argument("--head", help=f"trained head (default: MODEL/{HEAD_FILE})")
    p.add_argument("--config", help=f"FNC config YAML (default: {DEFAULT_CONFIG_PATH})")
    p.add_argument("--json", help="write the figures as JSON to this file")
    p.add_argument("--predictions", help="write predictions in the submission format (Headline,Body ID,Stance)")
    p.add_argument("--cache-dir", help="feature cache folder (default: cache_dir in the config)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=main_fnc)

    t = sub.add_parser("fnc-train", help="train the FNC-1 stance head (needs ../shared/data)")
    t.add_argument("--config", help=f"FNC config YAML (default: {DEFAULT_CONFIG_PATH})")
    t.add_argument("--model", help="NLI model folder or hub id (default: model in the config)")
    t.add_argument("--data-dir", help="folder holding fnc1/ and arc_stance/ (default: ../shared/data)")
    t.add_argument("--out", help=f"where to save the head (default: MODEL/{HEAD_FILE})")
    t.add_argument("--cache-dir", help="feature cache folder (default: cache_dir in the config)")
    t.add_argument("--report", help="write candidates, ablation and dev figures as JSON to this file")
    t.add_argument("--dev-csv-dir", help="also write the dev split as dev_bodies.csv/dev_stances.csv here")
    t.add_argument("--quiet", action="store_true", help="no progress output")
    t.set_defaults(func=main_fnc_train)
