"""Cache of computed analysis results, never stale.

Computing a gap report takes seconds (embedding, coverage), so the API serves stored results.
An entry's key hashes:

- the kind (``gaps``, ``modules``, ``signals``, ``watch``) and the request parameters,
- the embedding model name, the package version and ``RESULT_SCHEMA_VERSION`` (so a result of
  the shape of an older release is never served after an upgrade),
- the *fingerprint* of everything a result is computed from: the current referential versions,
  the analysis config (thresholds…), and for each table the analysis reads (ads, ticked skills,
  NLP mentions / links / occupation predictions) its row count and an order-independent hash of
  its rows (``bit_xor`` of row hashes; for the ads, of id, content hash, occupation, region, date),
- for gaps and modules, the digest of the reviewers' decisions in force for the occupation
  (``with_reviews``): a new decision is a new entry, never a stale one.

Any new, changed or deleted ad, any reprocessing, any new referential version changes the
fingerprint, so the old entry is no longer found (and is pruned at the next write). The
fingerprint is one aggregate query, a few milliseconds at 100k ads (see ``api/README.md``); the
service computes it once per published snapshot (snapshots never change). Entries live in the
service file (``api.state``), so the batch (``skillgap api warm``) fills the cache the running
service reads.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from api.state import ApiState
from models.base import json_default

#: bump whenever the JSON shape of a cached result changes (GapReport, modules, signals, watch)
RESULT_SCHEMA_VERSION = 4  # 3: typed results (GapSummary / ModulesReport / SignalReport, watch model); 4: reviews

@dataclass(frozen=True)
class CacheEntry:
    payload: str
    computed_at: datetime
    compute_s: float


def fingerprint(con: duckdb.DuckDBPyConnection, *, model_name: str) -> str:
    """Hash of the state of the store a result depends on (see module docstring)."""
    from analysis.config import get_config
    from crawler import queries as ad_queries
    from nlp import queries as nlp_queries
    from referentials import queries as ref_queries

    tables = sorted([*ad_queries.fingerprint_rows(con), *nlp_queries.fingerprint_rows(con)])
    state = {"tables": tables, "versions": ref_queries.source_versions(con), "model": model_name,
             "config": get_config().model_dump(mode="json"), "package": package_version(),
             "result_schema": RESULT_SCHEMA_VERSION}
    return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()


def package_version() -> str:
    """The installed skillgap version (a source checkout without metadata says so)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("skillgap")
    except PackageNotFoundError:
        return "unknown"


class FingerprintMemo:
    """Fingerprints of published snapshots: a snapshot never changes, so one computation each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fps: dict[tuple[str, str], str] = {}

    def get(self, con: duckdb.DuckDBPyConnection, *, model_name: str, snapshot: str) -> str:
        key = (snapshot, model_name)
        with self._lock:
            if key in self._fps:
                return self._fps[key]
        fp = fingerprint(con, model_name=model_name)
        with self._lock:
            if len(self._fps) > 16:
                self._fps.clear()
            self._fps[key] = fp
        return fp


def params_key(kind: str, params: dict[str, Any]) -> str:
    """Canonical text of a request (kind + parameters)."""
    return json.dumps({"kind": kind, **params}, default=json_default, sort_keys=True)


def with_reviews(fp: str, digest: str | None) -> str:
    """The fingerprint of a result that also depends on reviewers' decisions (their digest)."""
    return fp if digest is None else f"{fp}|reviews:{digest}"


def cache_key(kind: str, params: dict[str, Any], fp: str) -> str:
    return hashlib.sha256(f"{params_key(kind, params)}|{fp}".encode()).hexdigest()


def lookup(state: ApiState, key: str) -> CacheEntry | None:
    row = state.one("SELECT payload, computed_at, compute_s FROM result_cache WHERE cache_key = ?", [key])
    if row is None:
        return None
    return CacheEntry(payload=row[0], computed_at=datetime.fromisoformat(row[1]), compute_s=row[2])


def lookup_many(state: ApiState, keys: list[str]) -> dict[str, CacheEntry]:
    """The entries found among ``keys``, by key, in one transaction (pages listing occupations)."""
    found: dict[str, CacheEntry] = {}
    with state.connect() as con:
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            rows = con.execute("SELECT cache_key, payload, computed_at, compute_s FROM result_cache "
                               f"WHERE cache_key IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
            found.update({r[0]: CacheEntry(payload=r[1], computed_at=datetime.fromisoformat(r[2]), compute_s=r[3])
                          for r in rows})
    return found


def save(state: ApiState, *, kind: str, params: dict[str, Any], fp: str, model_name: str | None,
         payload: str, compute_s: float) -> CacheEntry:
    """Store a result under its key; drop the entries of the same request computed on another state."""
    pkey, key = params_key(kind, params), cache_key(kind, params, fp)
    now = datetime.now(UTC).replace(tzinfo=None)
    with state.connect() as con:
        con.execute("DELETE FROM result_cache WHERE params_key = ?", [pkey])
        con.execute("INSERT OR REPLACE INTO result_cache VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [key, kind, pkey, json.dumps(params, default=json_default), model_name, fp, now.isoformat(),
                     compute_s, payload])
    return CacheEntry(payload=payload, computed_at=now, compute_s=compute_s)
