"""Re-ranking of a first stage's top candidates with a second, stronger encoder (issue 7, item 3).

The first stage (the fast static model) scores every label of an index and keeps the best
``top_n`` keys; the re-ranker encodes the same queries and scores only the rows of those keys, and
the final score is a weighted mean of the two stages. The re-ranker never searches the whole
index, so its cost is the encoding of the queries (``rerank_ms_per_sentence`` in ``eval
esco-linking``), not of the labels (they are encoded once per model and referential version and
cached like any index).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.index import LabelIndex


@dataclass(frozen=True)
class RerankConfig:
    top_n: int = 30  # first-stage keys re-scored
    weight: float = 0.5  # share of the re-ranker in the final score


class KeyRows:
    """The rows of each key of a label index, and the index's vectors (for exact re-scoring)."""

    def __init__(self, index: LabelIndex) -> None:
        self.vectors = np.array(index.vectors(), dtype=np.float32)  # a copy: the index may be freed
        self.rows: dict[str, list[int]] = {}
        for row, key in enumerate(index.keys):
            self.rows.setdefault(key, []).append(row)

    def best_per_key(self, query_vectors: np.ndarray, keys: Sequence[str]) -> np.ndarray:
        """(n_queries, len(keys)): best cosine of each query with each key's labels."""
        out = np.full((len(query_vectors), len(keys)), -1.0, dtype=np.float64)
        queries = np.asarray(query_vectors, dtype=np.float64)  # float64: the same bits whatever the BLAS threads
        for j, key in enumerate(keys):
            rows = self.rows.get(key)
            if rows:
                out[:, j] = (queries @ self.vectors[rows].astype(np.float64).T).max(axis=1)
        return out


def combine(
    first: dict[str, float], second: dict[str, float], config: RerankConfig
) -> dict[str, float]:
    """Final scores: re-scored keys get the weighted mean; the others keep their first-stage
    score, lowered below every re-scored key so that re-ranking only reorders the top.

    >>> combine({"a": 0.9, "b": 0.8, "c": 0.1}, {"a": 0.2, "b": 0.9}, RerankConfig(top_n=2, weight=0.5))
    {'b': 0.85, 'a': 0.55, 'c': -1.9}
    """
    rescored = {k: (1 - config.weight) * first[k] + config.weight * s for k, s in second.items()}
    floor = min(rescored.values(), default=0.0)
    rest = {k: min(s - 2.0, floor - 1e-6) for k, s in first.items() if k not in rescored}
    return {k: round(v, 6) for k, v in sorted({**rescored, **rest}.items(), key=lambda kv: -kv[1])}
