"""DDL of the tables this package owns (see skillgap.store).

- ``out_api__result_cache``: computed analysis results (gap reports, modules, signals, watch) by
  cache key. The key hashes the request parameters, the embedding model, the current referential
  versions, the analysis config and a fingerprint of the ads / NLP tables, so an entry is only
  found while everything it was computed from is unchanged (``api.cache``).
- ``core_api__keys``: API keys, stored as salted SHA-256 of a random 256-bit secret (``api.keys``).
"""

DDL: list[str] = [
    """CREATE TABLE IF NOT EXISTS out_api__result_cache (
        cache_key VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        params_key VARCHAR NOT NULL,
        params JSON NOT NULL,
        model_name VARCHAR,
        fingerprint VARCHAR NOT NULL,
        computed_at TIMESTAMP NOT NULL,
        compute_s DOUBLE NOT NULL,
        payload JSON NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS core_api__keys (
        key_id VARCHAR PRIMARY KEY,
        label VARCHAR NOT NULL,
        salt VARCHAR NOT NULL,
        key_hash VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
    )""",
]
