import numpy as np

from stance.stages.claims import Claim
from stance.stages.pairs import PairOptions, candidate_pairs, lexical_similarity


def claims_for(n_docs, per_doc):
    return [Claim(f"d{d}#{i:03d}", f"d{d}", f"document {d} claim {i} about topic {i % 3}", 0, 1, "s", None, False, False)
            for d in range(n_docs) for i in range(per_doc)]


def random_unit(n, dim=16, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_topk_pairs_are_cross_document_and_grow_as_n_times_k():
    for per_doc in (10, 40):
        claims = claims_for(4, per_doc)
        opts = PairOptions(top_k=3, min_similarity=-1.0)
        pairs = candidate_pairs(claims, opts, embeddings=random_unit(len(claims)))
        assert all(p.a.doc_id != p.b.doc_id for p in pairs)
        assert len(pairs) <= len(claims) * 3
        assert len({(p.a.id, p.b.id) for p in pairs}) == len(pairs)
        assert all(p.a.id < p.b.id for p in pairs)


def test_all_mode_and_within_document_mode():
    claims = claims_for(3, 4)
    emb = random_unit(len(claims))
    all_pairs = candidate_pairs(claims, PairOptions(mode="all"), embeddings=emb)
    assert len(all_pairs) == 3 * 4 * 4  # every cross-document pair
    within = candidate_pairs(claims, PairOptions(top_k=11, min_similarity=-1.0, within_document=True), embeddings=emb)
    assert any(p.a.doc_id == p.b.doc_id for p in within)


def test_similarity_floor_filters():
    claims = claims_for(2, 5)
    assert candidate_pairs(claims, PairOptions(min_similarity=5.0), embeddings=random_unit(len(claims))) == []


def test_lexical_similarity_diagonal():
    m = lexical_similarity(["Russia paid bounties", "Iran paid bounties", "unrelated weather"])
    assert np.allclose(np.diag(m), 1.0) and m[0, 1] > m[0, 2]


def test_minilm_similarity_finds_the_paraphrase():
    claims = [Claim("a#1", "a", "Russia offered the Taliban bounties to kill US soldiers.", 0, 1, "s", None, False, False),
              Claim("b#1", "b", "Russian intelligence paid militants rewards for killing American troops.", 0, 1, "s", None, False, False),
              Claim("b#2", "b", "The weather in Paris was sunny on Tuesday.", 0, 1, "s", None, False, False)]
    pairs = candidate_pairs(claims, PairOptions(top_k=1, min_similarity=0.3))
    assert [(p.a.id, p.b.id) for p in pairs] == [("a#1", "b#1")]
