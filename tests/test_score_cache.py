"""The persistent score cache: reruns score only new pairs, a SIGKILLed run resumes from what it
wrote, and a corrupt, foreign or malformed cache is rebuilt with a warning, never used."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance.cache import SCHEMA
from stance.models.score_cache import ScoreCache, open_score_cache, scorer_namespace
from stance.stages.scores import predict_unique

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Info:
    weights_sha256: str = "ab" * 32
    temperature: float = 1.0
    compute_dtype: str = "float32"


class CountingScorer:
    """Deterministic probabilities from the texts; remembers every pair it was asked to score."""
    labels = ("entailment", "neutral", "contradiction")
    backend, precision, max_length = "torch", "fp32", 256

    def __init__(self, info=Info()):
        self.info = info
        self.seen: list[tuple[str, str]] = []

    def predict(self, pairs, batch_size=None):
        self.seen.extend(pairs)
        out = np.array([[len(p) % 7 + 1, len(h) % 5 + 1, 1.0] for p, h in pairs], dtype=np.float32)
        return out / out.sum(1, keepdims=True)


def pairs_of(n, tag="p"):
    return [(f"{tag} premise {i}", f"hypothesis {i * 3}") for i in range(n)]


def test_rerun_scores_nothing_and_added_pairs_only_are_scored(tmp_path):
    s1 = CountingScorer()
    cache = open_score_cache(s1, tmp_path)
    first = predict_unique(s1, pairs_of(10), cache=cache, chunk_pairs=4)
    assert len(s1.seen) == 10
    cache.close()

    s2 = CountingScorer()
    cache = open_score_cache(s2, tmp_path)
    again = predict_unique(s2, pairs_of(10) + pairs_of(3, "new"), cache=cache, chunk_pairs=4)
    assert s2.seen == pairs_of(3, "new")              # only the added pairs reach the model
    np.testing.assert_array_equal(again[:10], first)  # cached values are bit-identical
    assert len(cache) == 13


def test_identical_and_repeated_pairs_never_reach_the_model(tmp_path):
    s = CountingScorer()
    probs = predict_unique(s, [("same", "same"), ("a", "b"), ("a", "b")], cache=open_score_cache(s, tmp_path))
    assert s.seen == [("a", "b")]
    assert probs[0].tolist() == [1.0, 0.0, 0.0]          # identical texts entail


def test_settings_that_change_the_numbers_change_the_namespace():
    base = scorer_namespace(CountingScorer())
    assert scorer_namespace(CountingScorer(Info(temperature=1.3))) != base
    assert scorer_namespace(CountingScorer(Info(weights_sha256="cd" * 32))) != base
    other = CountingScorer()
    other.backend = "onnx"
    assert scorer_namespace(other) != base
    assert scorer_namespace(CountingScorer(Info(weights_sha256=None))) is None   # no hash: no cache


def test_corrupt_database_is_rebuilt_with_a_warning(tmp_path, caplog):
    s = CountingScorer()
    cache = open_score_cache(s, tmp_path)
    predict_unique(s, pairs_of(5), cache=cache)
    cache.close()
    db = tmp_path / "scores" / "cache.db"
    db.write_bytes(b"this is not a SQLite database" * 100)
    with caplog.at_level(logging.WARNING):
        s2 = CountingScorer()
        cache = open_score_cache(s2, tmp_path)
        predict_unique(s2, pairs_of(5), cache=cache)
    assert any("cache unusable" in r.getMessage() and "rebuilding" in r.getMessage() for r in caplog.records)
    assert len(s2.seen) == 5 and len(cache) == 5        # everything scored again, and cached again


def test_foreign_layout_and_malformed_entries_are_not_used(tmp_path, caplog):
    folder = tmp_path / "c"
    cache = ScoreCache(folder, "ns", 3)
    cache.db.set("__schema__", "someone-else/9")
    cache.close()
    with caplog.at_level(logging.WARNING):
        cache = ScoreCache(folder, "ns", 3)
    assert cache.db.get("__schema__") == SCHEMA and "another layout" in caplog.text

    caplog.clear()
    pairs = pairs_of(2)
    cache.put_many(pairs, np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], dtype=np.float32))
    cache.db.set(cache.key(*pairs[1]), np.array([0.5, 0.5], dtype=np.float32).tobytes())   # wrong width
    with caplog.at_level(logging.WARNING):
        assert cache.get_many(pairs) == {}
    assert "malformed entry" in caplog.text and len(cache) == 0


KILLED = textwrap.dedent("""
    import sys, time
    import numpy as np
    sys.path.insert(0, {project!r})
    sys.path.insert(0, {tests!r})
    from test_score_cache import CountingScorer, pairs_of
    from stance.models.score_cache import open_score_cache
    from stance.stages.scores import predict_unique

    class Slow(CountingScorer):
        def predict(self, pairs, batch_size=None):
            out = super().predict(pairs, batch_size)
            print("chunk", flush=True)
            time.sleep(0.3 if len(self.seen) <= 8 else 60)   # hangs after the second chunk, until killed
            return out

    s = Slow()
    predict_unique(s, pairs_of(20), cache=open_score_cache(s, {cache!r}), chunk_pairs=4)
""")


def test_a_run_killed_with_sigkill_resumes_from_what_it_scored(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(KILLED.format(project=str(PROJECT), tests=str(PROJECT / "tests"), cache=str(tmp_path / "c")))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    try:
        for _ in range(3):             # the third chunk is being scored: two chunks are in the cache
            assert proc.stdout.readline().strip() == "chunk"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    s = CountingScorer()
    cache = open_score_cache(s, tmp_path / "c")
    predict_unique(s, pairs_of(20), cache=cache, chunk_pairs=4)
    assert len(s.seen) == 12 and set(s.seen).isdisjoint(pairs_of(8))   # the 8 finished pairs are not redone
