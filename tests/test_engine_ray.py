"""The Ray engine gives the local engine's results: a small corpus on a local Ray instance."""
from __future__ import annotations

import shutil

import pytest

from stance.pipeline import analyze

pytestmark = pytest.mark.slow

DOCS = 3   # the first three documents of the bundled example


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    yield ray
    ray.shutdown()


def test_ray_engine_matches_local_engine(ray_local, tiny_model, tmp_path):
    from conftest import EXAMPLE

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(EXAMPLE.glob("*.txt"))[:DOCS]:
        shutil.copy(path, corpus / path.name)
    config = {"claims": {"tagger": None}, "scoring": {"model": str(tiny_model), "cache": False}}
    local = analyze(corpus, config=config, quiet=True)
    remote = analyze(corpus, config=config, quiet=True, overrides={"engine": {"kind": "ray", "batch_pairs": 64}})
    assert ray_local.is_initialized()
    assert remote.info["engine"]["kind"] == "ray" and local.info["engine"]["kind"] == "local"

    key = lambda s: (s.pair.a.id, s.pair.b.id)   # noqa: E731
    assert [key(s) for s in remote.scored] == [key(s) for s in local.scored] and local.scored
    by_local = {key(s): s for s in local.scored}
    for s in remote.scored:
        ref = by_local[key(s)]
        assert s.pair.similarity == pytest.approx(ref.pair.similarity, abs=1e-3)
        assert s.forward == pytest.approx(ref.forward, abs=1e-4)
        assert s.score == pytest.approx(ref.score, abs=1e-4)
        assert s.relation == ref.relation
    assert [p.doc_a + p.doc_b for p in remote.doc_matrix.pairs] == [p.doc_a + p.doc_b for p in local.doc_matrix.pairs]
