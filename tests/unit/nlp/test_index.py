import numpy as np

from nlp.index import LabelIndex, exact_top_k


def _unit(rng, n, d):
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_faiss_top_k_matches_numpy():
    rng = np.random.default_rng(0)
    vectors, queries = _unit(rng, 500, 32), _unit(rng, 20, 32)
    index = LabelIndex.from_vectors(vectors, [str(i) for i in range(500)])
    scores, rows = index.search(queries, 10)
    exact_scores, exact_rows = exact_top_k(queries, vectors, 10)
    assert (rows == exact_rows).all()
    np.testing.assert_allclose(scores, exact_scores, atol=1e-5)


def test_index_persisted_and_rebuilt_when_stale(tmp_path, hash_encoder):
    texts, keys = ["gérer les stocks", "souder à l'arc"], ["A", "B"]
    built = LabelIndex.build(name="t", texts=texts, keys=keys, encoder=hash_encoder, version_key="v1", cache_dir=tmp_path)
    calls = hash_encoder.calls
    again = LabelIndex.build(name="t", texts=texts, keys=keys, encoder=hash_encoder, version_key="v1", cache_dir=tmp_path)
    assert hash_encoder.calls == calls  # read from disk
    np.testing.assert_allclose(again.vectors(), built.vectors())
    LabelIndex.build(name="t", texts=texts, keys=keys, encoder=hash_encoder, version_key="v2", cache_dir=tmp_path)
    assert hash_encoder.calls == calls + 1  # new referential version → new index
    best = again.best_per_key(hash_encoder.encode(["gérer les stocks"]), 2)[0]
    assert max(best, key=best.get) == "A"


def test_ivf_index_finds_the_exact_neighbours_of_clustered_data():
    rng = np.random.default_rng(1)
    centres = _unit(rng, 50, 32)
    vectors = centres[rng.integers(0, 50, 3000)] + 0.05 * rng.standard_normal((3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[:100] + 0.01
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    index = LabelIndex.from_vectors(vectors, [str(i) for i in range(3000)], ann_min_rows=1000)
    assert type(index.index).__name__ == "IndexIVFFlat"
    _, rows = index.search(queries, 5)
    _, exact_rows = exact_top_k(queries, vectors, 5)
    recall = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(rows, exact_rows)])
    assert recall >= 0.9
    np.testing.assert_allclose(index.vectors(), vectors, atol=1e-6)


def test_top_k_stable_is_the_head_of_a_full_stable_sort():
    from nlp.link import top_k_stable

    rng = np.random.default_rng(1)
    values = rng.integers(0, 5, size=(50, 40)).astype(np.float32) / 4  # many ties
    for k in (1, 3, 40, 60):
        expected = np.argsort(-values, axis=1, kind="stable")[:, :k]
        assert [r.tolist() for r in top_k_stable(values, k)] == expected.tolist()
