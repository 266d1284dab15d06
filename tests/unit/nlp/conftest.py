"""Fixtures of the NLP unit tests: a tiny deterministic encoder (hashed bag of words)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from nlp.embed import normalize_rows
from nlp.text import fold


class HashEncoder:
    """Bag of folded words hashed into 64 dimensions: identical words → similar vectors."""

    name = "hash-bow-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in fold(text).replace("'", " ").split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        return normalize_rows(out)


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder()
