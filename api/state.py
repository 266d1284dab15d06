"""The service's own small writable file (SQLite), beside the store: ``<store>.api.sqlite``.

The API never writes the DuckDB store (the batch does, and DuckDB admits one writing process
and then no reader): what the service itself writes lives here, where SQLite lets the service,
``skillgap apikey create`` and the batch (``skillgap api warm``, ``skillgap ingest --staged``)
write at the same time (WAL journal, busy timeout):

- ``api_keys``: API keys, as salted SHA-256 of a random 256-bit secret (``api.keys``);
- ``result_cache``: computed analysis results by cache key (``api.cache``);
- ``modules``: candidate modules the service computed (its store snapshot is read-only);
- ``staged_ads``: ads received by ``POST /ads``, imported into the store by the next batch;
- ``reviews``: reviewers' decisions on demanded skills (``api.reviews``), every one kept.

Every call opens its own short connection, so any thread may use an ``ApiState``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillgap.errors import UserError

#: bump when a table below changes shape; an older file is migrated by ``_migrate``
STATE_SCHEMA_VERSION = 1

DDL = (
    """CREATE TABLE IF NOT EXISTS api_keys (
        key_id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        salt TEXT NOT NULL,
        key_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS result_cache (
        cache_key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        params_key TEXT NOT NULL,
        params TEXT NOT NULL,
        model_name TEXT,
        fingerprint TEXT NOT NULL,
        computed_at TEXT NOT NULL,
        compute_s REAL NOT NULL,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS result_cache_params ON result_cache (params_key)",
    """CREATE TABLE IF NOT EXISTS modules (
        module_id TEXT PRIMARY KEY,
        rome_code TEXT NOT NULL,
        title TEXT NOT NULL,
        first_computed_at TEXT NOT NULL,
        last_computed_at TEXT NOT NULL,
        module TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS staged_ads (
        staging_id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at TEXT NOT NULL,
        key_id TEXT,
        record TEXT NOT NULL,
        imported_at TEXT,
        status TEXT,
        ad_id TEXT,
        reason TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS reviews (
        review_id INTEGER PRIMARY KEY AUTOINCREMENT,
        rome_code TEXT NOT NULL,
        skill_key TEXT NOT NULL,
        skill_label TEXT NOT NULL,
        verdict TEXT NOT NULL,
        merged_into_key TEXT,
        corrected_status TEXT,
        corrected_block_code TEXT,
        comment TEXT NOT NULL,
        key_id TEXT NOT NULL,
        decided_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS reviews_rome ON reviews (rome_code, review_id)",
)


def state_path(store: Path | str) -> Path:
    """The service file of the store ``store``: ``data/skillgap.duckdb`` → ``data/skillgap.api.sqlite``."""
    store = Path(store)
    return store.with_name(f"{store.stem}.api.sqlite")


class ApiState:
    """The SQLite file of one store's service (see module docstring)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.connect() as con:
                con.execute("PRAGMA journal_mode=WAL")
                for statement in DDL:
                    con.execute(statement)
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version > STATE_SCHEMA_VERSION:
                    raise UserError(f"{self.path} : fichier de service d'une version plus récente de skillgap "
                                    f"(schéma {version}, celui-ci lit {STATE_SCHEMA_VERSION})")
                con.execute(f"PRAGMA user_version = {STATE_SCHEMA_VERSION}")
        except sqlite3.DatabaseError as e:
            raise UserError(f"{self.path} : fichier de service illisible ({e})") from e

    @classmethod
    def for_store(cls, store: Path | str) -> ApiState:
        return cls(state_path(store))

    def one(self, sql: str, params: list | tuple = ()) -> tuple | None:
        """The first row of a read, or None."""
        with self.connect() as con:
            return con.execute(sql, params).fetchone()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction (committed at the end of the block, rolled back on error)."""
        con = sqlite3.connect(self.path, timeout=30.0)
        try:
            con.execute("PRAGMA busy_timeout = 30000")
            with con:
                yield con
        finally:
            con.close()
