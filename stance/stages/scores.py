"""Stage 4, scores: NLI for each claim pair in both directions, on the sentences and on their
contents, and the source-aware judgement (``stance.judge``) of the pair.

Every distinct (premise, hypothesis) text pair is scored once: a content equal to its sentence
reuses the sentence's probabilities, and identical texts and near-duplicate contents (see
``judge.near_duplicate``) are not sent to the model: they entail each other.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from stance.stages.judge import JudgeOptions, Judgement, combine, judge_contents, near_duplicate, reading_memo
from stance.stages.pairs import ClaimPair
from stance.models.scorer import Scorer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoredPair:
    pair: ClaimPair
    labels: tuple[str, ...]              # the model's scheme, e.g. entailment/neutral/contradiction
    forward: tuple[float, ...]           # sentences: P(label | premise=a, hypothesis=b)
    backward: tuple[float, ...]          # sentences: P(label | premise=b, hypothesis=a)
    support: float                       # sentence-level, combined over both directions
    contradiction: float | None          # sentence-level; None for a 2-way model
    content_forward: tuple[float, ...] = ()    # contents: P(label | content a -> content b)
    content_backward: tuple[float, ...] = ()
    judgement: Judgement | None = None

    def prob(self, label: str, direction: str = "forward") -> float:
        probs = self.forward if direction == "forward" else self.backward
        return probs[self.labels.index(label)]

    @property
    def relation(self) -> str:
        return self.judgement.relation if self.judgement else "neutral"

    @property
    def score(self) -> float:
        """The conflict score: ranks contradicts, denies and disputes together."""
        if self.judgement:
            return self.judgement.score
        return self.contradiction or 0.0


def _scored_batches(scorer: Scorer, pairs: list[tuple[str, str]], batch_size: int | None, chunk_pairs: int):
    """(indices into ``pairs``, probabilities) as they are done: a distributed scorer streams one job for
    the whole stage (``predict_stream``); a local one scores ``chunk_pairs`` at a time."""
    stream = getattr(scorer, "predict_stream", None)
    if stream is not None:
        if pairs:
            yield from stream(pairs)
        return
    for start in range(0, len(pairs), chunk_pairs):
        idx = range(start, min(len(pairs), start + chunk_pairs))
        yield idx, scorer.predict(pairs[idx.start:idx.stop], batch_size)


def predict_unique(scorer: Scorer, pairs: list[tuple[str, str]], batch_size: int | None = None,
                   cache=None, chunk_pairs: int = 2048, progress: bool = False, stats: dict | None = None) -> np.ndarray:
    """Probabilities for ``pairs``: each distinct pair scored once, identical texts entail without the
    model, pairs in ``cache`` (``stance.models.score_cache``) read back, and the rest scored in chunks
    of ``chunk_pairs``, each chunk written to the cache as soon as it is done (a killed run resumes)."""
    labels = tuple(scorer.labels)
    todo = list(dict.fromkeys(p for p in pairs if p[0] != p[1]))
    found: dict[tuple[str, str], np.ndarray] = {}
    if cache is not None and todo:
        for i, v in cache.get_many(todo).items():
            found[todo[i]] = v
        if found:
            log.info("score cache: %d of %d distinct pairs already scored", len(found), len(todo))
    missing = [p for p in todo if p not in found]
    if stats is not None:   # what the run asked for, and what the model actually computed
        stats.update(nli_requested=len(pairs), nli_distinct=len(todo), nli_from_cache=len(found),
                     nli_predictions=len(missing))
    bar = None
    if progress and len(missing) > chunk_pairs // 4:
        from tqdm import tqdm

        bar = tqdm(total=len(missing), desc="NLI", unit="pair", smoothing=0.1)
    for idx, probs in _scored_batches(scorer, missing, batch_size, chunk_pairs):
        done = [missing[i] for i in idx]
        if cache is not None:
            cache.put_many(done, probs)
        found.update(zip(done, np.asarray(probs, dtype=np.float32)))
        if bar is not None:
            bar.update(len(done))
    if bar is not None:
        bar.close()
    same = np.zeros(len(labels), dtype=np.float32)
    same[labels.index("entailment")] = 1.0
    return np.array([found.get(p, same) for p in pairs], dtype=np.float32).reshape(len(pairs), len(labels))


def score_pairs(pairs: list[ClaimPair], scorer: Scorer, batch_size: int | None = None,
                contradiction_combine: str = "mean", support_combine: str = "max",
                judge_options: JudgeOptions | None = None, cache=None, chunk_pairs: int = 2048,
                progress: bool = False, stats: dict | None = None) -> list[ScoredPair]:
    if not pairs:
        return []
    opts = judge_options or JudgeOptions()
    sent = [(p.a.text, p.b.text) for p in pairs]
    read = reading_memo()
    readings = [(read(p.a), read(p.b)) for p in pairs]
    cont = [(ra[0], rb[0]) for ra, rb in readings]
    # near-duplicate contents entail each other whatever the model says (judge_contents): not scored
    dup = [near_duplicate(x, y) for x, y in cont]
    cont = [(x, x) if d else (x, y) for (x, y), d in zip(cont, dup)]
    asked = sent + [(b, a) for a, b in sent] + cont + [(b, a) for a, b in cont]
    probs = predict_unique(scorer, asked, batch_size, cache, chunk_pairs, progress, stats)
    n = len(pairs)
    fwd, bwd, cfwd, cbwd = probs[:n], probs[n:2 * n], probs[2 * n:3 * n], probs[3 * n:]
    labels = tuple(scorer.labels)
    e = labels.index("entailment")
    c = labels.index("contradiction") if "contradiction" in labels else None
    out = []
    for i, p in enumerate(pairs):
        f, b = np.round(fwd[i].astype(float), 5), np.round(bwd[i].astype(float), 5)
        j, cf, cb = judge_contents(p.a, p.b, np.round(cfwd[i].astype(float), 5),
                                   np.round(cbwd[i].astype(float), 5), labels, p.similarity, opts, dup[i],
                                   readings[i])
        out.append(ScoredPair(
            pair=p, labels=labels, forward=tuple(f.tolist()), backward=tuple(b.tolist()),
            support=round(float(combine(f[e], b[e], support_combine)), 5),
            contradiction=None if c is None else round(float(combine(f[c], b[c], contradiction_combine)), 5),
            content_forward=tuple(cf.tolist()), content_backward=tuple(cb.tolist()), judgement=j))
    return out
