"""Duplicate detection: exact (normalised title + description + employer) and near (MinHash LSH).

Near duplicates are edited reposts: the same ad on another board or re-published with a few
words changed. Candidates come from ``datasketch.MinHashLSH`` over word 3-shingles of the
normalised title + description; a candidate is accepted when its estimated Jaccard similarity
reaches ``threshold``. The index is in memory and rebuilt from the stored signatures
(``core_ads__minhashes``) at the start of each run, so detection continues across runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from crawler.parsers.text import normalise_for_hash

NUM_PERM = 128
#: datasketch hashing scheme of the stored signatures (must not change between runs)
SCHEME = "affine32"
SHINGLE_WORDS = 3
#: estimated Jaccard similarity of word 3-shingles above which two ads are the same ad
THRESHOLD = 0.6
#: the LSH bands are tuned a little below THRESHOLD so that candidates near it are not missed
LSH_THRESHOLD = 0.5


@dataclass(frozen=True)
class Match:
    """The canonical ad an incoming ad duplicates."""

    ad_id: str
    kind: str  # "exact" | "near"
    similarity: float


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word ``size``-grams of the normalised text (the whole text when shorter).

    >>> sorted(shingles("Le chat, le CHAT !", size=2))
    [b'chat le', b'le chat']
    """
    words = normalise_for_hash(text).split()
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature_of(title: str, description: str, *, num_perm: int = NUM_PERM) -> MinHash:
    """MinHash of an ad's title + description."""
    minhash = MinHash(num_perm=num_perm, scheme=SCHEME)
    minhash.update_batch(sorted(shingles(f"{title}\n{description}")))
    return minhash


def signature_to_bytes(minhash: MinHash) -> bytes:
    return np.asarray(minhash.hashvalues, dtype=np.uint64).tobytes()


def signature_from_bytes(data: bytes, *, num_perm: int = NUM_PERM) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint64)
    if values.size != num_perm:
        raise ValueError(f"stored MinHash has {values.size} values, expected {num_perm}")
    return MinHash(num_perm=num_perm, hashvalues=values.copy(), scheme=SCHEME)


class Deduper:
    """In-memory index of the canonical ads: content hashes and MinHash LSH."""

    def __init__(self, *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        if not 0 < threshold <= 1:
            raise ValueError(f"near-duplicate threshold must be in ]0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=min(LSH_THRESHOLD, threshold), num_perm=num_perm)
        self._by_hash: dict[str, list[str]] = {}
        self._signatures: dict[str, MinHash] = {}
        self._departments: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def _same_place(self, ad_id: str, department_code: str | None) -> bool:
        other = self._departments.get(ad_id)
        return department_code is None or other is None or other == department_code

    def find(self, content_hash: str, signature: MinHash, department_code: str | None = None) -> Match | None:
        """The best matching canonical ad, exact first; None when the ad is new.

        The same text offered in two different départements is two vacancies (a multi-site
        posting), not a duplicate: ads whose known départements differ never match.
        """
        for ad_id in self._by_hash.get(content_hash, ()):
            if self._same_place(ad_id, department_code):
                return Match(ad_id, "exact", 1.0)
        best: Match | None = None
        for ad_id in self._lsh.query(signature):
            if not self._same_place(ad_id, department_code):
                continue
            similarity = float(signature.jaccard(self._signatures[ad_id]))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(ad_id, "near", similarity)
        return best

    def add(self, ad_id: str, content_hash: str, signature: MinHash, department_code: str | None = None) -> None:
        """Index a canonical ad (replacing what was indexed for it before)."""
        self.remove(ad_id)
        self.add_hash(content_hash, ad_id)
        self._departments[ad_id] = department_code
        self._signatures[ad_id] = signature
        self._lsh.insert(ad_id, signature)

    def add_hash(self, content_hash: str, ad_id: str) -> None:
        """Remember another exact text of an existing canonical ad (a duplicate's hash)."""
        ids = self._by_hash.setdefault(content_hash, [])
        if ad_id not in ids:
            ids.append(ad_id)

    def remove(self, ad_id: str) -> None:
        if ad_id in self._signatures:
            self._lsh.remove(ad_id)
            del self._signatures[ad_id]
