"""Cache of computed analysis results, never stale.

Computing a gap report takes seconds (embedding, coverage), so the API serves stored results.
An entry's key hashes:

- the kind (``gaps``, ``modules``, ``signals``, ``watch``) and the request parameters,
- the embedding model name,
- the *fingerprint* of everything a result is computed from: the current referential versions,
  the analysis config (thresholds…), and for each table the analysis reads (ads, ticked skills,
  NLP mentions / links / occupation predictions) its row count and an order-independent hash of
  its rows (``bit_xor`` of row hashes; for the ads, of id, content hash, occupation, region, date).

Any new, changed or deleted ad, any reprocessing, any new referential version changes the
fingerprint, so the old entry is no longer found (and is pruned at the next write). The
fingerprint is one aggregate query, a few milliseconds at 100k ads (see ``api/README.md``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from skillgap.cliutil import json_default

#: tables whose rows feed the analysis → the columns hashed (those present are used)
FINGERPRINT_TABLES: dict[str, tuple[str, ...]] = {
    "core_ads__job_ads": ("ad_id", "content_hash", "rome_code", "region_code", "created_at"),
    "core_ads__ticked_skills": ("ad_id", "position", "skill_code", "label"),
    "core_nlp__mentions": ("mention_id", "ad_id", "text", "is_linked", "model_name"),
    "core_nlp__links": ("mention_id", "skill_code", "rank", "score", "model_name"),
    "core_nlp__occupations": ("ad_id", "rome_code", "score", "model_name"),
}


@dataclass(frozen=True)
class CacheEntry:
    payload: str
    computed_at: datetime
    compute_s: float


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE table_schema = 'main'").fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


def fingerprint(con: duckdb.DuckDBPyConnection, *, model_name: str) -> str:
    """Hash of the state of the store a result depends on (see module docstring)."""
    from analysis.config import get_config

    have = _columns(con)
    parts = []
    for table, wanted in FINGERPRINT_TABLES.items():
        cols = [c for c in wanted if c in have.get(table, ())]
        if cols:
            parts.append(f"SELECT '{table}' AS t, count(*) AS n, coalesce(bit_xor(hash({', '.join(cols)})), 0) AS h "
                         f"FROM {table}")
    tables = con.execute(" UNION ALL ".join(parts) + " ORDER BY t").fetchall() if parts else []
    versions = con.execute("SELECT source, version_id FROM core_meta__referential_versions WHERE is_current "
                           "ORDER BY source").fetchall() if "core_meta__referential_versions" in have else []
    state = {"tables": tables, "versions": versions, "model": model_name,
             "config": get_config().model_dump(mode="json")}
    return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()


class FingerprintMemo:
    """The fingerprint of a store, recomputed only after a write of this process or a row-count change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._state: tuple | None = None
        self._fp: str | None = None

    def invalidate(self) -> None:
        """Call after writing ads, ticked skills, NLP results or referentials through this process."""
        with self._lock:
            self._generation += 1

    def get(self, con: duckdb.DuckDBPyConnection, *, model_name: str) -> str:
        names = ", ".join(f"'{t}'" for t in (*FINGERPRINT_TABLES, "core_meta__referential_versions"))
        probe = con.execute(f"SELECT table_name, estimated_size FROM duckdb_tables() WHERE table_name IN ({names}) "
                            "ORDER BY 1").fetchall()
        with self._lock:
            state = (self._generation, model_name, tuple(probe))
            if state == self._state and self._fp is not None:
                return self._fp
        fp = fingerprint(con, model_name=model_name)
        with self._lock:
            self._state, self._fp = state, fp
        return fp


def params_key(kind: str, params: dict[str, Any]) -> str:
    """Canonical text of a request (kind + parameters)."""
    return json.dumps({"kind": kind, **params}, default=json_default, sort_keys=True)


def cache_key(kind: str, params: dict[str, Any], fp: str) -> str:
    return hashlib.sha256(f"{params_key(kind, params)}|{fp}".encode()).hexdigest()


def lookup(con: duckdb.DuckDBPyConnection, key: str) -> CacheEntry | None:
    row = con.execute("SELECT payload, computed_at, compute_s FROM out_api__result_cache WHERE cache_key = ?",
                      [key]).fetchone()
    return None if row is None else CacheEntry(payload=row[0], computed_at=row[1], compute_s=row[2])


def save(con: duckdb.DuckDBPyConnection, *, kind: str, params: dict[str, Any], fp: str, model_name: str | None,
         payload: str, compute_s: float) -> CacheEntry:
    """Store a result under its key; drop the entries of the same request computed on another state."""
    pkey, key = params_key(kind, params), cache_key(kind, params, fp)
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM out_api__result_cache WHERE params_key = ?", [pkey])
        con.execute("INSERT INTO out_api__result_cache VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [key, kind, pkey, json.dumps(params, default=json_default), model_name, fp, now, compute_s,
                     payload])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return CacheEntry(payload=payload, computed_at=now, compute_s=compute_s)
