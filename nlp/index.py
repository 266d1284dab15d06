"""FAISS inner-product indexes over referential labels, persisted per (model, referential version).

An index holds unit vectors of label texts and, for each row, the key (a ROME code, an OGR code or
an ESCO URI) the text belongs to; one key usually has several texts (preferred, alternative,
masculine / feminine labels). Inner product on unit vectors is cosine similarity. Files live under
``<cache_dir>/indexes/`` and are named by a digest of the model identity (``nlp.embed.cache_identity``:
the name, plus the digest of the model files for a folder given by path), the referential version and
the texts themselves, so any change makes a new index (a stale one is never read). Exact (flat)
indexes are stored by FAISS but searched with numpy (faster for a batch's few hundred queries);
IVF indexes are searched by FAISS, on every core for a batch's big searches.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from nlp.embed import Encoder, cache_identity

PARALLEL_MIN_QUERIES = 64  # batched searches of at least this many queries use every core (see ``search``)
ANN_MIN_ROWS = 10_000  # below: exact search; above: IVF (cells searched: NPROBE)
NPROBE = 24
EXACT_CHUNK = 65_536  # pairs per float64 dot product batch (``exact_dots``)
RESCORE_MARGIN = 1e-3  # ``top_keys``: float32 search scores this close below the threshold are re-scored


def exact_dots(queries: np.ndarray, vectors: np.ndarray, query_at: np.ndarray, rows: np.ndarray, *,
               chunk: int = EXACT_CHUNK) -> np.ndarray:
    """Float64 dot product of each pair (``queries[query_at[i]]``, ``vectors[rows[i]]``), ``chunk`` pairs
    at a time: the same bits whatever the batch, the BLAS kernel or its threads (``LabelIndex.exact_scores``)."""
    out = np.empty(len(query_at), dtype=np.float64)
    for start in range(0, len(query_at), chunk):
        q, r = query_at[start : start + chunk], rows[start : start + chunk]
        out[start : start + chunk] = np.einsum("ij,ij->i", queries[q].astype(np.float64), vectors[r].astype(np.float64))
    return out


def index_digest(model_name: str, version_key: str, texts: Sequence[str], keys: Sequence[str]) -> str:
    """A digest that changes whenever the model, the referential version or a label changes."""
    digest = hashlib.sha256(f"{model_name}\x00{version_key}".encode())
    for text, key in zip(texts, keys, strict=True):
        digest.update(f"{key}\x01{text}\x02".encode())
    return digest.hexdigest()[:20]


class LabelIndex:
    """Texts → keys, searchable by cosine similarity."""

    def __init__(self, index: faiss.Index, keys: Sequence[str]) -> None:
        if index.ntotal != len(keys):
            raise ValueError(f"index has {index.ntotal} rows but {len(keys)} keys")
        self.index = index
        self.keys = np.asarray(keys, dtype=object)
        self._key_list = list(keys)  # plain list: indexing it in a loop is faster than the object array
        # exact (flat) indexes are searched with numpy: one matrix product, then a partial sort; FAISS's
        # flat search took ≈ 0.1 s per call on a batch's 150 titles, numpy 0.02 s (same scores)
        flat_ip = isinstance(index, faiss.IndexFlat) and index.metric_type == faiss.METRIC_INNER_PRODUCT
        self._flat = self.vectors() if flat_ip else None
        self._stored: np.ndarray | None = self._flat  # vectors for exact re-scoring (IVF: reconstructed once)
        key_id: dict[str, int] = {}
        self._key_ids = np.fromiter((key_id.setdefault(k, len(key_id)) for k in self._key_list), np.int64, len(keys))

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, keys: Sequence[str], *, ann_min_rows: int = ANN_MIN_ROWS) -> LabelIndex:
        """Exact ``IndexFlatIP`` for small sets; ``IndexIVFFlat`` (inner product) from ``ann_min_rows``."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        index: faiss.Index
        if len(vectors) < ann_min_rows:
            index = faiss.IndexFlatIP(dim)
        else:
            nlist = int(4 * np.sqrt(len(vectors)))
            ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            ivf.train(vectors)
            ivf.nprobe = NPROBE
            index = ivf
        if len(vectors):
            index.add(vectors)
        return cls(index, keys)

    @classmethod
    def build(
        cls,
        *,
        name: str,
        texts: Sequence[str],
        keys: Sequence[str],
        encoder: Encoder,
        version_key: str,
        cache_dir: Path | None,
        ann_min_rows: int = ANN_MIN_ROWS,
    ) -> LabelIndex:
        """Load the persisted index for these inputs, or encode and persist it."""
        if cache_dir is None:
            return cls.from_vectors(encoder.encode(texts), keys, ann_min_rows=ann_min_rows)
        identity = cache_identity(encoder)
        digest = index_digest(f"{identity}|ann>={ann_min_rows}", version_key, texts, keys)
        folder = cache_dir / "indexes"
        index_file = folder / f"{name}-{digest}.faiss"
        meta_file = folder / f"{name}-{digest}.json"
        if index_file.is_file() and meta_file.is_file():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            index = faiss.read_index(str(index_file))
            if isinstance(index, faiss.IndexIVF):
                index.nprobe = NPROBE
            return cls(index, meta["keys"])
        built = cls.from_vectors(encoder.encode(texts), keys, ann_min_rows=ann_min_rows)
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(built.index, str(index_file))
        meta = {"model": encoder.name, "model_identity": identity, "referential_version": version_key,
                "keys": list(keys), "n": len(keys)}
        meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return built

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, row indices), each (n_queries, min(k, size)), best first."""
        k = min(k, self.index.ntotal)
        if len(queries) == 0 or k == 0:
            return np.zeros((len(queries), k), np.float32), np.zeros((len(queries), k), np.int64)
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self._flat is not None:
            return _exact_search(queries, self._flat, k)
        if len(queries) < PARALLEL_MIN_QUERIES:
            return self.index.search(queries, k)
        # FAISS runs single-threaded between calls (``NlpEngine.create``: idle OpenMP threads spinning
        # slowed the numpy work around small searches); a batch's big search is split across cores
        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(max(before, os.cpu_count() or 1))
        try:
            return self.index.search(queries, k)
        finally:
            faiss.omp_set_num_threads(before)

    def vectors(self) -> np.ndarray:
        """All stored vectors, in insertion order (for exact scoring of a few rows)."""
        if isinstance(self.index, faiss.IndexIVF):
            self.index.make_direct_map()
            return self.index.reconstruct_n(0, self.index.ntotal)
        flat = self.index
        assert isinstance(flat, faiss.IndexFlat)  # ``from_vectors`` makes flat or IVF indexes
        return faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)

    def stored_vectors(self) -> np.ndarray:
        """``vectors()``, kept: an IVF index's vectors are reconstructed once, for exact re-scoring."""
        if self._stored is None:
            self._stored = np.ascontiguousarray(self.vectors(), dtype=np.float32)
        return self._stored

    def exact_scores(self, queries: np.ndarray, rows: np.ndarray, *, chunk: int = EXACT_CHUNK) -> np.ndarray:
        """Float64 cosine of each query with each of its rows (``rows``: (n_queries, m), -1 = none →
        -inf). The scores a search returns are float32 products whose last bits depend on the BLAS
        kernel, its thread count and the batch's size (Spark's workers run one thread, a local run
        two): every score that is kept is this pairwise float64 dot instead, the same whatever the
        batch or the machine, so Spark and the local engine store the same rows."""
        out = np.full(rows.shape, -np.inf, dtype=np.float64)
        at_query, at_col = np.nonzero(rows >= 0)
        if len(at_query) == 0:
            return out
        out[at_query, at_col] = exact_dots(queries, self.stored_vectors(), at_query, rows[at_query, at_col],
                                           chunk=chunk)
        return out

    def best_per_key(self, queries: np.ndarray, k: int) -> list[dict[str, float]]:
        """For each query: key → best score among its top-``k`` rows (``exact_scores``)."""
        _, rows = self.search(queries, k)
        scores = self.exact_scores(np.asarray(queries, dtype=np.float32), rows)
        keys = self._key_list
        out: list[dict[str, float]] = []
        for score_row, index_row in zip(scores.tolist(), rows.tolist(), strict=True):  # Python floats / ints
            best: dict[str, float] = {}
            for score, row in zip(score_row, index_row, strict=True):
                if row < 0:
                    continue
                key = keys[row]
                if score > best.get(key, -2.0):
                    best[key] = score
            out.append(best)
        return out

    def top_keys(self, queries: np.ndarray, k: int, *, n: int, min_score: float) -> list[list[tuple[str, float]]]:
        """For each query: its ``n`` best distinct keys scoring at least ``min_score``, best first (equal
        scores: the lowest row first) — the first ``n`` items of ``best_per_key`` sorted by score,
        computed on arrays. Only rows within ``RESCORE_MARGIN`` of the threshold are re-scored exactly."""
        scores, rows = self.search(queries, k)
        if rows.size == 0:
            return [[] for _ in range(len(queries))]
        key_ids = np.where(rows >= 0, self._key_ids[np.maximum(rows, 0)], -1)
        first_col = np.tile(np.arange(rows.shape[1]), (len(rows), 1))  # column of the key's first row
        for j in range(1, rows.shape[1]):
            same = key_ids[:, :j] == key_ids[:, j : j + 1]
            first_col[:, j] = np.where(same.any(axis=1), same.argmax(axis=1), j)
        near = (rows >= 0) & (scores.astype(np.float64) >= min_score - RESCORE_MARGIN)
        exact = self.exact_scores(np.asarray(queries, dtype=np.float32), np.where(near, rows, -1))
        best = np.full(rows.shape, -np.inf)  # at a key's first column: its best exact score
        np.maximum.at(best, (np.nonzero(near)[0], first_col[near]), exact[near])
        # equal exact scores in row order: FAISS's order among float32 ties is not the same on every machine
        order = np.lexsort((np.where(rows >= 0, rows, np.iinfo(np.int64).max), -best), axis=1)
        ranked = np.take_along_axis(best, order, axis=1)
        keep = ranked >= min_score
        keep &= np.cumsum(keep, axis=1) <= n
        out: list[list[tuple[str, float]]] = [[] for _ in range(len(queries))]
        keys = self._key_list
        queries_at, columns = np.nonzero(keep)  # row-major: each query's keys best first
        for query, row, score in zip(queries_at.tolist(), rows[queries_at, order[queries_at, columns]].tolist(),
                                     ranked[queries_at, columns].tolist(), strict=True):
            out[query].append((keys[row], score))
        return out


def _exact_search(
    queries: np.ndarray, vectors: np.ndarray, k: int, *, chunk: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` rows by inner product, best first, equal scores in row order (as ``exact_top_k``,
    without sorting whole rows); ``chunk`` queries at a time (a chunk × rows float32 block)."""
    scores = np.empty((len(queries), k), dtype=np.float32)
    rows = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), chunk):
        sims = queries[start : start + chunk] @ vectors.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        kth = np.take_along_axis(sims, top, axis=1).min(axis=1)
        for i in np.flatnonzero((sims >= kth[:, None]).sum(axis=1) > k):  # ties at the k-th score: lowest rows
            tied = np.flatnonzero(sims[i] >= kth[i])
            top[i] = tied[np.argsort(-sims[i, tied], kind="stable")][:k]
        top.sort(axis=1)  # row order, kept for equal scores by the stable sort below
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        scores[start : start + chunk] = np.take_along_axis(top_sims, order, axis=1)
        rows[start : start + chunk] = np.take_along_axis(top, order, axis=1)
    return scores, rows


def exact_top_k(queries: np.ndarray, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force numpy top-k by inner product (the reference for tests)."""
    sims = queries @ vectors.T
    rows = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(sims, rows, axis=1), rows
