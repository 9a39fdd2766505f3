"""FNC-1 features: relatedness, NLI against the most related body sentences, cue words, attribution."""
from __future__ import annotations

import logging

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from stance.data.stance_csv import StanceExample
from stance.errors import StanceError
from stance.fnc.cache import FNCCache, text_key
from stance.fnc.config import FNCConfig, _resolve
from stance.stages.cues import FNC_HEDGE_RE, FNC_REFUTE_RE

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from stance.stages.attribution import Attribution

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
            from stance.models.factory import load_scorer

            model = str(_resolve(self.cfg.model)) if _resolve(self.cfg.model).exists() else self.cfg.model
            self._scorer = load_scorer(model, batch_size=self.cfg.nli_batch_size, max_length=self.cfg.nli_max_length,
                                       num_threads=self.cfg.threads or None, precision=self.cfg.nli_precision)
        return self._scorer

    def _log(self, msg: str) -> None:
        if not self.quiet:
            log.info(msg)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        from stance.models.embeddings import embed

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
        from stance.stages.sentences import split_sentences

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
                                  hedge_rate=100.0 * len(FNC_HEDGE_RE.findall(bodies[b])) / words,
                                  refute_rate=100.0 * len(FNC_REFUTE_RE.findall(bodies[b])) / words,
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
        dtype = getattr(info, "compute_dtype", "float32") if info else "float32"
        key = (self.nli_model_id(), f"{temp:.6g}", str(self.cfg.nli_max_length))
        # fp32 keeps the key it always had, so existing caches stay valid
        return text_key(*key, *(() if dtype == "float32" else (dtype,)))[:16]

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
                    from stance.models.scorer import predict_both_directions

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
        from stance.stages.attribution import DENIAL_CUES, attribute

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
            return SentenceCues(len(FNC_HEDGE_RE.findall(sents[j])), len(FNC_REFUTE_RE.findall(sents[j])),
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
            row[col["headline_hedge"]] = len(FNC_HEDGE_RE.findall(s.headline))
            row[col["headline_refute"]] = len(FNC_REFUTE_RE.findall(s.headline))
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
