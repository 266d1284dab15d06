"""Teacher vectors: distillation targets, PCA to the model's size, token-vector initialisation."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from tokenizers import Tokenizer

from nlp.training.tokenizer import token_surface, vocabulary

if TYPE_CHECKING:
    from nlp.embed import Encoder

log = logging.getLogger(__name__)


def encode_in_chunks(teacher: Encoder, texts: Sequence[str], *, chunk: int = 4096,
                     progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """``teacher.encode`` over ``texts`` in chunks (float32), reporting (done, total) after each."""
    out = np.zeros((len(texts), teacher.dim), dtype=np.float32)
    for start in range(0, len(texts), chunk):
        batch = list(texts[start : start + chunk])
        out[start : start + len(batch)] = teacher.encode(batch)
        if progress is not None:
            progress(start + len(batch), len(texts))
    return out


@dataclass(frozen=True)
class Projection:
    """Centred PCA: ``project(x) = (x - mean) @ components.T``."""

    mean: np.ndarray  # (teacher_dim,)
    components: np.ndarray  # (dim, teacher_dim)

    def project(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) @ self.components.T).astype(np.float32)


def fit_projection(vectors: np.ndarray, dim: int) -> Projection:
    """PCA of ``vectors`` to ``dim`` components (eigen-decomposition of the covariance, float64,
    each component's sign fixed so its largest loading is positive: deterministic).

    >>> rng = np.random.default_rng(0)
    >>> p = fit_projection(rng.normal(size=(200, 6)) * [5, 1, 1, 1, 1, 0.1], 2)
    >>> p.components.shape, p.project(np.zeros((1, 6))).shape
    ((2, 6), (1, 2))
    """
    if dim > vectors.shape[1]:
        raise ValueError(f"dim {dim} exceeds the teacher's dimension {vectors.shape[1]}")
    x = vectors.astype(np.float64)
    mean = x.mean(axis=0)
    cov = np.cov(x - mean, rowvar=False)
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    order = np.argsort(eigenvalues)[::-1][:dim]
    components = eigenvectors[:, order].T
    signs = np.sign(components[np.arange(dim), np.abs(components).argmax(axis=1)])
    components = components * signs[:, None]
    explained = eigenvalues[order].sum() / eigenvalues.sum()
    log.info("PCA %d → %d dimensions keeps %.1f%% of the variance", x.shape[1], dim, 100 * explained)
    return Projection(mean=mean.astype(np.float32), components=components.astype(np.float32))


def token_init(tokenizer: Tokenizer, teacher: Encoder, projection: Projection, *,
               progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Initial token vectors: the teacher's vector of each token's text ('##' removed),
    projected; special tokens start at the projected origin (the corpus mean)."""
    surfaces = [token_surface(t) for t in vocabulary(tokenizer)]
    real = [i for i, s in enumerate(surfaces) if s]
    vectors = np.tile(projection.project(projection.mean[None, :]), (len(surfaces), 1))
    vectors[real] = projection.project(encode_in_chunks(teacher, [surfaces[i] for i in real], progress=progress))
    return vectors
