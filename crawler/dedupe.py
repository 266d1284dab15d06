"""Duplicate detection: exact (normalised title + description + employer) and near (MinHash LSH).

Near duplicates are edited reposts: the same ad on another board or re-published with a few
words changed. An ad's fingerprint is the set of its word 2-shingles (normalised title +
description), kept as sorted 32-bit hashes, plus their MinHash. ``datasketch.MinHashLSH`` finds
the candidates; a candidate is accepted when the *exact* Jaccard similarity of the two shingle
sets reaches ``threshold`` (the MinHash estimate alone is ±0.04 at 128 permutations, enough to
flip pairs near the threshold either way). The index is in memory and rebuilt from the stored
fingerprints (``core_ads__minhashes``) at the start of each run, so detection continues across runs.

Word 2-shingles rather than 3: a short ad loses fewer shingles per edited word (32 words, two
changed, a reference line added: 0.74 on 2-shingles, 0.64 on 3-shingles), while the number of
matches between different real ads stays the same (measured with ``skillgap eval dedupe``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH
from datasketch.hashfunc import sha1_hash32

from crawler.parsers.text import normalise_for_hash

NUM_PERM = 128
SHINGLE_WORDS = 2
#: how stored fingerprints were computed; rows of another scheme are recomputed from the ad text
#: (``-oe``: words folded by ``skillgap.text.fold``, « œ » → « oe », since 2026-12)
SCHEME = f"w{SHINGLE_WORDS}-affine32-p{NUM_PERM}-exact-oe"
#: datasketch hashing scheme of the MinHash values (must not change between runs)
MINHASH_SCHEME = "affine32"
#: exact Jaccard similarity of word 2-shingles above which two ads are the same ad
THRESHOLD = 0.65
#: the LSH bands are tuned below THRESHOLD so that candidates near it are not missed
LSH_THRESHOLD = 0.5


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """An ad's shingle hashes (sorted, unique uint32) and their MinHash."""

    minhash: MinHash
    shingles: np.ndarray

    def jaccard(self, other: Fingerprint) -> float:
        if not self.shingles.size or not other.shingles.size:
            return 0.0
        common = np.intersect1d(self.shingles, other.shingles, assume_unique=True).size
        return common / (self.shingles.size + other.shingles.size - common)


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


def signature_of(title: str, description: str, *, num_perm: int = NUM_PERM) -> Fingerprint:
    """Fingerprint of an ad's title + description."""
    grams = sorted(shingles(f"{title}\n{description}"))
    minhash = MinHash(num_perm=num_perm, scheme=MINHASH_SCHEME)
    minhash.update_batch(grams)
    hashes = np.unique(np.fromiter((sha1_hash32(g) for g in grams), dtype=np.uint32, count=len(grams)))
    return Fingerprint(minhash, hashes)


def signature_to_bytes(fingerprint: Fingerprint) -> tuple[bytes, bytes]:
    """(MinHash values, shingle hashes) as stored."""
    return np.asarray(fingerprint.minhash.hashvalues, dtype=np.uint64).tobytes(), fingerprint.shingles.tobytes()


def signature_from_bytes(minhash: bytes, hashes: bytes, *, num_perm: int = NUM_PERM) -> Fingerprint:
    values = np.frombuffer(minhash, dtype=np.uint64)
    if values.size != num_perm:
        raise ValueError(f"stored MinHash has {values.size} values, expected {num_perm}")
    return Fingerprint(
        MinHash(num_perm=num_perm, hashvalues=values.copy(), scheme=MINHASH_SCHEME),
        np.frombuffer(hashes, dtype=np.uint32).copy(),
    )


class Deduper:
    """In-memory index of the canonical ads: content hashes and MinHash LSH."""

    def __init__(self, *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        if not 0 < threshold <= 1:
            raise ValueError(f"near-duplicate threshold must be in ]0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=min(LSH_THRESHOLD, threshold), num_perm=num_perm)
        self._by_hash: dict[str, list[str]] = {}
        self._signatures: dict[str, Fingerprint] = {}
        self._departments: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def _same_place(self, ad_id: str, department_code: str | None) -> bool:
        other = self._departments.get(ad_id)
        return department_code is None or other is None or other == department_code

    def find(self, content_hash: str, signature: Fingerprint, department_code: str | None = None) -> Match | None:
        """The best matching canonical ad, exact first; None when the ad is new.

        The same text offered in two different départements is two vacancies (a multi-site
        posting), not a duplicate: ads whose known départements differ never match.
        """
        for ad_id in self._by_hash.get(content_hash, ()):
            if self._same_place(ad_id, department_code):
                return Match(ad_id, "exact", 1.0)
        near = self.near_matches(signature, department_code)
        return near[0] if near else None

    def near_matches(self, signature: Fingerprint, department_code: str | None = None) -> list[Match]:
        """Every indexed ad at least ``threshold`` similar and not placed elsewhere, best first
        (ties go to the smallest id, every run)."""
        found = []
        for ad_id in sorted(self._lsh.query(signature.minhash)):
            if self._same_place(ad_id, department_code):
                similarity = signature.jaccard(self._signatures[ad_id])
                if similarity >= self.threshold:
                    found.append(Match(ad_id, "near", similarity))
        return sorted(found, key=lambda m: -m.similarity)  # stable: equal similarities keep id order

    def add(self, ad_id: str, content_hash: str, signature: Fingerprint, department_code: str | None = None) -> None:
        """Index a canonical ad (replacing what was indexed for it before)."""
        self.remove(ad_id)
        self.add_hash(content_hash, ad_id)
        self._departments[ad_id] = department_code
        self._signatures[ad_id] = signature
        self._lsh.insert(ad_id, signature.minhash)

    def add_hash(self, content_hash: str, ad_id: str) -> None:
        """Remember another exact text of an existing canonical ad (a duplicate's hash)."""
        ids = self._by_hash.setdefault(content_hash, [])
        if ad_id not in ids:
            ids.append(ad_id)

    def remove(self, ad_id: str) -> None:
        if ad_id in self._signatures:
            self._lsh.remove(ad_id)
            del self._signatures[ad_id]
