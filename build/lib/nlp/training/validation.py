"""Validation on held-out referential concepts: the split that chooses the epoch.

For each pair kind, the queries are the anchors of the held-out pairs and the candidates are all
the positives of that kind (train and held-out: e.g. every ROME fiche label, every ESCO preferred
label); the score is the mean reciprocal rank of the right positive, averaged over kinds.
This split is *not* the one reported: reported figures come from ``skillgap eval …`` on job ads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

from models.training import TrainingPair
from nlp.static_encoder import pool_token_vectors


@dataclass(frozen=True)
class KindSet:
    """Held-out queries of one pair kind and the candidates they are ranked against."""

    query_ids: list[list[int]]
    candidate_ids: list[list[int]]
    gold: np.ndarray  # index into candidates, one per query


@dataclass(frozen=True)
class ValidationSet:
    kinds: dict[str, KindSet]

    @property
    def n_queries(self) -> int:
        return sum(len(k.query_ids) for k in self.kinds.values())


def build_validation(all_pairs: Sequence[TrainingPair], held_out: Sequence[TrainingPair],
                     tokenizer: Tokenizer, *, max_queries_per_kind: int = 3000) -> ValidationSet:
    """Tokenised validation queries per kind (the first ``max_queries_per_kind`` in pair order)."""
    candidates: dict[str, set[str]] = defaultdict(set)
    for pair in all_pairs:
        candidates[pair.kind].add(pair.positive)
    queries: dict[str, list[TrainingPair]] = defaultdict(list)
    for pair in held_out:
        if len(queries[pair.kind]) < max_queries_per_kind:
            queries[pair.kind].append(pair)

    def ids(texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    kinds: dict[str, KindSet] = {}
    for kind in sorted(queries):
        labels = sorted(candidates[kind])
        index = {label: i for i, label in enumerate(labels)}
        kinds[kind] = KindSet(
            query_ids=ids([p.anchor for p in queries[kind]]),
            candidate_ids=ids(labels),
            gold=np.array([index[p.positive] for p in queries[kind]], dtype=np.int64),
        )
    return ValidationSet(kinds=kinds)


def evaluate(weights: np.ndarray, validation: ValidationSet) -> dict[str, float]:
    """MRR per kind and their mean (key ``mean_mrr``) for the token vectors ``weights``."""
    weights = np.asarray(weights, dtype=np.float32)
    scores: dict[str, float] = {}
    for kind, data in validation.kinds.items():
        q = pool_token_vectors(weights, data.query_ids)
        c = pool_token_vectors(weights, data.candidate_ids)
        ranks = np.zeros(len(data.gold), dtype=np.int64)
        for start in range(0, len(q), 512):
            sims = q[start : start + 512] @ c.T
            gold = data.gold[start : start + 512]
            gold_scores = sims[np.arange(len(gold)), gold]
            ranks[start : start + 512] = 1 + (sims > gold_scores[:, None]).sum(axis=1)
        scores[kind] = float(np.mean(1.0 / ranks))
    scores["mean_mrr"] = float(np.mean(list(scores.values()))) if scores else 0.0
    return scores
