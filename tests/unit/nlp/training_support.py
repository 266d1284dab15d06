"""Helpers of the training tests (a module with a unique name: test files import it, never `conftest`)."""

from __future__ import annotations

import hashlib

import numpy as np


class HashTeacher:
    """Deterministic toy teacher: mean of per-word pseudo-random vectors."""

    name = "hash-teacher"
    dim = 24

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                seed = int(hashlib.sha1(word.encode()).hexdigest()[:8], 16)
                out[i] += np.random.default_rng(seed).normal(size=self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)
