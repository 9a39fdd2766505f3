import numpy as np
import pytest

from stance.models.embeddings import embed, resolve_embedding_model
from stance.errors import StanceError

TEXTS = ["Russia paid bounties to the Taliban, officials said.", "The weather was warm.",
         "Taliban spokesman Zabihullah Mujahid denied that the insurgents have any such relationship "
         "with any intelligence agency and called the report an attempt to smear them."]


def test_matches_sentence_transformers_output():
    st = pytest.importorskip("sentence_transformers")
    path = resolve_embedding_model("minilm")
    ref = st.SentenceTransformer(path, device="cpu").encode(TEXTS, normalize_embeddings=True)
    ours = embed(TEXTS)
    assert ours.shape == (3, 384)
    assert np.allclose(ours, ref, atol=1e-4)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StanceError, match="embedding model folder not found"):
        resolve_embedding_model(str(tmp_path / "nope"))
