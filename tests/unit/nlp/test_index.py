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
    built = LabelIndex.build(name="t", texts=texts, keys=keys, encoder=hash_encoder, version_key="v1",
                             cache_dir=tmp_path)
    calls = hash_encoder.calls
    again = LabelIndex.build(name="t", texts=texts, keys=keys, encoder=hash_encoder, version_key="v1",
                             cache_dir=tmp_path)
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
    recall = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(rows, exact_rows, strict=True)])
    assert recall >= 0.9
    np.testing.assert_allclose(index.vectors(), vectors, atol=1e-6)


def test_top_k_stable_is_the_head_of_a_full_stable_sort():
    from nlp.link import top_k_stable

    rng = np.random.default_rng(1)
    values = rng.integers(0, 5, size=(50, 40)).astype(np.float32) / 4  # many ties
    for k in (1, 3, 40, 60):
        expected = np.argsort(-values, axis=1, kind="stable")[:, :k]
        assert [r.tolist() for r in top_k_stable(values, k)] == expected.tolist()


def test_exact_search_breaks_ties_by_row_even_at_the_kth_score():
    """Flat indexes are searched with numpy: same top-k as a full stable sort (equal scores in row
    order, also for the rows tied at the k-th place), whatever the query chunking."""
    from nlp.index import _exact_search

    rng = np.random.default_rng(2)
    for _ in range(100):
        n = int(rng.integers(1, 60))
        vectors = rng.integers(-2, 3, size=(n, 4)).astype(np.float32)  # many equal scores
        queries = rng.integers(-2, 3, size=(int(rng.integers(1, 30)), 4)).astype(np.float32)
        k = int(rng.integers(1, n + 1))
        scores, rows = _exact_search(queries, vectors, k, chunk=7)
        exact_scores, exact_rows = exact_top_k(queries, vectors, k)
        assert rows.tolist() == exact_rows.tolist()
        assert scores.tolist() == exact_scores.tolist()


def test_top_keys_is_the_head_of_best_per_key():
    """ESCO links come from ``top_keys``: the n best distinct keys above the threshold, best first —
    what sorting ``best_per_key``'s dict gives (keys repeat: several labels per skill)."""
    rng = np.random.default_rng(3)
    vectors, queries = _unit(rng, 400, 16), _unit(rng, 30, 16)
    keys = [f"k{i % 37}" for i in range(400)]
    for index in (LabelIndex.from_vectors(vectors, keys), LabelIndex.from_vectors(vectors, keys, ann_min_rows=100)):
        for n, threshold in ((3, 0.3), (5, -1.0), (1, 0.9)):
            got = index.top_keys(queries, 20, n=n, min_score=threshold)
            for best, found in zip(index.best_per_key(queries, 20), got, strict=True):
                ranked = sorted(best.items(), key=lambda kv: -kv[1])[:n]
                assert found == [kv for kv in ranked if kv[1] >= threshold]
