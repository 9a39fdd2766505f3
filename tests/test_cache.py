"""Claims and embeddings computed before are read back, not computed again (``stance.cache``)."""
from __future__ import annotations

import numpy as np

from stance.stages import claims as claims_module
from stance.stages.claims import ClaimOptions, ClaimStore, claims_namespace, extract_all
from stance.stages.corpus import Corpus, Document

DOCS = (Document("a", "Officials said that Russia paid bounties to militants in Afghanistan.\n\nThe Taliban denied it."),
        Document("b", "The Kremlin called the report a hoax invented by intelligence agencies, a spokesman said."))


def test_claims_are_extracted_once_per_document(tmp_path, monkeypatch):
    opts = ClaimOptions(min_words=3)
    first = extract_all(Corpus(DOCS, "t"), opts, None, store=ClaimStore(tmp_path / "claims", claims_namespace(opts)))
    calls = []
    real = claims_module.extract_claims
    monkeypatch.setattr(claims_module, "extract_claims", lambda doc, o, t: calls.append(doc.id) or real(doc, o, t))
    more = DOCS + (Document("c", "Pentagon officials said they had no evidence of the payments."),)
    again = extract_all(Corpus(more, "t"), opts, None, store=ClaimStore(tmp_path / "claims", claims_namespace(opts)))
    assert calls == ["c"]                                    # only the new document is read
    assert again[:len(first)] == first and again[-1].doc_id == "c"
    # other options are another namespace: nothing is reused across them
    other = ClaimOptions(min_words=5)
    assert claims_namespace(other) != claims_namespace(opts)


def test_embeddings_are_computed_once_per_text(tmp_path, monkeypatch):
    from stance.models import embeddings

    monkeypatch.setattr(embeddings, "encoder_namespace", lambda name: f"test|{name}")
    seen = []

    def base(texts, name, batch_size, progress):
        seen.extend(texts)
        return np.array([[len(t), 1.0, 2.0] for t in texts], dtype=np.float32)

    embed = embeddings.cached_embedder(tmp_path, base)
    first = embed(["alpha", "beta", "alpha"])
    again = embed(["beta", "gamma", "alpha"])
    assert seen == ["alpha", "beta", "gamma"]                # repeated and cached texts are not embedded
    np.testing.assert_array_equal(again[2], first[0])
