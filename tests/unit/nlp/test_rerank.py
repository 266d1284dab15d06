import numpy as np

from nlp.embed import normalize_rows
from nlp.index import LabelIndex
from nlp.rerank import KeyRows, RerankConfig, combine


def test_key_rows_score_each_key_by_its_best_label():
    rng = np.random.default_rng(0)
    vectors = normalize_rows(rng.normal(size=(7, 8)))
    keys = ["a", "b", "a", "c", "b", "a", "c"]
    rows = KeyRows(LabelIndex.from_vectors(vectors, keys))
    queries = normalize_rows(rng.normal(size=(3, 8)))
    got = rows.best_per_key(queries, ["c", "a", "missing"])
    sims = queries @ vectors.T
    np.testing.assert_allclose(got[:, 0], sims[:, [3, 6]].max(axis=1), rtol=1e-6)
    np.testing.assert_allclose(got[:, 1], sims[:, [0, 2, 5]].max(axis=1), rtol=1e-6)
    assert (got[:, 2] == -1).all()  # a key without labels is never preferred


def test_rerank_reorders_only_the_rescored_top():
    first = {"a": 0.90, "b": 0.85, "c": 0.80, "d": 0.10}
    final = combine(first, {"a": 0.1, "b": 0.2, "c": 0.9}, RerankConfig(top_n=3, weight=0.5))
    assert list(final) == ["c", "b", "a", "d"]
    unchanged = combine(first, {"a": 0.1, "b": 0.2, "c": 0.9}, RerankConfig(weight=0.0))
    assert list(unchanged) == ["a", "b", "c", "d"]  # weight 0: the first stage's order
    assert unchanged["a"] == 0.9
