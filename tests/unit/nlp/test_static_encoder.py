"""The numpy static encoder gives sentence-transformers' vectors, without importing torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlp.static_encoder import StaticEncoder, is_static_model, pool_token_vectors
from skillgap.errors import UserError

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "nlp" / "resources" / "skillgap-static-fr"
TEXTS = [
    "Gérer les stocks",
    "GÉRER LES STOCKS et les approvisionnements",
    "maîtrise d'Excel, Word et PowerPoint",
    "Électricien bâtiment (H/F)",
    "",
    "   ",
    "!!!",
    "développer des API REST en Python",
    "x" * 300,
]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny static sentence-transformers folder (toy tokenizer, random fp16 weights)."""
    from nlp.training.pipeline import save_sentence_transformers
    from nlp.training.tokenizer import train_wordpiece

    tokenizer = train_wordpiece(
        ["gérer les stocks", "maîtrise d'Excel", "électricien bâtiment", "développer des API REST"] * 3,
        vocab_size=120,
    )
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(tokenizer.get_vocab_size(), 16)).astype(np.float16)
    out = tmp_path_factory.mktemp("static") / "tiny-static"
    save_sentence_transformers(tokenizer, weights, out)
    return out


def _sentence_transformers_vectors(model_dir: Path, texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu").float()  # fp16 weights on disk
    return model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)


def test_numpy_vectors_equal_sentence_transformers(tiny_model_dir: Path) -> None:
    encoder = StaticEncoder(tiny_model_dir)
    ours = encoder.encode(TEXTS)
    theirs = _sentence_transformers_vectors(tiny_model_dir, TEXTS)
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 16) == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="no shipped model in nlp/resources")
def test_shipped_model_equals_sentence_transformers() -> None:
    encoder = StaticEncoder(SHIPPED)
    np.testing.assert_allclose(encoder.encode(TEXTS), _sentence_transformers_vectors(SHIPPED, TEXTS), atol=1e-5)
    assert encoder.dim == 256


def test_rows_are_unit_or_zero(tiny_model_dir: Path) -> None:
    vectors = StaticEncoder(tiny_model_dir, batch_size=2).encode(TEXTS)
    norms = np.linalg.norm(vectors, axis=1)
    empty = [i for i, t in enumerate(TEXTS) if not t.strip()]
    assert np.allclose(norms[empty], 0.0)
    assert np.allclose(np.delete(norms, empty), 1.0, atol=1e-5)


def test_batch_size_does_not_change_vectors(tiny_model_dir: Path) -> None:
    np.testing.assert_array_equal(StaticEncoder(tiny_model_dir, batch_size=1).encode(TEXTS),
                                  StaticEncoder(tiny_model_dir, batch_size=64).encode(TEXTS))


def test_encode_empty_list(tiny_model_dir: Path) -> None:
    assert StaticEncoder(tiny_model_dir).encode([]).shape == (0, 16)


def test_pool_is_mean_of_rows() -> None:
    weights = np.arange(12, dtype=np.float32).reshape(4, 3)
    pooled = pool_token_vectors(weights, [[1, 3], [], [2]])
    mean = (weights[1] + weights[3]) / 2
    np.testing.assert_allclose(pooled[0], mean / np.linalg.norm(mean), rtol=1e-6)
    assert not pooled[1].any()


def test_name_carries_a_weights_digest(tiny_model_dir: Path) -> None:
    encoder = StaticEncoder(tiny_model_dir)
    assert encoder.name.startswith("tiny-static@") and len(encoder.name.split("@")[1]) == 8


def test_not_a_static_folder(tmp_path: Path) -> None:
    assert not is_static_model(tmp_path)
    with pytest.raises(UserError, match="modules.json absent"):
        StaticEncoder(tmp_path)
    (tmp_path / "modules.json").write_text('[{"idx": 0, "name": "0", "path": "", '
                                           '"type": "sentence_transformers.models.Transformer"}]')
    with pytest.raises(UserError, match="pas un modèle statique"):
        StaticEncoder(tmp_path)


def test_inference_does_not_import_torch(tiny_model_dir: Path) -> None:
    code = (
        "import sys; from nlp.static_encoder import StaticEncoder; "
        f"v = StaticEncoder({str(tiny_model_dir)!r}).encode(['gérer les stocks']); "
        "assert v.shape == (1, 16); assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_phrase_cache_is_bypassed_for_the_static_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    """Faster than reading SQLite back: no phrase file is written, vectors are the model's own."""
    from nlp.embed import CachedEncoder

    inner = StaticEncoder(tiny_model_dir)
    cached = CachedEncoder(inner, tmp_path)
    texts = ["gérer les stocks", "souder", "gérer les stocks"]
    np.testing.assert_array_equal(cached.encode(texts), inner.encode(texts))
    assert cached.encode([]).shape == (0, inner.dim)
    cached.close()
    assert not list(tmp_path.glob("phrases-*"))
